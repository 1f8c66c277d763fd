package io.traittrace.service.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * An event written in the same transaction as the change it reports; published to Kafka after commit. Each service
 * creates the {@code outbox_event} table in its own Flyway migration. Unpublished events are either pending (the
 * publisher sends them in order) or parked ({@code parked_at} set: given up on, waiting for an operator).
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEventEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String topic;

    @Column(name = "event_key", nullable = false)
    public String eventKey;

    /** The structured-mode CloudEvent, JSON. */
    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "published_at")
    public OffsetDateTime publishedAt;

    /** The W3C traceparent of the change that wrote the event: the Kafka record continues that trace. Null: none. */
    @Column(name = "trace_parent")
    public String traceParent;

    /**
     * Failed sends counted against this event: those that were its own fault (see {@link OutboxConfig#maxAttempts()}),
     * and the one that parked it.
     */
    @Column(nullable = false)
    public int attempts;

    /** The latest send failure, short (counted or not); null: none. */
    @Column(name = "last_error", columnDefinition = "text")
    public String lastError;

    /** When the publisher gave up on this event; a parked event is never sent again until an operator requeues it. */
    @Column(name = "parked_at")
    public OffsetDateTime parkedAt;
}
