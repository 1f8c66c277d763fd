package io.traittrace.audit.repository;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.domain.RunState;
import io.traittrace.service.repository.Sql;

@ApplicationScoped
public class RunRepository implements PanacheRepositoryBase<RunEntity, UUID> {

    public Uni<List<RunEntity>> ofAudit(UUID auditId) {
        return list("auditId = ?1 order by runIndex", auditId);
    }

    /** The audit a run belongs to (null for an unknown run), read without loading the run into the session. */
    public Uni<UUID> auditOf(UUID runId) {
        return Sql.column("SELECT audit_id FROM audit_run WHERE id = :id", UUID.class, Map.of("id", runId))
                .map(ids -> ids.isEmpty() ? null : ids.get(0));
    }

    /** The audits of these runs, each with its runs among them (unknown runs are left out). */
    public Uni<Map<UUID, List<UUID>>> auditsOf(List<UUID> runIds) {
        return Sql.rows("SELECT id, audit_id FROM audit_run WHERE id = ANY(:ids)", Map.of("ids", runIds.toArray(UUID[]::new)))
                .map(rows -> rows.stream().collect(Collectors.groupingBy(row -> (UUID) row[1], LinkedHashMap::new,
                        Collectors.mapping(row -> (UUID) row[0], Collectors.toList()))));
    }

    public Uni<List<RunEntity>> byIds(List<UUID> ids) {
        return list("id in ?1 order by runIndex", ids);
    }

    public Uni<Long> openRuns(UUID auditId) {
        return count("auditId = ?1 and state in ?2", auditId, List.of(RunState.PENDING, RunState.RUNNING));
    }

    /** Runs the executor never confirmed (a crash, an API outage), oldest first. */
    public Uni<List<RunEntity>> unlaunched(int limit) {
        return find("launchedAt is null and state = ?1 order by updatedAt", RunState.PENDING).page(0, limit).list();
    }

    /** Pending runs: not yet accepted by the executor, and accepted but not started. */
    public record Waiting(long unlaunched, long launched) {
    }

    public Uni<Waiting> countWaiting() {
        return count("state = ?1 and launchedAt is null", RunState.PENDING)
                .chain(unlaunched -> count("state = ?1 and launchedAt is not null", RunState.PENDING)
                        .map(launched -> new Waiting(unlaunched, launched)));
    }

    /** Forget every launch: after a restart, local processes are gone and their runs must start again. */
    public Uni<Integer> forgetLaunches() {
        return update("launchedAt = null, state = ?1, startedAt = null where state in ?2", RunState.PENDING,
                List.of(RunState.PENDING, RunState.RUNNING));
    }

    public Uni<Integer> markLaunched(List<UUID> ids) {
        return update("launchedAt = current_timestamp where id in ?1 and launchedAt is null", ids);
    }
}
