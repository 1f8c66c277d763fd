package io.traittrace.audit.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.traittrace.service.repository.Sql;

@ApplicationScoped
public class OrganizationQuotaRepository implements PanacheRepositoryBase<OrganizationQuotaEntity, String> {

    /** The organisation's audits that have not ended. */
    public Uni<Long> auditsInFlight(String organization) {
        return Sql.column("SELECT count(*) FROM audit WHERE organization = :org AND state = 'RUNNING'", Long.class, Map.of("org", organization))
                .map(counted -> counted.get(0));
    }

    /** The organisation's reservations since {@code since}, oldest first, as (accepted at, epoch ms; GPU-seconds). */
    public Uni<List<Object[]>> reservationsSince(String organization, OffsetDateTime since) {
        return Sql.rows("SELECT CAST(EXTRACT(EPOCH FROM created_at) * 1000 AS bigint), gpu_seconds_reserved FROM audit"
                + " WHERE organization = :org AND created_at > :since AND gpu_seconds_reserved > 0 ORDER BY created_at",
                Map.of("org", organization, "since", since));
    }
}
