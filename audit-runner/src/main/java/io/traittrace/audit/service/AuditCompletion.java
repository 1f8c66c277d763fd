package io.traittrace.audit.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.AuditPlan;
import io.traittrace.audit.domain.AuditRequest;
import io.traittrace.audit.domain.AuditState;
import io.traittrace.audit.domain.Planner;
import io.traittrace.audit.domain.RunState;
import io.traittrace.audit.events.AuditEvents;
import io.traittrace.audit.events.EventLimits;
import io.traittrace.audit.repository.AuditEntity;
import io.traittrace.audit.repository.RunEntity;
import io.traittrace.audit.repository.RunRepository;
import io.traittrace.events.EventType;
import io.traittrace.statistics.analysis.Aggregator;
import io.traittrace.statistics.analysis.AuditAnalysis;
import io.traittrace.statistics.analysis.RunFailure;
import io.traittrace.statistics.analysis.RunScores;

/**
 * Ends an audit once its last run ended: aggregates the runs into a verdict (COMPLETED, {@code audit-completed}
 * with the full result) or, when no run succeeded, FAILED ({@code audit-failed} with every run's reason). Runs
 * inside the transaction that finished the last run, under the audit's lock.
 */
@ApplicationScoped
public class AuditCompletion {

    private static final Logger LOG = Logger.getLogger(AuditCompletion.class);
    public static final String RESULT_SCHEMA = "https://traittrace.io/schemas/audit-result/v1.json";

    private final RunRepository runs;
    private final Planner planner;
    private final AuditEvents events;
    private final ObjectMapper mapper;
    private final RunnerConfig config;

    public AuditCompletion(RunRepository runs, Planner planner, AuditEvents events, ObjectMapper mapper, RunnerConfig config) {
        this.runs = runs;
        this.planner = planner;
        this.events = events;
        this.mapper = mapper;
        this.config = config;
    }

    /** True when this call ended the audit. */
    public Uni<Boolean> completeIfDone(AuditEntity audit, OffsetDateTime now) {
        if (audit.state.finished()) {
            return Uni.createFrom().item(false);
        }
        return runs.ofAudit(audit.id).chain(all -> {
            if (all.stream().anyMatch(r -> !r.state.finished())) {
                return Uni.createFrom().item(false);
            }
            audit.finishedAt = now;
            audit.updatedAt = now;
            List<RunEntity> succeeded = all.stream().filter(r -> r.state == RunState.SUCCEEDED).toList();
            if (succeeded.isEmpty()) {
                return fail(audit, all, now).replaceWith(true);
            }
            return complete(audit, all, succeeded, now).replaceWith(true);
        });
    }

    private Uni<Void> fail(AuditEntity audit, List<RunEntity> all, OffsetDateTime now) {
        audit.state = AuditState.FAILED;
        List<String> reasons = all.stream()
                .map(r -> "run " + r.runIndex + " (" + String.join(",", r.arms) + ", seed " + r.seed + "): " + EventLimits.reason(r.reason))
                .toList();
        Map<String, Object> analysis = new LinkedHashMap<>();
        analysis.put("schema", RESULT_SCHEMA);
        analysis.put("reasons", reasons);
        analysis.put("runs", runSummaries(all));
        audit.analysis = analysis;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("auditId", audit.id.toString());
        data.put("state", AuditState.FAILED.name());
        data.put("reasons", reasons);
        data.put("failedAt", now.toString());
        LOG.infof("Audit %s FAILED: no run succeeded", audit.id);
        return events.add(EventType.AUDIT_FAILED, audit, null, data, now);
    }

