package io.traittrace.audit.service;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.Planner;
import io.traittrace.audit.domain.Requester;
import io.traittrace.service.repository.Sql;

/**
 * The per-caller quotas (runner.quotas): audits in flight, and GPU-hours reserved in the last 24 hours. Admins are exempt
 * (they set the quotas, and must be able to run an urgent audit when a team's quota is full); the exposure policy is not,
 * although it runs with an admin's authority over images: how many exposures it sees follows lineage writes any auditor
 * can make, so it is a caller of its own in each organisation with {@code policy-max-audits-in-flight}. The organisation's
 * own quotas ({@link OrganizationQuotas}) hold for everyone, admins too.
 *
 * <p>A reservation is runs × GPUs per run × deadline, fixed when the audit is accepted, because it must be decided before
 * anything runs: an upper bound of the GPU time its Jobs may hold (a Job's activeDeadlineSeconds covers its retries; a
 * Job Kueue suspends and resumes gets its deadline afresh). Audits count in the window by when they were accepted, whatever
 * became of them: a run that ends early, or a cancelled audit, gives nothing back until its reservation leaves the window.
 */
@ApplicationScoped
public class CallerQuotas {

    /** The first key of the runner's advisory locks ({@code pg_advisory_xact_lock(int, int)}): per-caller quota checks. */
    static final int LOCK_CLASS = 19_001;
    static final Duration WINDOW = Duration.ofHours(24);

    private final RunnerConfig.Quotas quotas;

    public CallerQuotas(RunnerConfig config) {
        this.quotas = config.quotas();
    }

    private static boolean exempt(Requester requester) {
        return requester.admin() && !Requester.EXPOSURE_POLICY.equals(requester);
    }

    private long dailyGpuSeconds() {
        return (long) Math.floor(quotas.gpuHoursPerDay() * 3600);
    }

    /**
     * Refuses (400) an audit that alone reserves more than the caller's whole day, which no wait would let through. Checked
     * before the lineage lookups: it needs nothing stored.
     */
    public void requireFitsADay(Requester requester, int runs, Planner.Budget budget) {
        long reserved = budget.gpuSeconds(runs);
        if (!exempt(requester) && reserved > dailyGpuSeconds()) {
            String what = "this audit alone reserves " + hours(reserved) + " GPU-hours (" + reservation(runs, budget) + "), more than the "
                    + hours(dailyGpuSeconds()) + " GPU-hours a caller may reserve in 24 hours (runner.quotas.gpu-hours-per-day)";
            throw AuditProblem.badRequest(what + ": ask for fewer runs, fewer GPUs or a shorter deadline",
                    List.of("resources: " + what));
        }
    }

