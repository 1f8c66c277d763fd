package io.traittrace.audit.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.domain.AuditState;
import io.traittrace.service.repository.Sql;

@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntity, UUID> {

    /**
     * Keys are scoped to the requester within an organisation: one caller's key can neither answer nor block another's audit,
     * nor the same caller's in another organisation.
     */
    public Uni<AuditEntity> byIdempotencyKey(String organization, String requestedBy, String key) {
        return find("organization = ?1 and requestedBy = ?2 and idempotencyKey = ?3", organization, requestedBy, key).firstResult();
    }

    /** The audit if it belongs to one of {@code organizations}; null otherwise, exactly as for an id that does not exist. */
    public Uni<AuditEntity> findIn(UUID id, Collection<String> organizations) {
        return find("id = ?1 and organization in ?2", id, organizations).firstResult();
    }

    /** The audit, locked for this transaction: every change to an audit or its runs goes through this lock. */
    public Uni<AuditEntity> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The audit of {@code organization}, locked for this transaction; null for another organisation's, as for an unknown id. */
    public Uni<AuditEntity> lockIn(UUID id, String organization) {
        // Filtered before locking: another organisation's row is never locked (nor its lock waited for) by this caller.
        return find("id = ?1 and organization = ?2", id, organization).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Newest first, of {@code organizations} only; {@code state} and {@code student} filter when given. */
    public Uni<List<AuditEntity>> page(Collection<String> organizations, AuditState state, String student, int page, int size) {
        Sort sort = Sort.descending("createdAt").and("id", Sort.Direction.Descending);
        return find(filter(state, student), sort, params(organizations, state, student)).page(Page.of(page, size)).list();
    }

    /** How many audits are in each state (states without audits are absent). */
    public Uni<Map<AuditState, Long>> countByState() {
        return Sql.rows("SELECT state, count(*) FROM audit GROUP BY state", Map.of()).map(rows -> {
            Map<AuditState, Long> counts = new EnumMap<>(AuditState.class);
            rows.forEach(row -> counts.put(AuditState.valueOf((String) row[0]), ((Number) row[1]).longValue()));
            return counts;
        });
    }

    public Uni<Long> count(Collection<String> organizations, AuditState state, String student) {
        return count(filter(state, student), params(organizations, state, student));
    }

    private static String filter(AuditState state, String student) {
        List<String> clauses = new ArrayList<>();
        clauses.add("organization in :organizations");
        if (state != null) {
            clauses.add("state = :state");
        }
        if (student != null) {
            clauses.add("student = :student");
        }
        return String.join(" and ", clauses);
    }

    private static Map<String, Object> params(Collection<String> organizations, AuditState state, String student) {
        Map<String, Object> params = new HashMap<>();
        params.put("organizations", organizations);
        if (state != null) {
            params.put("state", state);
        }
        if (student != null) {
            params.put("student", student);
        }
        return params;
    }
}
