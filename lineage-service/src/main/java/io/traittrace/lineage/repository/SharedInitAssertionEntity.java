package io.traittrace.lineage.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "shared_init_assertion")
public class SharedInitAssertionEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    /** The organisation whose view the assertion changes ({@code public}: everyone's). */
    @Column(nullable = false)
    public String organization;

    /** The lexically smaller root of the pair. */
    @Column(name = "root_a", nullable = false)
    public String rootA;

    @Column(name = "root_b", nullable = false)
    public String rootB;

    @Column(nullable = false)
    public String reason;

    @Column(name = "asserted_by", nullable = false)
    public String assertedBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
