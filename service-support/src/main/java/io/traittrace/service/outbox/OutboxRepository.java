package io.traittrace.service.outbox;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;
import io.traittrace.service.tracing.TraceParents;

@ApplicationScoped
public class OutboxRepository implements io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase<OutboxEventEntity, UUID> {

    /**
     * Adds an event unless one with the same id is already there: event ids are deterministic per fact. The event
     * continues the trace in progress.
     */
    public Uni<Void> add(UUID id, String topic, String key, String payload, OffsetDateTime at) {
        return add(id, topic, key, payload, at, TraceParents.current());
    }

    /** As {@link #add(UUID, String, String, String, OffsetDateTime)}, continuing the trace {@code traceParent} names (null: none). */
    public Uni<Void> add(UUID id, String topic, String key, String payload, OffsetDateTime at, String traceParent) {
        return Sql.update("INSERT INTO outbox_event (id, topic, event_key, payload, created_at, trace_parent) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                + " ON CONFLICT (id) DO NOTHING", Arrays.asList(id, topic, key, payload, at, traceParent)).replaceWithVoid();
    }

    /** An event to add to the outbox. */
    public record NewEvent(UUID id, String topic, String key, String payload, OffsetDateTime at) {
    }

    /**
     * Adds many events in multi-row statements, skipping any whose id is already there (as {@link #add} does); each
     * continues the trace in progress.
     */
    public Uni<Void> addAll(List<NewEvent> events) {
        String traceParent = TraceParents.current();
        return Sql.insertRows("outbox_event", List.of(new Column("id", "uuid"), new Column("topic", "text"),
                new Column("event_key", "text"), new Column("payload", "text"), new Column("created_at", "timestamptz"),
                new Column("trace_parent", "text")),
                events.stream().map(e -> new Object[] { e.id(), e.topic(), e.key(), e.payload(), e.at(), traceParent }).toList(),
                "ON CONFLICT (id) DO NOTHING");
    }

    /** Events not yet on Kafka. */
    public Uni<Long> countUnpublished() {
        return count("publishedAt is null");
    }

    /** The oldest unpublished events, locked so that a second replica sweeping at once skips them. */
    public Uni<List<OutboxEventEntity>> lockUnpublished(int limit) {
        return Sql.column("SELECT CAST(id AS text) FROM outbox_event WHERE published_at IS NULL ORDER BY created_at, id"
                + " LIMIT " + limit + " FOR UPDATE SKIP LOCKED", String.class, java.util.Map.of())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<OutboxEventEntity>of())
                        : list("id in ?1 order by createdAt, id", ids.stream().map(UUID::fromString).toList()));
    }
}
