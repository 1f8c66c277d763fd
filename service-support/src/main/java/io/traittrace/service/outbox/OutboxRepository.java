package io.traittrace.service.outbox;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;
import io.traittrace.service.tracing.TraceParents;

@ApplicationScoped
public class OutboxRepository implements io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase<OutboxEventEntity, UUID> {

    private final OutboxConfig config;

    public OutboxRepository(OutboxConfig config) {
        this.config = config;
    }

    /**
     * Adds an event unless one with the same id is already there: event ids are deterministic per fact. The event
     * continues the trace in progress.
     */
    public Uni<Void> add(UUID id, String topic, String key, String payload, OffsetDateTime at) {
        return add(id, topic, key, payload, at, TraceParents.current());
    }

    /** As {@link #add(UUID, String, String, String, OffsetDateTime)}, continuing the trace {@code traceParent} names (null: none). */
    public Uni<Void> add(UUID id, String topic, String key, String payload, OffsetDateTime at, String traceParent) {
        IllegalStateException tooLarge = tooLarge(id, topic, payload);
        if (tooLarge != null) {
            return Uni.createFrom().failure(tooLarge);
        }
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
        for (NewEvent event : events) {
            IllegalStateException tooLarge = tooLarge(event.id(), event.topic(), event.payload());
            if (tooLarge != null) {
                return Uni.createFrom().failure(tooLarge);
            }
        }
        String traceParent = TraceParents.current();
        return Sql.insertRows("outbox_event", List.of(new Column("id", "uuid"), new Column("topic", "text"),
                new Column("event_key", "text"), new Column("payload", "text"), new Column("created_at", "timestamptz"),
                new Column("trace_parent", "text")),
                events.stream().map(e -> new Object[] { e.id(), e.topic(), e.key(), e.payload(), e.at(), traceParent }).toList(),
                "ON CONFLICT (id) DO NOTHING");
    }

    /**
     * Refuses, at the source, an event Kafka could never take: the caller's transaction fails and neither the change
     * nor its event is written (parking it instead would commit a change whose event nobody ever hears of). The event
     * builders keep their events far below the bound, so this is a guard against a bug, not a limit a caller meets.
     */
    private IllegalStateException tooLarge(UUID id, String topic, String payload) {
        int bytes = bytesOver(payload, config.maxEventBytes());
        return bytes == 0 ? null
                : new IllegalStateException("Outbox event " + id + " (" + topic + ") has a payload of " + bytes
                        + " bytes, over traittrace.outbox.max-event-bytes (" + config.maxEventBytes() + "): not written");
    }

    /** The payload's UTF-8 size when it is over {@code maxBytes}, else 0 (at most 3 bytes a char: only long ones are counted). */
    static int bytesOver(String payload, int maxBytes) {
        if ((long) payload.length() * 3 <= maxBytes) {
            return 0;
        }
        int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
        return bytes > maxBytes ? bytes : 0;
    }

    /** What the outbox holds back, for the gauges: pending events, parked events, and the oldest pending one's time. */
    public record Backlog(long pending, long parked, OffsetDateTime oldestPending) {
    }

    public Uni<Backlog> backlog() {
        // Three scalar subqueries, each answered from its partial index (outbox_pending, outbox_parked), never from
        // the published events that make up most of the table.
        return Sql.rows("SELECT (SELECT count(*) FROM outbox_event WHERE published_at IS NULL AND parked_at IS NULL),"
                + " (SELECT count(*) FROM outbox_event WHERE published_at IS NULL AND parked_at IS NOT NULL),"
                + " (SELECT min(created_at) FROM outbox_event WHERE published_at IS NULL AND parked_at IS NULL)", Map.of())
                .map(rows -> {
                    Object[] row = rows.get(0);
                    return new Backlog(((Number) row[0]).longValue(), ((Number) row[1]).longValue(), timestamp(row[2]));
                });
    }

    private static OffsetDateTime timestamp(Object value) {
        if (value == null || value instanceof OffsetDateTime) {
            return (OffsetDateTime) value;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof java.time.LocalDateTime local) {
            return local.atOffset(ZoneOffset.UTC);
        }
        throw new IllegalStateException("Unexpected timestamp " + value.getClass());
    }

    /** The oldest pending (unpublished, unparked) events, locked so that a second replica sweeping at once skips them. */
    public Uni<List<OutboxEventEntity>> lockUnpublished(int limit) {
        return Sql.column("SELECT CAST(id AS text) FROM outbox_event WHERE published_at IS NULL AND parked_at IS NULL ORDER BY created_at, id"
                + " LIMIT " + limit + " FOR UPDATE SKIP LOCKED", String.class, Map.of())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<OutboxEventEntity>of())
                        : list("id in ?1 order by createdAt, id", ids.stream().map(UUID::fromString).toList()));
    }
}
