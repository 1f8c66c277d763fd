package io.traittrace.service.outbox;

import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.CompositeException;

/**
 * The decisions of one outbox sweep: which events to send, and what a failed send means for the event. Events are
 * offered in creation order; the caller sends those {@link #shouldSend} allows and reports each outcome.
 * <ul>
 * <li>An error that can never succeed (no channel for the topic, a payload over
 * {@link OutboxConfig#maxEventBytes()}, Kafka's record-too-large or invalid-topic) parks the event at once; the
 * sweep goes on with the next event, also of the same key (a parked event never blocks later ones).</li>
 * <li>Any other failure holds the event's key for the rest of the sweep (one key's events stay in order) and is
 * <em>unexplained</em> until Kafka acknowledges a later event of the sweep: then the failure was the event's own, it
 * counts as an attempt, and {@link OutboxConfig#maxAttempts()} of them park it. Until then the next event tried is a
 * probe: only an event that never failed is sent (one that failed before could fail for its own reason and prove
 * nothing). If the probe fails too, Kafka takes nothing (an outage, a cluster-wide misconfiguration): the sweep
 * stops and nothing is counted, only {@code last_error} is recorded. So an outage of any length parks nothing and
 * costs each sweep at most two send timeouts, while a poison event (one whose failure is its own, retriable or
 * not, e.g. a topic the cluster lacks) is parked after {@code maxAttempts} sweeps in which other events went out.</li>
 * </ul>
 * A failure right as Kafka comes back may be counted against an event once; parking takes {@code maxAttempts} such.
 */
final class OutboxSweep {

    private static final Logger LOG = Logger.getLogger(OutboxSweep.class);

    /** Longest {@code last_error} kept. */
    static final int MAX_ERROR_CHARS = 500;

    private final int maxAttempts;
    private final int maxEventBytes;
    private final Set<String> heldKeys = new HashSet<>();
    private final List<OutboxEventEntity> unexplained = new ArrayList<>();
    private final List<OutboxEventEntity> parked = new ArrayList<>();
    private boolean stopped;

    OutboxSweep(int maxAttempts, int maxEventBytes) {
        this.maxAttempts = maxAttempts;
        this.maxEventBytes = maxEventBytes;
    }

    /** Whether to send {@code event} now; an event not sent stays pending for a later sweep. */
    boolean shouldSend(OutboxEventEntity event) {
        if (stopped || heldKeys.contains(event.eventKey)) {
            return false;
        }
        if (!unexplained.isEmpty() && (event.attempts > 0 || event.lastError != null)) {
            // Waiting for a probe: only an event that never failed tells an outage from a poison event.
            heldKeys.add(event.eventKey);
            return false;
        }
        return true;
    }

    /** Why {@code event} cannot be sent at all, without trying; null if it can. */
    Unsendable refusal(OutboxEventEntity event) {
        // Written before the bound was lowered: the repository refuses such events now.
        int bytes = OutboxRepository.bytesOver(event.payload, maxEventBytes);
        return bytes == 0 ? null : new Unsendable("payload of " + bytes + " bytes is over traittrace.outbox.max-event-bytes (" + maxEventBytes + ")");
    }

    /** Kafka acknowledged {@code event}: it is published, and every unexplained failure before it was its event's own. */
    void acknowledged(OutboxEventEntity event, OffsetDateTime now) {
        event.publishedAt = now;
        for (OutboxEventEntity failed : unexplained) {
            failed.attempts++;
            if (failed.attempts >= maxAttempts) {
                park(failed, now);
            }
        }
        unexplained.clear();
    }

    /** Sending {@code event} failed with {@code error}. */
    void failed(OutboxEventEntity event, Throwable error, OffsetDateTime now) {
        event.lastError = describe(error);
        if (permanent(error)) {
            event.attempts++;
            park(event, now);
            return;
        }
        heldKeys.add(event.eventKey);
        if (!unexplained.isEmpty()) {
            // Two sends in a row failed, the second of an event that never failed before: Kafka takes nothing now.
            stopped = true;
            LOG.warnf("Kafka did not take outbox events %s (%s) and %s (%s), will retry: %s", unexplained.get(0).id,
                    unexplained.get(0).topic, event.id, event.topic, event.lastError);
            unexplained.clear();
            return;
        }
        unexplained.add(event);
    }

    /** Whether the sweep gave up early (Kafka takes nothing). */
    boolean stopped() {
        return stopped;
    }

    /** The events this sweep parked. */
    List<OutboxEventEntity> parked() {
        return Collections.unmodifiableList(parked);
    }

    /** Ends the sweep: a failure no acknowledgement explained stays uncounted (it may have been the broker's). */
    void finish() {
        for (OutboxEventEntity failed : unexplained) {
            LOG.warnf("Kafka did not take outbox event %s (%s), will retry: %s", failed.id, failed.topic, failed.lastError);
        }
        unexplained.clear();
    }

    private void park(OutboxEventEntity event, OffsetDateTime now) {
        event.parkedAt = now;
        parked.add(event);
        LOG.warnf("Parked outbox event %s (topic %s, key %s) after %d failed attempt(s); it is not sent again until requeued: %s",
                event.id, event.topic, event.eventKey, event.attempts, event.lastError);
    }

    /** Errors that no retry can cure: they are the event's own, whatever the broker's state. */
    static boolean permanent(Throwable error) {
        // Every cause, suppressed error and part of a composite failure (Mutiny's CompositeException keeps only the
        // first as its cause).
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> toVisit = new ArrayDeque<>(List.of(error));
        while (!toVisit.isEmpty()) {
            Throwable t = toVisit.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof Unsendable || t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidTopicException) {
                return true;
            }
            if (t.getCause() != null) {
                toVisit.add(t.getCause());
            }
            toVisit.addAll(List.of(t.getSuppressed()));
            if (t instanceof CompositeException composite) {
                toVisit.addAll(composite.getCauses());
            }
        }
        return false;
    }

    /** The error as one short line: its class and message, with the innermost cause's if different. */
    static String describe(Throwable error) {
        Throwable root = error;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (root.getCause() != null && seen.add(root)) {
            root = root.getCause();
        }
        String line = error.getClass().getSimpleName() + ": " + error.getMessage();
        if (root != error) {
            line += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        line = line.replaceAll("\\s+", " ");
        return line.length() <= MAX_ERROR_CHARS ? line : line.substring(0, MAX_ERROR_CHARS - 1) + "…";
    }

    /** An event that cannot be sent: no channel for its topic, or a payload over the bound. */
    static final class Unsendable extends IllegalStateException {

        Unsendable(String message) {
            super(message);
        }
    }
}