    /**
     * Takes the caller's quota lock and refuses (429) an audit beyond its quotas. Must run inside the transaction that then
     * inserts the audit: the lock ({@code pg_advisory_xact_lock} on the caller's name) is held until that transaction ends,
     * so two requests of one caller are counted one after the other and cannot both take the last place.
     */
    public Uni<Void> reserve(Requester requester, String organization, int runs, Planner.Budget budget, OffsetDateTime now) {
        if (exempt(requester)) {
            return Uni.createFrom().voidItem();
        }
        boolean policy = Requester.EXPOSURE_POLICY.equals(requester);
        int maxInFlight = policy ? quotas.policyMaxAuditsInFlight() : quotas.maxAuditsInFlight();
        String inFlightKey = policy ? "policy-max-audits-in-flight" : "max-audits-in-flight";
        // The exposure policy is a caller per organisation: one organisation's exposures never take another's places.
        String mine = policy ? "requested_by = :caller AND organization = :org" : "requested_by = :caller";
        String lockKey = policy ? requester.name() + "@" + organization : requester.name();
        Map<String, Object> caller = policy ? Map.of("caller", requester.name(), "org", organization) : Map.of("caller", requester.name());
        return Sql.column("SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(:key))) AS locked", Integer.class,
                Map.of("key", lockKey))
                .chain(() -> Sql.column("SELECT count(*) FROM audit WHERE " + mine + " AND state = 'RUNNING'", Long.class, caller))
                .chain(counted -> {
                    long inFlight = counted.get(0);
                    if (inFlight >= maxInFlight) {
                        return Uni.createFrom().failure(AuditProblem.quotaExceeded("caller '" + requester.name() + "' has " + inFlight
                                + " audits in flight, the most it may have (runner.quotas." + inFlightKey + " = " + maxInFlight
                                + "): nothing was created; ask again when one has ended, or cancel one",
                                List.of(inFlightKey + ": " + inFlight + " of " + maxInFlight + " audits in flight"), OptionalLong.empty()));
                    }
                    long requested = budget.gpuSeconds(runs);
                    if (requested == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    Map<String, Object> since = new HashMap<>(caller);
                    since.put("since", now.minus(WINDOW));
                    return Sql.rows("SELECT CAST(EXTRACT(EPOCH FROM created_at) * 1000 AS bigint), gpu_seconds_reserved FROM audit"
                            + " WHERE " + mine + " AND created_at > :since AND gpu_seconds_reserved > 0 ORDER BY created_at", since)
                            .invoke(window -> requireGpuHours(requester, runs, budget, window, now))
                            .replaceWithVoid();
                });
    }

    /** {@code window}: the caller's reservations of the last 24 hours, oldest first, as (accepted at, epoch ms; GPU-seconds). */
    private void requireGpuHours(Requester requester, int runs, Planner.Budget budget, List<Object[]> window, OffsetDateTime now) {
        long requested = budget.gpuSeconds(runs);
        long limit = dailyGpuSeconds();
        long used = window.stream().mapToLong(row -> ((Number) row[1]).longValue()).sum();
        if (used + requested <= limit) {
            return;
        }
        long retryAfter = retryAfterSeconds(window, WINDOW, used, requested, limit, now);
        throw AuditProblem.quotaExceeded("this audit reserves " + hours(requested) + " GPU-hours (" + reservation(runs, budget) + "); caller '"
                + requester.name() + "' has reserved " + hours(used) + " of its " + hours(limit) + " GPU-hours in the last 24 hours"
                + " (runner.quotas.gpu-hours-per-day): nothing was created; ask again in " + retryAfter
                + " s, or for fewer runs, fewer GPUs or a shorter deadline",
                List.of("gpu-hours-per-day: " + hours(used) + " reserved + " + hours(requested) + " requested > " + hours(limit)),
                OptionalLong.of(retryAfter));
    }

    /**
     * When a request of {@code requested} GPU-seconds fits under {@code limit} again: the oldest reservations of {@code window}
     * (as (accepted at, epoch ms; GPU-seconds), oldest first) leave it first, each {@code length} after it was accepted.
     */
    static long retryAfterSeconds(List<Object[]> window, Duration length, long used, long requested, long limit, OffsetDateTime now) {
        long freed = 0;
        long retryAtMillis = now.toInstant().toEpochMilli();
        for (Object[] row : window) {
            freed += ((Number) row[1]).longValue();
            retryAtMillis = ((Number) row[0]).longValue() + length.toMillis();
            if (used - freed + requested <= limit) {
                break;
            }
        }
        return Math.max(1, (retryAtMillis - now.toInstant().toEpochMilli() + 999) / 1000);
    }

    static String reservation(int runs, Planner.Budget budget) {
        return runs + " runs × " + budget.gpus() + " GPUs × a deadline of " + hours(budget.deadlineSeconds()) + " h";
    }

    /** Seconds as hours, to two decimals at most: 14400 → "4", 9000 → "2.5". */
    static String hours(long seconds) {
        return BigDecimal.valueOf(seconds).divide(BigDecimal.valueOf(3600), 2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
