package io.traittrace.lineage.messaging;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.lineage.repository.OutboxEventEntity;
import io.traittrace.lineage.repository.OutboxRepository;

/**
 * Moves committed outbox events to Kafka and marks them published once the broker acknowledged them.
 * If Kafka is down the events stay in the outbox and the next sweep sends them: delayed, never lost.
 * Delivery is at least once; consumers deduplicate on the CloudEvent id.
 */
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    private final OutboxRepository outbox;
    private final MutinyEmitter<String> exposureDetected;
    private final LineageConfig config;

    public OutboxPublisher(OutboxRepository outbox, @Channel(ExposureEvents.TOPIC) MutinyEmitter<String> exposureDetected,
            LineageConfig config) {
        this.outbox = outbox;
        this.exposureDetected = exposureDetected;
        this.config = config;
    }

    // The first sweep waits for the messaging channels to be connected at startup.
    @Scheduled(every = "${lineage.events.poll-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return Panache.withTransaction(() -> outbox.lockUnpublished(config.events().batchSize())
                .chain(this::publishInOrder))
                .onFailure().invoke(e -> LOG.warnf("Outbox sweep failed, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Sends events one by one in creation order and stops at the first failure, keeping the order per key. */
    private Uni<Void> publishInOrder(List<OutboxEventEntity> events) {
        return Multi.createFrom().iterable(events)
                .onItem().transformToUniAndConcatenate(event -> send(event).replaceWith(event))
                .onItem().invoke(event -> event.publishedAt = OffsetDateTime.now())
                .onFailure().invoke(e -> LOG.warnf("Kafka did not take an outbox event, will retry: %s", e.getMessage()))
                .onFailure().recoverWithCompletion()
                .collect().asList()
                .replaceWithVoid();
    }

    private Uni<Void> send(OutboxEventEntity event) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.eventKey)
                .withHeaders(List.of(new org.apache.kafka.common.header.internals.RecordHeader(
                        "content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8))))
                .build();
        return exposureDetected.sendMessage(Message.of(event.payload).addMetadata(metadata));
    }
}
