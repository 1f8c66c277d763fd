package io.traittrace.audit.repository;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A platform admin's overrides of one organisation's quotas; a null limit keeps the configured default. */
@Entity
@Table(name = "organization_quota")
public class OrganizationQuotaEntity extends PanacheEntityBase {

    @Id
    public String organization;

    @Column(name = "max_audits_in_flight")
    public Integer maxAuditsInFlight;

    @Column(name = "gpu_hours_per_period")
    public Double gpuHoursPerPeriod;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
