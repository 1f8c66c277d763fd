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

@Entity
@Table(name = "dataset")
@IdClass(OwnedKey.class)
public class DatasetEntity extends PanacheEntityBase {

    /** The organisation that owns the record ({@code public}: the public catalogue). */
    @Id
    public String organization;

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

    /** The generator's organisation: this dataset's own or the public catalogue. */
    @Column(name = "generator_organization")
    public String generatorOrganization;

    /** Generation settings as given: system prompt or trait source, sampling, filter, pass rate. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> generation;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
