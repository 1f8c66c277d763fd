package io.traittrace.service.outbox;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.traittrace.service.tracing.TraceParents;

/**
 * Moves committed outbox events to Kafka and marks them published once the broker acknowledged them.
 * If Kafka is down the events stay in the outbox and the next sweep sends them: delayed, never lost.
 * Delivery is at least once; consumers deduplicate on the CloudEvent id. An event that cannot be sent (a poison
 * event) is parked rather than retried in front of the queue; see {@link OutboxSweep}.
 */
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    private final OutboxRepository outbox;
    private final OutboxChannels channels;
    private final OutboxConfig config;
    private final OutboxBacklog backlog;

    public OutboxPublisher(OutboxRepository outbox, OutboxChannels channels, OutboxConfig config, OutboxBacklog backlog) {
        this.outbox = outbox;
        this.channels = channels;
        this.config = config;
        this.backlog = backlog;
    }

    // Delayed, and skipped until the application runs: the emitters cannot send before the channels are wired.
    @Scheduled(every = "${traittrace.outbox.poll-interval:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        // Counted before the sends as well as after: during an outage a sweep waits out up to two send timeouts, and
        // the backlog is what an operator looks at then.
        return countBacklog()
                .chain(() -> Panache.withTransaction(() -> outbox.lockUnpublished(config.batchSize())
                        .chain(this::publishInOrder)))
                .chain(this::countBacklog)
                .onFailure().invoke(e -> LOG.warnf("Outbox sweep failed, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> countBacklog() {
        return Panache.withSession(outbox::backlog).invoke(backlog::counted).replaceWithVoid();
    }

    /**
     * Sends events one by one in creation order, as {@link OutboxSweep} decides: a parked event never holds back later
     * ones, a failed one holds back its own key for the rest of the sweep, and an outage stops the sweep.
     */
    private Uni<Void> publishInOrder(List<OutboxEventEntity> events) {
        OutboxSweep sweep = new OutboxSweep(config.maxAttempts(), config.maxEventBytes());
        return Multi.createFrom().iterable(events)
                .onItem().transformToUniAndConcatenate(event -> attempt(sweep, event))
                .collect().last()
                .invoke(sweep::finish)
                .replaceWithVoid();
    }

    private Uni<Void> attempt(OutboxSweep sweep, OutboxEventEntity event) {
        if (!sweep.shouldSend(event)) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> send(sweep, event))
                .onItemOrFailure().invoke((ignored, error) -> {
                    if (error == null) {
                        sweep.acknowledged(event, OffsetDateTime.now());
                    } else {
                        sweep.failed(event, error, OffsetDateTime.now());
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> send(OutboxSweep sweep, OutboxEventEntity event) {
        MutinyEmitter<String> emitter = channels.emitterFor(event.topic);
        if (emitter == null) {
            return Uni.createFrom().failure(new OutboxSweep.Unsendable("no channel for topic " + event.topic));
        }
        OutboxSweep.Unsendable refusal = sweep.refusal(event);
        if (refusal != null) {
            return Uni.createFrom().failure(refusal);
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.eventKey)
                .withHeaders(List.of(new RecordHeader(
                        "content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8))))
                .build();
        Message<String> message = Message.of(event.payload).addMetadata(metadata);
        if (event.traceParent != null) {
            // The connector's producer span continues the trace of the change that wrote the event, and its
            // traceparent header carries it on to the consumers.
            message = message.addMetadata(TracingMetadata.withCurrent(TraceParents.restore(event.traceParent)));
        }
        return emitter.sendMessage(message);
    }
}
