package io.traittrace.audit.service;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.traittrace.audit.domain.AuditState;
import io.traittrace.audit.domain.RunState;
import io.traittrace.audit.repository.AuditEntity;
import io.traittrace.audit.repository.RunEntity;

/** What the API answers. */
public final class AuditViews {

    private AuditViews() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunView(String id, int index, String jobName, List<String> arms, int seed, RunState state, String reason,
            OffsetDateTime startedAt, OffsetDateTime finishedAt) {

        static RunView of(RunEntity r) {
            return new RunView(r.id.toString(), r.runIndex, r.jobName, r.arms, r.seed, r.state, r.reason, r.startedAt, r.finishedAt);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuditView(String id, String organization, String idempotencyKey, String protocol, AuditState state, String outcome, String student,
            String teacher, String dataset, Map<String, Object> request, Map<String, Object> subjects, String requestedBy, String origin,
            Progress progress, List<RunView> runs, Map<String, Object> result, OffsetDateTime createdAt, OffsetDateTime finishedAt) {

        static AuditView of(AuditEntity a, List<RunEntity> runs) {
            return new AuditView(a.id.toString(), a.organization, a.idempotencyKey, a.protocol, a.state, a.outcome, a.student, a.teacher, a.dataset,
                    a.request, a.subjects, a.requestedBy, a.origin, Progress.of(a.runsTotal, runs),
                    runs == null ? null : runs.stream().map(RunView::of).toList(), a.analysis, a.createdAt, a.finishedAt);
        }
    }

    public record Progress(int total, long pending, long running, long succeeded, long failed, long cancelled) {

        static Progress of(int total, List<RunEntity> runs) {
            if (runs == null) {
                return null;
            }
            return new Progress(total, count(runs, RunState.PENDING), count(runs, RunState.RUNNING), count(runs, RunState.SUCCEEDED),
                    count(runs, RunState.FAILED), count(runs, RunState.CANCELLED));
        }

        private static long count(List<RunEntity> runs, RunState state) {
            return runs.stream().filter(r -> r.state == state).count();
        }
    }

    /** One server-sent progress event. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProgressEvent(String auditId, String kind, String runId, RunState runState, AuditState auditState, String outcome,
            String reason, OffsetDateTime at) {
    }
}
