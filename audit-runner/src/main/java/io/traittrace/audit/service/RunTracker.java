package io.traittrace.audit.service;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.domain.RunState;
import io.traittrace.audit.domain.RunTokens;
import io.traittrace.audit.events.AuditEvents;
import io.traittrace.audit.events.EventLimits;
import io.traittrace.audit.executor.RunListener;
import io.traittrace.audit.repository.AuditEntity;
import io.traittrace.audit.repository.AuditRepository;
import io.traittrace.audit.repository.RunEntity;
import io.traittrace.audit.repository.RunRepository;
import io.traittrace.audit.service.AuditViews.ProgressEvent;
import io.traittrace.audit.service.AuditViews.RunView;
import io.traittrace.events.EventType;
import io.traittrace.probe.contract.ResultValidator;
import io.traittrace.service.rest.ApiProblem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The state machine of runs: what executors report and what runs hand back. Every change locks the audit row
 * first, so two runs of one audit finishing at once cannot both (or neither) complete the audit, and a result
 * that races a cancel is refused. Results count only with the run's own token and only when they pass the
 * result schema.
 */
@ApplicationScoped
public class RunTracker implements RunListener {

    private static final Logger LOG = Logger.getLogger(RunTracker.class);
    static final String NO_RESULT = "the run completed without handing over a result";
    static final String RESULT_REFUSED = "the result was refused: ";
    /** Runs marked running per batch, and audits changed at once: well under the database pool. */
    private static final int STARTED_BATCH = 2000;
    private static final int STARTED_AUDITS_AT_ONCE = 4;

    private final AuditRepository audits;
    private final RunRepository runs;
    private final AuditCompletion completion;
    private final AuditEvents events;
    private final ProgressHub hub;
    private final RunLauncher launcher;
    private final RunTokens tokens;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final RunnerMetrics metrics;
    private final ResultValidator validator = new ResultValidator();
    private final Queue<UUID> startedRuns = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainingStarted = new AtomicBoolean();

