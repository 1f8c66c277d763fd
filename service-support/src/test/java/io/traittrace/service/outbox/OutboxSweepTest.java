package io.traittrace.service.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.CompositeException;

/** The decisions of a sweep, over sequences of sends the way the publisher reports them. */
class OutboxSweepTest {

    private static final OffsetDateTime NOW = OffsetDateTime.parse("2025-01-01T00:00:00Z");
    private static final int MAX_ATTEMPTS = 3;

    @Test
    void anEventThatCanNeverBeSentIsParkedAtOnceAndLaterOnesOfItsKeyStillGo() {
        OutboxEventEntity tooLarge = event("k1");
        OutboxEventEntity noChannel = event("k2");
        OutboxEventEntity sameKey = event("k1");
        OutboxSweep sweep = run(List.of(tooLarge, noChannel, sameKey), e -> e == tooLarge
                ? new IllegalStateException("nack", new RecordTooLargeException("The message is 2000000 bytes"))
                : e == noChannel ? new OutboxSweep.Unsendable("no channel for topic nowhere") : null);
        assertThat(tooLarge.parkedAt).isEqualTo(NOW);
        assertThat(tooLarge.attempts).isEqualTo(1);
        assertThat(tooLarge.lastError).contains("RecordTooLargeException");
        assertThat(noChannel.parkedAt).isEqualTo(NOW);
        assertThat(noChannel.lastError).contains("no channel for topic nowhere");
        assertThat(sameKey.publishedAt).isEqualTo(NOW);
        assertThat(sweep.parked()).containsExactly(tooLarge, noChannel);
    }

    @Test
    void aPayloadOverTheBoundIsRefusedWithoutSending() {
        OutboxSweep sweep = new OutboxSweep(MAX_ATTEMPTS, 100);
        OutboxEventEntity small = event("k");
        small.payload = "x".repeat(100);
        OutboxEventEntity large = event("k");
        large.payload = "é".repeat(51); // 102 bytes in UTF-8
        assertThat(sweep.refusal(small)).isNull();
        assertThat(sweep.refusal(large)).hasMessageContaining("102 bytes").hasMessageContaining("max-event-bytes (100)");
        assertThat(OutboxSweep.permanent(sweep.refusal(large))).isTrue();
    }

    @Test
    void anOutageParksNothingCountsNothingAndStopsAfterTwoSends() {
        List<OutboxEventEntity> events = List.of(event("a"), event("b"), event("c"), event("d"));
        Function<OutboxEventEntity, Throwable> down = e -> new TimeoutException("Topic t not present in metadata after 5000 ms.");
        for (int sweepNo = 0; sweepNo < 50; sweepNo++) {
            List<OutboxEventEntity> sent = new ArrayList<>();
            OutboxSweep sweep = run(events, e -> {
                sent.add(e);
                return down.apply(e);
            });
            // The event that failed first, and at most one probe that never failed before.
            assertThat(sent).hasSizeLessThanOrEqualTo(2);
            assertThat(sweep.stopped()).isEqualTo(sent.size() == 2);
        }
        assertThat(events).allSatisfy(e -> {
            assertThat(e.parkedAt).isNull();
            assertThat(e.attempts).isZero();
            assertThat(e.publishedAt).isNull();
        });
        // The error is visible on the events that were tried.
        assertThat(events.get(0).lastError).contains("not present in metadata");
        // Kafka is back: everything goes, in order.
        run(events, e -> null);
        assertThat(events).allSatisfy(e -> assertThat(e.publishedAt).isEqualTo(NOW));
    }

    @Test
    void anOutageStartingMidSweepCountsNothing() {
        OutboxEventEntity first = event("a");
        OutboxEventEntity second = event("b");
        OutboxEventEntity third = event("c");
        OutboxSweep sweep = run(List.of(first, second, third), e -> e == first ? null : new TimeoutException("expired"));
        assertThat(first.publishedAt).isEqualTo(NOW);
        assertThat(sweep.stopped()).isTrue();
        assertThat(second.attempts).isZero();
        assertThat(third.attempts).isZero();
        assertThat(second.lastError).contains("expired");
    }

