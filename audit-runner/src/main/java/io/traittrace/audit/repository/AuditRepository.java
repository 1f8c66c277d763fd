package io.traittrace.audit.repository;

import java.util.ArrayList;
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

    /** Keys are scoped to the requester: one caller's key can neither answer nor block another's audit. */
    public Uni<AuditEntity> byIdempotencyKey(String requestedBy, String key) {
        return find("requestedBy = ?1 and idempotencyKey = ?2", requestedBy, key).firstResult();
    }

    /** The audit, locked for this transaction: every change to an audit or its runs goes through this lock. */
    public Uni<AuditEntity> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Newest first; {@code state} and {@code student} filter when given. */
    public Uni<List<AuditEntity>> page(AuditState state, String student, int page, int size) {
        Sort sort = Sort.descending("createdAt").and("id", Sort.Direction.Descending);
        return find(filter(state, student), sort, params(state, student)).page(Page.of(page, size)).list();
    }

    /** How many audits are in each state (states without audits are absent). */
    public Uni<Map<AuditState, Long>> countByState() {
        return Sql.rows("SELECT state, count(*) FROM audit GROUP BY state", Map.of()).map(rows -> {
            Map<AuditState, Long> counts = new EnumMap<>(AuditState.class);
            rows.forEach(row -> counts.put(AuditState.valueOf((String) row[0]), ((Number) row[1]).longValue()));
            return counts;
        });
    }

    public Uni<Long> count(AuditState state, String student) {
        return count(filter(state, student), params(state, student));
    }

    private static String filter(AuditState state, String student) {
        List<String> clauses = new ArrayList<>();
        clauses.add("1 = 1");
        if (state != null) {
            clauses.add("state = :state");
        }
        if (student != null) {
            clauses.add("student = :student");
        }
        return String.join(" and ", clauses);
    }

    private static Map<String, Object> params(AuditState state, String student) {
        Map<String, Object> params = new HashMap<>();
        if (state != null) {
            params.put("state", state);
        }
        if (student != null) {
            params.put("student", student);
        }
        return params;
    }
}
