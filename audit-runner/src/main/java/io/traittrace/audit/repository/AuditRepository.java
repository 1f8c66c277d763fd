package io.traittrace.audit.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.domain.AuditState;

@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntity, UUID> {

    public Uni<AuditEntity> byIdempotencyKey(String key) {
        return find("idempotencyKey", key).firstResult();
    }

    /** The audit, locked for this transaction: every change to an audit or its runs goes through this lock. */
    public Uni<AuditEntity> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<List<AuditEntity>> page(AuditState state, int page, int size) {
        Sort sort = Sort.descending("createdAt").and("id", Sort.Direction.Descending);
        return (state == null ? findAll(sort) : find("state", sort, state)).page(Page.of(page, size)).list();
    }

    public Uni<Long> count(AuditState state) {
        return state == null ? count() : count("state", state);
    }
}
