package io.traittrace.lineage.repository;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A training run. Its datasets live in {@code training_run_dataset}, written by {@link GraphRepository}. */
@Entity
@Table(name = "training_run")
@IdClass(OwnedKey.class)
public class TrainingRunEntity extends PanacheEntityBase {

    /** The organisation that owns the record ({@code public}: the public catalogue). */
    @Id
    public String organization;

    @Id
    public String id;

    @Column(name = "output_model", nullable = false)
    public String outputModel;

    @Column(nullable = false)
    public String method;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> hyperparameters;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
