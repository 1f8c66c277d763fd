package io.traittrace.audit.service;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.domain.AuditState;
import io.traittrace.audit.domain.RunState;
import io.traittrace.audit.repository.AuditEntity;
import io.traittrace.audit.repository.AuditRepository;
import io.traittrace.audit.repository.RunRepository;

/**
 * The runner's domain metrics (names and meaning in the README). Audits by state and the runs waiting to run are
 * counted in the database every {@code runner.metrics.refresh-interval}, so they hold across restarts and replicas;
 * run outcomes and audit durations are recorded by the replica that committed the change, after the commit.
 */
@ApplicationScoped
public class RunnerMetrics {

    private static final Logger LOG = Logger.getLogger(RunnerMetrics.class);

    private final MeterRegistry registry;
    private final AuditRepository audits;
    private final RunRepository runs;
    private final Map<AuditState, AtomicLong> auditsByState = new EnumMap<>(AuditState.class);
    private final AtomicLong unlaunchedRuns = new AtomicLong();
    private final AtomicLong launchedRuns = new AtomicLong();

    public RunnerMetrics(MeterRegistry registry, AuditRepository audits, RunRepository runs) {
        this.registry = registry;
        this.audits = audits;
        this.runs = runs;
        for (AuditState state : AuditState.values()) {
            AtomicLong count = new AtomicLong();
            auditsByState.put(state, count);
            Gauge.builder("traittrace.audits", count, AtomicLong::get)
                    .description("Audits in each state, as stored")
                    .tag("state", state.name())
                    .register(registry);
        }
        Gauge.builder("traittrace.runs.waiting", unlaunchedRuns, AtomicLong::get)
                .description("Pending runs the executor has not accepted yet (being handed over, or left to the reconciler)")
                .tag("stage", "unlaunched")
                .register(registry);
        Gauge.builder("traittrace.runs.waiting", launchedRuns, AtomicLong::get)
                .description("Pending runs the executor accepted that have not started (a local probe slot, a GPU node, Kueue)")
                .tag("stage", "launched")
                .register(registry);
    }

    @Scheduled(every = "${runner.metrics.refresh-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refresh() {
        return Panache.withSession(() -> audits.countByState()
                .invoke(counts -> auditsByState.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state, 0L))))
                .chain(runs::countWaiting)
                .invoke(waiting -> {
                    unlaunchedRuns.set(waiting.unlaunched());
                    launchedRuns.set(waiting.launched());
                }))
                .onFailure().invoke(e -> LOG.warnf("Counting audits and runs for the metrics failed, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** {@code count} runs ended SUCCEEDED, FAILED (with this reason) or CANCELLED. */
    void runsFinished(RunState state, String reason, int count) {
        Counter.builder("traittrace.runs.finished")
                .description("Runs (Jobs or local probe processes) that ended, by outcome and class of failure")
                .tag("outcome", state.name().toLowerCase(Locale.ROOT))
                .tag("reason", reasonClass(state, reason))
                .register(registry)
                .increment(count);
    }

    /** The audit ended (COMPLETED, FAILED or CANCELLED): how long it took from its request. */
    void auditEnded(AuditEntity audit) {
        Timer.builder("traittrace.audit.duration")
                .description("Time from an audit's request to its end")
                .tag("state", audit.state.name())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofDays(7))
                .register(registry)
                .record(Duration.between(audit.createdAt, audit.finishedAt));
    }

    /**
     * A few stable classes of the reasons the executors and the intake give (the reasons themselves carry Job
     * names and messages, too many values for a label).
     */
    static String reasonClass(RunState state, String reason) {
        if (state != RunState.FAILED) {
            return "none";
        }
        if (reason == null) {
            return "other";
        }
        if (reason.startsWith("DeadlineExceeded")) {
            return "deadline";
        }
        // The probe refused its spec or data (exit 2/3/4): the Job's pod failure policy, or a local process's exit.
        if (reason.startsWith("PodFailurePolicy") || reason.startsWith("the probe exited")) {
            return "probe-exit";
        }
        if (reason.startsWith("BackoffLimitExceeded")) {
            return "retries-exhausted";
        }
        if (reason.equals(RunTracker.NO_RESULT)) {
            return "no-result";
        }
        if (reason.startsWith(RunTracker.RESULT_REFUSED)) {
            return "result-refused";
        }
        if (reason.startsWith("Job deleted")) {
            return "job-deleted";
        }
        if (reason.startsWith("the probe could not be started") || reason.startsWith("the local executor runs the built-in probe only")) {
            return "not-started";
        }
        return "other";
    }
}
