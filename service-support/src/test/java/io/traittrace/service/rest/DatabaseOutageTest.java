package io.traittrace.service.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketException;

import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.CompositeException;
import io.vertx.sqlclient.DatabaseException;

/** Which failures mean "the database is not there right now" (503) and which are not (500 or the caller's 4xx). */
class DatabaseOutageTest {

    @Test
    void refusedResetAndClosedConnectionsAnywhereInTheChain() {
        assertThat(DatabaseOutage.describe(new HibernateException(new ConnectException("Connection refused")))).isPresent();
        assertThat(DatabaseOutage.describe(new RuntimeException(new HibernateException(new SocketException("Connection reset")))))
                .hasValueSatisfying(line -> assertThat(line).contains("Connection reset"));
        assertThat(DatabaseOutage.describe(io.vertx.sqlclient.ClosedConnectionException.INSTANCE)).isPresent();
    }

    @Test
    void aCompositeFailureIsSearchedThroughEveryCause() {
        // What a failed transaction whose rollback also failed looks like while PostgreSQL restarts.
        CompositeException composite = new CompositeException(new IllegalStateException("rollback failed"),
                new HibernateException(new SocketException("Connection reset")));
        assertThat(DatabaseOutage.describe(composite)).hasValueSatisfying(line -> assertThat(line).contains("Connection reset"));
    }

    @Test
    void serverStatesOfAServerGoingOrComing() {
        for (String state : new String[] { "08006", "08001", "57P01", "57P02", "57P03", "53300" }) {
            assertThat(DatabaseOutage.describe(new HibernateException(sqlState(state)))).as(state).isPresent();
        }
    }

    @Test
    void errorsOfTheRequestOrTheCodeAreNotOutages() {
        assertThat(DatabaseOutage.describe(sqlState("23505"))).as("unique violation").isEmpty();
        assertThat(DatabaseOutage.describe(sqlState("42P01"))).as("undefined table").isEmpty();
        assertThat(DatabaseOutage.describe(new IllegalStateException("bug"))).isEmpty();
        assertThat(DatabaseOutage.describe(new CompositeException(new IllegalStateException("a"), new IllegalArgumentException("b"))))
                .isEmpty();
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(DatabaseOutage.describe(a)).isEmpty();
    }

    private static DatabaseException sqlState(String state) {
        return new DatabaseException("server says " + state, 0, state) {
        };
    }
}