    @SuppressWarnings("unchecked")
    private Uni<Void> complete(AuditEntity audit, List<RunEntity> all, List<RunEntity> succeeded, OffsetDateTime now) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("schema", RESULT_SCHEMA);
        JsonNode first = mapper.valueToTree(succeeded.get(0).result);
        if (audit.protocol.equals("family") || audit.protocol.equals("trait-eval")) {
            // One deterministic run: its verdict is the audit's (a trait-eval run's digests were checked when it reported).
            result.putAll(succeeded.get(0).result);
            result.put("schema", RESULT_SCHEMA);
        } else {
            AuditPlan plan = planner.plan(mapper.convertValue(requestOf(audit), AuditRequest.class));
            List<RunScores> scores = new ArrayList<>();
            List<RunFailure> failures = new ArrayList<>();
            for (RunEntity run : all) {
                if (run.state == RunState.SUCCEEDED) {
                    scores.add(new RunScores(run.id.toString(), run.seed, plan.scores().read(mapper.valueToTree(run.result), run.arms)));
                } else {
                    failures.add(new RunFailure(run.id.toString(), run.reason == null ? run.state.name() : run.reason));
                }
            }
            AuditAnalysis analysis = Aggregator.analyse(plan.analysis(), scores, failures);
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("outcome", analysis.outcome());
            verdict.put("rule", analysis.rule());
            verdict.put("reasons", analysis.reasons());
            result.put("verdict", verdict);
            result.put("arms", mapper.convertValue(analysis.arms(), Map.class));
            result.put("comparisons", mapper.convertValue(analysis.comparisons(), List.class));
            result.put("correction", analysis.correction());
            result.put("controls", mapper.convertValue(analysis.controls(), Map.class));
            result.put("power", mapper.convertValue(analysis.power(), Map.class));
            result.put("parameters", audit.request.get("parameters"));
            result.put("seeds", Map.of("perArm", audit.request.get("seedsPerArm") == null ? all.size() : audit.request.get("seedsPerArm"),
                    "runs", all.size()));
            result.put("data", mapper.convertValue(first.path("data"), List.class));
            result.put("environment", mapper.convertValue(first.path("environment"), Map.class));
        }
        result.put("runs", runSummaries(all));
        audit.analysis = result;
        audit.outcome = (String) ((Map<String, Object>) result.get("verdict")).get("outcome");
        audit.state = AuditState.COMPLETED;
        LOG.infof("Audit %s COMPLETED: %s", audit.id, audit.outcome);
        return events.add(EventType.AUDIT_COMPLETED, audit, null, completedEvent(audit, first, result, now), now);
    }

    /** The data of {@code audit-completed} v1, as the report service certifies it. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> completedEvent(AuditEntity audit, JsonNode firstResult, Map<String, Object> result, OffsetDateTime now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("auditId", audit.id.toString());
        Map<String, Object> student = (Map<String, Object>) audit.subjects.get("student");
        data.put("student", pick(student, "id", "name", "uri", "digest"));
        Map<String, Object> teacher = (Map<String, Object>) audit.subjects.get("teacher");
        if (teacher != null) {
            data.put("teacher", pick(teacher, "id", "name", "digest"));
        }
        Map<String, Object> dataset = (Map<String, Object>) audit.subjects.get("dataset");
        if (dataset != null) {
            data.put("dataset", pick(dataset, "id", "name", "digest", "rows"));
        }
        Map<String, Object> protocol = new LinkedHashMap<>();
        protocol.put("name", audit.protocol);
        protocol.put("version", firstResult.path("protocol").path("version").asText(null));
        data.put("protocol", protocol);
        data.put("result", result);
        Map<String, Object> exposure = (Map<String, Object>) audit.subjects.get("exposure");
        // The exposures the lineage service reported for the student, each with its level, teacher, dataset and hop
        // path: the first ones within the event's bound, with the total and whether the list was cut.
        data.putAll(EventLimits.exposurePaths(mapper, exposure));
        data.put("runnerVersion", config.version());
        data.put("probeVersion", firstResult.path("environment").path("probeVersion").asText(null));
        data.put("completedAt", now.toString());
        return data;
    }

    private Map<String, Object> requestOf(AuditEntity audit) {
        Map<String, Object> request = new LinkedHashMap<>(audit.request);
        request.put("idempotencyKey", audit.idempotencyKey);
        return request;
    }

    private static List<Map<String, Object>> runSummaries(List<RunEntity> all) {
        return all.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runId", r.id.toString());
            m.put("index", r.runIndex);
            m.put("arms", r.arms);
            m.put("seed", r.seed);
            m.put("state", r.state.name());
            m.put("reason", EventLimits.reason(r.reason));
            return m;
        }).toList();
    }

    private static Map<String, Object> pick(Map<String, Object> from, String... keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : keys) {
            if (from.get(key) != null) {
                m.put(key, from.get(key));
            }
        }
        return m;
    }
}
