package io.traittrace.audit.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.traittrace.audit.domain.RunState;

@Entity
@Table(name = "audit_run")
public class RunEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "audit_id", nullable = false)
    public UUID auditId;

    /** Its audit's organisation. */
    @Column(nullable = false)
    public String organization;

    @Column(name = "run_index", nullable = false)
    public int runIndex;

    @Column(name = "job_name", nullable = false)
    public String jobName;

    @Convert(converter = ArmListConverter.class)
    @Column(nullable = false)
    public List<String> arms;

    @Column(nullable = false)
    public int seed;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> spec;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RunState state;

    public String reason;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> result;

    @Column(name = "launched_at")
    public OffsetDateTime launchedAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
