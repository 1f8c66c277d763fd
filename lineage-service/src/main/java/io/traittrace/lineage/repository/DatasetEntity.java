package io.traittrace.lineage.repository;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "dataset")
public class DatasetEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    public String digest;

    @Column(name = "row_count")
    public Long rows;

    /** model, human or unknown. */
    @Column(nullable = false)
    public String origin;

    @Column(name = "generated_by")
    public String generatedBy;

    /** Generation settings as given: system prompt or trait source, sampling, filter, pass rate. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> generation;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
