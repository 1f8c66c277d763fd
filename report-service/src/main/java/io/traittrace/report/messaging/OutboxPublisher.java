package io.traittrace.report.messaging;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

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
import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.repository.OutboxEventEntity;
import io.traittrace.report.repository.OutboxRepository;

/**
 * Moves committed outbox events to Kafka and marks them published once the broker acknowledged them; the
 * same pattern as the lineage service. Kafka down: events wait in the outbox, delayed, never lost.
 */
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    private final OutboxRepository outbox;
    private final Map<String, MutinyEmitter<String>> emitters;
    private final ReportConfig config;

    public OutboxPublisher(OutboxRepository outbox,
            @Channel(CertificateEvents.ISSUED_TOPIC) MutinyEmitter<String> issued,
            @Channel(CertificateEvents.REVOKED_TOPIC) MutinyEmitter<String> revoked,
            ReportConfig config) {
        this.outbox = outbox;
        this.emitters = Map.of(CertificateEvents.ISSUED_TOPIC, issued, CertificateEvents.REVOKED_TOPIC, revoked);
        this.config = config;
    }

    // Skipped until the application runs: the emitters cannot be connected before the channels are wired.
    @Scheduled(every = "${report.events.poll-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return Panache.withTransaction(() -> outbox.lockUnpublished(config.events().batchSize())
                .chain(this::publishInOrder))
                .onFailure().invoke(e -> LOG.warnf("Outbox sweep failed, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

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
        MutinyEmitter<String> emitter = emitters.get(event.topic);
        if (emitter == null) {
            return Uni.createFrom().failure(new IllegalStateException("No channel for topic " + event.topic));
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.eventKey)
                .withHeaders(List.of(new org.apache.kafka.common.header.internals.RecordHeader(
                        "content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8))))
                .build();
        return emitter.sendMessage(Message.of(event.payload).addMetadata(metadata));
    }
}
