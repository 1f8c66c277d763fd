package io.traittrace.audit.repository;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.traittrace.audit.domain.AuditState;

@Entity
@Table(name = "audit")
public class AuditEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    /** The organisation the audit belongs to: every read, list and cancel is scoped to it. */
    @Column(nullable = false)
    public String organization;

    @Column(name = "idempotency_key", nullable = false)
    public String idempotencyKey;

    @Column(name = "request_hash", nullable = false)
    public String requestHash;

    @Column(nullable = false)
    public String protocol;

    @Column(nullable = false)
    public String student;

    public String teacher;

    public String dataset;

    /** The request as accepted (normalised). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> request;

    /** Student, teacher and dataset as the lineage service described them at acceptance. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> subjects;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public AuditState state;

    public String outcome;

    /** The aggregated result once the audit ended. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> analysis;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    /** "api" or the exposure-detected event that queued it. */
    @Column(nullable = false)
    public String origin;

    @Column(name = "runs_total", nullable = false)
    public int runsTotal;

    /** What the audit reserves of its requester's daily GPU-hours, in GPU-seconds: runs × GPUs per run × deadline. */
    @Column(name = "gpu_seconds_reserved", nullable = false)
    public long gpuSecondsReserved;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /** The W3C traceparent of the call or record that requested the audit: every event of the audit continues it. */
    @Column(name = "trace_parent")
    public String traceParent;
}