    @Test
    void aFailureOfItsOwnIsCountedWhenALaterEventGoesAndParksAtTheLimit() {
        OutboxEventEntity poison = event("p");
        OutboxEventEntity samePoisonKey = event("p");
        List<OutboxEventEntity> published = new ArrayList<>();
        for (int sweepNo = 1; sweepNo <= MAX_ATTEMPTS; sweepNo++) {
            OutboxEventEntity fresh = event("n" + sweepNo);
            List<OutboxEventEntity> sent = new ArrayList<>();
            run(List.of(poison, samePoisonKey, fresh), e -> {
                sent.add(e);
                return e == poison ? new TimeoutException("Topic missing not present in metadata") : null;
            });
            // The poison's key waits behind it (order per key); another key goes.
            assertThat(sent).containsExactly(poison, fresh);
            assertThat(fresh.publishedAt).isEqualTo(NOW);
            assertThat(poison.attempts).isEqualTo(sweepNo);
            published.add(fresh);
        }
        assertThat(poison.parkedAt).isEqualTo(NOW);
        // Parked: the next sweep (which no longer selects it) sends its key's next event.
        run(List.of(samePoisonKey), e -> null);
        assertThat(samePoisonKey.publishedAt).isEqualTo(NOW);
    }

    @Test
    void whileAFailureIsUnexplainedOnlyAnEventThatNeverFailedIsTriedAsTheProbe() {
        OutboxEventEntity poison = event("p");
        OutboxEventEntity earlierVictim = event("v");
        earlierVictim.lastError = "TimeoutException: from an outage";
        OutboxEventEntity fresh = event("f");
        List<OutboxEventEntity> sent = new ArrayList<>();
        run(List.of(poison, earlierVictim, fresh), e -> {
            sent.add(e);
            return e == poison ? new IllegalStateException("broker said no") : null;
        });
        assertThat(sent).containsExactly(poison, fresh);
        assertThat(poison.attempts).isEqualTo(1);
        assertThat(earlierVictim.publishedAt).isNull();
    }

    @Test
    void twoPoisonEventsAtTheHeadDoNotStallTheQueue() {
        OutboxEventEntity first = event("p1");
        OutboxEventEntity second = event("p2");
        OutboxEventEntity normal = event("n");
        Function<OutboxEventEntity, Throwable> poisoned = e -> e == first || e == second ? new TimeoutException("missing topic") : null;
        // First sweep: both fail, which looks like an outage; nothing counted.
        run(List.of(first, second, normal), poisoned);
        assertThat(normal.publishedAt).isNull();
        // Next sweep: the second poison has failed before, so it is no probe; the normal event is, and goes.
        run(List.of(first, second, normal), poisoned);
        assertThat(normal.publishedAt).isEqualTo(NOW);
        assertThat(first.attempts).isEqualTo(1);
    }

    @Test
    void causesAreFoundAnywhereAndTheErrorIsShort() {
        Throwable wrapped = new CompositeException(new IllegalStateException("a"), new RuntimeException(new RecordTooLargeException("big")));
        assertThat(OutboxSweep.permanent(wrapped)).isTrue();
        assertThat(OutboxSweep.permanent(new RuntimeException(new TimeoutException("slow")))).isFalse();
        assertThat(OutboxSweep.describe(new RuntimeException("x".repeat(5000)))).hasSize(OutboxSweep.MAX_ERROR_CHARS);
        assertThat(OutboxSweep.describe(new RuntimeException("outer\nline", new TimeoutException("inner"))))
                .isEqualTo("RuntimeException: outer line (TimeoutException: inner)");
    }

    /** One sweep over {@code events}: {@code outcome} answers each send with its error, or null for an acknowledgement. */
    private static OutboxSweep run(List<OutboxEventEntity> events, Function<OutboxEventEntity, Throwable> outcome) {
        OutboxSweep sweep = new OutboxSweep(MAX_ATTEMPTS, 512 * 1024);
        for (OutboxEventEntity event : events) {
            if (event.publishedAt != null || event.parkedAt != null || !sweep.shouldSend(event)) {
                continue;
            }
            Throwable error = outcome.apply(event);
            if (error == null) {
                sweep.acknowledged(event, NOW);
            } else {
                sweep.failed(event, error, NOW);
            }
        }
        sweep.finish();
        return sweep;
    }

    private static OutboxEventEntity event(String key) {
        OutboxEventEntity event = new OutboxEventEntity();
        event.id = UUID.randomUUID();
        event.topic = "t";
        event.eventKey = key;
        event.payload = "{}";
        event.createdAt = NOW;
        return event;
    }
}