    public RunTracker(AuditRepository audits, RunRepository runs, AuditCompletion completion, AuditEvents events, ProgressHub hub,
            RunLauncher launcher, RunTokens tokens, ObjectMapper mapper, Vertx vertx, RunnerMetrics metrics) {
        this.audits = audits;
        this.runs = runs;
        this.completion = completion;
        this.events = events;
        this.hub = hub;
        this.launcher = launcher;
        this.tokens = tokens;
        this.mapper = mapper;
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /** A run hands back its result: {@code POST /api/runs/{run}/result} or a local run's file. */
    public Uni<RunView> accept(String runId, String token, byte[] body) {
        if (!tokens.matches(runId, token)) {
            return Uni.createFrom().failure(AuditProblem.forbidden("this credential is not valid for run " + runId));
        }
        UUID id;
        try {
            id = UUID.fromString(runId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(AuditProblem.notFound("run", runId));
        }
        JsonNode result;
        try {
            result = mapper.readTree(body);
        } catch (IOException e) {
            return Uni.createFrom().failure(AuditProblem.badRequest("the result is not JSON: " + e.getMessage(), List.of()));
        }
        if (result == null || !result.isObject()) {
            return Uni.createFrom().failure(AuditProblem.badRequest("the result must be a JSON object", List.of()));
        }
        List<String> problems = validator.problems(result);
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(AuditProblem.invalid("the result does not match the probe result schema v1", problems));
        }
        OffsetDateTime now = OffsetDateTime.now();
        return Panache.withTransaction(() -> locked(id).chain(locked -> {
            RunEntity run = locked.run();
            if (run.state.finished() || locked.audit().state.finished()) {
                return Uni.createFrom().failure(AuditProblem.conflict("run " + runId + " already ended " + run.state
                        + (locked.audit().state.finished() ? " (its audit ended " + locked.audit().state + ")" : "")));
            }
            String expected = (String) run.spec.get("protocol");
            String actual = result.path("protocol").path("name").asText();
            if (!"image".equals(expected) && !expected.equals(actual)) {
                return Uni.createFrom().failure(AuditProblem.invalid("run " + runId + " runs protocol " + expected + ", the result is " + actual,
                        List.of("protocol.name: expected " + expected)));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> stored = mapper.convertValue(result, LinkedHashMap.class);
            List<String> mismatches = digestMismatches(locked.audit(), result);
            if (!mismatches.isEmpty()) {
                // The weights evaluated are not the ones lineage names: the run's evidence is about other models. It fails, kept for the record.
                run.result = stored;
                return transition(locked.audit(), run, RunState.FAILED, "the probe evaluated other weights than lineage names: " + String.join("; ", mismatches),
                        now).map(changed -> new Intake(changed, mismatches));
            }
            run.result = stored;
            return transition(locked.audit(), run, RunState.SUCCEEDED, null, now).map(changed -> new Intake(changed, List.of()));
        })).invoke(intake -> publish(intake.changed())).map(intake -> {
            if (!intake.mismatches().isEmpty()) {
                throw AuditProblem.invalid("the result's model digests differ from the lineage digests; the run failed", intake.mismatches());
            }
            return RunView.of(intake.changed().run());
        });
    }

    private record Intake(Changed changed, List<String> mismatches) {
    }

    /**
     * For an audit of named models (trait-eval), every model the runner resolved must appear in the result's data under its role
     * with the digest lineage holds: a certificate names those digests as what was evaluated.
     */
    @SuppressWarnings("unchecked")
    private static List<String> digestMismatches(AuditEntity audit, JsonNode result) {
        Map<String, Map<String, Object>> models = audit.subjects == null ? null : (Map<String, Map<String, Object>>) audit.subjects.get("models");
        if (models == null) {
            return List.of();
        }
        Map<String, String> computed = new LinkedHashMap<>();
        result.path("data").forEach(d -> computed.put(d.path("role").asText(), d.path("digest").asText(null)));
        List<String> mismatches = new ArrayList<>();
        models.forEach((role, model) -> {
            String expected = (String) model.get("digest");
            String actual = computed.get(role);
            if (!expected.equals(actual)) {
                mismatches.add("data[" + role + "].digest: lineage has " + expected + " for " + model.get("id") + ", the probe computed "
                        + (actual == null ? "none" : actual));
            }
        });
        return mismatches;
    }

    /**
     * Queued for the next batch: a restarted runner's informer reports every live Job at once (15,000 on a busy
     * cluster), and one transaction per run kept the database behind the cluster for tens of seconds.
     */
    @Override
    public void running(String runId) {
        UUID id;
        try {
            id = UUID.fromString(runId);
        } catch (IllegalArgumentException e) {
            LOG.warnf("Ignoring a running report for %s: not a run id", runId);
            return;
        }
        startedRuns.add(id);
        if (drainingStarted.compareAndSet(false, true)) {
            dispatch("running runs", this::drainStarted);
        }
    }

    /** Takes queued runs in batches until none are left; one batch failing never stops the next. */
    private Uni<Void> drainStarted() {
        List<UUID> batch = new ArrayList<>();
        for (UUID id = startedRuns.poll(); id != null; id = batch.size() < STARTED_BATCH ? startedRuns.poll() : null) {
            batch.add(id);
        }
        if (batch.isEmpty()) {
            drainingStarted.set(false);
            // A report queued between the poll and the reset must not wait for the next one.
            return !startedRuns.isEmpty() && drainingStarted.compareAndSet(false, true) ? drainStarted() : Uni.createFrom().voidItem();
        }
        return startedPerAudit(batch)
                .onFailure().invoke(e -> LOG.warnf("Marking %d runs running failed: %s", batch.size(), e.getMessage()))
                .onFailure().recoverWithNull()
                .chain(this::drainStarted);
    }

    /** Groups the runs by audit; each audit's runs change in one transaction under its lock, a few audits at once. */
    private Uni<Void> startedPerAudit(List<UUID> batch) {
        return onOwnContext(() -> Panache.withSession(() -> runs.auditsOf(batch)))
                .onItem().transformToMulti(byAudit -> Multi.createFrom().iterable(byAudit.entrySet()))
                .onItem().transformToUni(audit -> onOwnContext(() -> markRunning(audit.getKey(), audit.getValue()))
                        .onFailure(e -> !(e instanceof ApiProblem)).retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).atMost(5)
                        .onFailure().invoke(e -> LOG.warnf("Marking the runs of audit %s running failed: %s", audit.getKey(), e.getMessage()))
                        .onFailure().recoverWithNull())
                .merge(STARTED_AUDITS_AT_ONCE)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> markRunning(UUID auditId, List<UUID> runIds) {
        OffsetDateTime now = OffsetDateTime.now();
        return Panache.withTransaction(() -> audits.lock(auditId).chain(audit -> runs.byIds(runIds).chain(found -> {
            List<Changed> changed = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (RunEntity run : found) {
                if (run.state != RunState.PENDING || audit.state.finished()) {
                    continue;
                }
                chain = chain.chain(() -> {
                    run.startedAt = now;
                    return transition(audit, run, RunState.RUNNING, null, now).invoke(changed::add).replaceWithVoid();
                });
            }
            return chain.replaceWith(changed);
        }))).invoke(changed -> changed.forEach(this::publish)).replaceWithVoid();
    }

    @Override
    public void finished(String runId, boolean succeeded, String reason) {
        OffsetDateTime now = OffsetDateTime.now();
        dispatch("finished " + runId, () -> Panache.withTransaction(() -> locked(UUID.fromString(runId)).chain(locked -> {
            RunEntity run = locked.run();
            if (run.state.finished() || locked.audit().state.finished()) {
                return Uni.createFrom().nullItem();
            }
            // The probe hands its result over before it exits: a run that ended without one failed, whatever its exit.
            String why = succeeded ? NO_RESULT : reason;
            return transition(locked.audit(), run, RunState.FAILED, why, now);
        })).invoke(this::publish));
    }

    @Override
    public void result(String runId, String token, byte[] body) {
        dispatch("result " + runId, () -> accept(runId, token, body)
                .onFailure(ApiProblem.class).invoke(e -> finished(runId, false, RESULT_REFUSED + e.getMessage()))
                .onFailure(ApiProblem.class).recoverWithNull());
    }

    record Locked(AuditEntity audit, RunEntity run) {
    }

    record Changed(AuditEntity audit, RunEntity run, ProgressEvent runEvent, ProgressEvent auditEvent) {
    }

    /** The run and its audit, the audit locked first so that the run is read as the last transition left it. */
    private Uni<Locked> locked(UUID runId) {
        return runs.auditOf(runId)
                .onItem().ifNull().failWith(() -> AuditProblem.notFound("run", runId.toString()))
                .chain(audits::lock)
                .chain(audit -> runs.findById(runId).map(run -> new Locked(audit, run)));
    }

    private Uni<Changed> transition(AuditEntity audit, RunEntity run, RunState state, String reason, OffsetDateTime now) {
        run.state = state;
        run.reason = reason;
        run.updatedAt = now;
        if (state.finished()) {
            run.finishedAt = now;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("auditId", audit.id.toString());
        data.put("runId", run.id.toString());
        data.put("runIndex", run.runIndex);
        data.put("jobName", run.jobName);
        data.put("arms", run.arms);
        data.put("seed", run.seed);
        data.put("state", state.name());
        data.put("reason", EventLimits.reason(reason));
        data.put("at", now.toString());
        ProgressEvent runEvent = new ProgressEvent(audit.id.toString(), "run", run.id.toString(), state, audit.state, null, reason, now);
        return events.add(EventType.AUDIT_PROGRESS, audit, run.id + "|" + state, data, now)
                .chain(() -> state.finished() ? completion.completeIfDone(audit, now) : Uni.createFrom().item(false))
                .map(ended -> new Changed(audit, run, runEvent,
                        ended ? new ProgressEvent(audit.id.toString(), "audit", null, null, audit.state, audit.outcome, null, now) : null));
    }

    /** After the commit: live progress, metrics, and the ended audit's tokens released. */
    private void publish(Changed changed) {
        if (changed == null) {
            return;
        }
        hub.publish(changed.runEvent());
        if (changed.run().state.finished()) {
            metrics.runsFinished(changed.run().state, changed.run().reason, 1);
        }
        if (changed.auditEvent() != null) {
            metrics.auditEnded(changed.audit());
            hub.publish(changed.auditEvent());
            launcher.release(changed.audit().id.toString()).subscribe().with(ignored -> {
            });
        }
    }

    /**
     * Executor callbacks arrive on their own threads, or on the caller's (the local executor refuses an image run inside
     * the request that launches it); reactive Hibernate needs a (safe) Vert.x context. Each update gets a context of its
     * own: on the request's, it would share the request's reactive session, which one of them then closes under the other.
     */
    private void dispatch(String what, Supplier<Uni<?>> work) {
        onOwnContext(() -> work.get().replaceWithVoid())
                .onFailure(e -> !(e instanceof ApiProblem)).retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).atMost(5)
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("Run update (%s) failed: %s", what, e.getMessage()));
    }

    /** Subscribes to {@code work} on a new safe duplicated context: its reactive session is its own. */
    private <T> Uni<T> onOwnContext(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> work.get().subscribe().with(emitter::complete, emitter::fail));
        });
    }
}
