package io.traittrace.service.rest;

import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

import io.smallrye.mutiny.CompositeException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

/**
 * Recognises a failure that means "the database is not there right now" rather than "this request is wrong" or
 * "the code is wrong": the server refuses connections, dropped the connection, or is shutting down or starting up.
 * Such a request may succeed if retried later, so it is answered 503 rather than 500.
 */
final class DatabaseOutage {

    /**
     * SQLSTATEs of a server that is going or coming: class 08 (connection exceptions, matched by prefix),
     * admin and crash shutdown, cannot connect now (starting up), too many connections.
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private DatabaseOutage() {
    }

    /**
     * The cause in {@code failure}'s chain that shows the database is unavailable, if any, in one line. Mutiny's
     * {@link CompositeException} (a failure and the failure of its clean-up) is searched through all its causes.
     */
    static Optional<String> describe(Throwable failure) {
        Deque<Throwable> pending = new ArrayDeque<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        pending.add(failure);
        while (!pending.isEmpty()) {
            Throwable cause = pending.poll();
            if (!seen.add(cause)) {
                continue;
            }
            // Refused, reset or broken connections (ConnectException is a SocketException).
            if (cause instanceof SocketException || cause instanceof ClosedConnectionException) {
                return Optional.of(cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
            if (cause instanceof DatabaseException db && db.getSqlState() != null
                    && (db.getSqlState().startsWith("08") || UNAVAILABLE_STATES.contains(db.getSqlState()))) {
                return Optional.of("SQLSTATE " + db.getSqlState() + ": " + db.getMessage());
            }
            if (cause instanceof CompositeException composite) {
                pending.addAll(composite.getCauses());
            }
            if (cause.getCause() != null) {
                pending.add(cause.getCause());
            }
        }
        return Optional.empty();
    }
}
