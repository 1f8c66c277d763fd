package io.traittrace.lineage.repository;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A model record. Its bases and roots live in edge tables written by {@link GraphRepository}. */
@Entity
@Table(name = "model")
@IdClass(OwnedKey.class)
public class ModelEntity extends PanacheEntityBase {

    /** The organisation that owns the record ({@code public}: the public catalogue). */
    @Id
    public String organization;

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    public String uri;

    public String revision;

    public String digest;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
