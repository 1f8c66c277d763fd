package io.traittrace.audit.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.Planner;
import io.traittrace.audit.repository.OrganizationQuotaEntity;
import io.traittrace.audit.repository.OrganizationQuotaRepository;
import io.traittrace.service.repository.Sql;

/**
 * The per-organisation quotas: audits in flight, and GPU-hours reserved in the last period (runner.quotas.organization.*,
 * overridden per organisation by a platform admin). They hold for everyone in the organisation, admins and the exposure
 * policy too: an organisation's share of the cluster is not a caller's to waive. Reservations are the caller quotas' (runs ×
 * GPUs per run × deadline, fixed at acceptance, never given back).
 */
@ApplicationScoped
public class OrganizationQuotas {

    /** The first key of the per-organisation advisory lock ({@link CallerQuotas#LOCK_CLASS} is the per-caller one). */
    static final int LOCK_CLASS = 19_002;

    private final RunnerConfig.OrganizationQuota defaults;
    private final OrganizationQuotaRepository overrides;

    public OrganizationQuotas(RunnerConfig config, OrganizationQuotaRepository overrides) {
        this.defaults = config.quotas().organization();
        this.overrides = overrides;
    }

    /** A platform admin's overrides; a null field keeps the configured default. */
    public record QuotaOverrides(Integer maxAuditsInFlight, Double gpuHoursPerPeriod) {

        static final int MAX_AUDITS_IN_FLIGHT = 1_000_000;
        static final double MAX_GPU_HOURS = 1e9;

        /**
         * The body of {@code PUT /api/organizations/{org}/quota}: both fields, each a limit or null (left out: null), nothing
         * else. Every problem is listed in one 400: a misspelt field must not silently reset a limit to its default.
         */
        public static QuotaOverrides parse(JsonNode body) {
            if (body == null || !body.isObject()) {
                throw AuditProblem.badRequest("the body must be a JSON object: {maxAuditsInFlight, gpuHoursPerPeriod}", List.of("body: not an object"));
            }
            List<String> errors = new ArrayList<>();
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals("maxAuditsInFlight") && !name.equals("gpuHoursPerPeriod")) {
                    errors.add(name + ": unknown field; the fields are maxAuditsInFlight and gpuHoursPerPeriod");
                }
            });
            JsonNode inFlight = body.path("maxAuditsInFlight");
            JsonNode hours = body.path("gpuHoursPerPeriod");
            if (!inFlight.isMissingNode() && !inFlight.isNull()
                    && !(inFlight.isIntegralNumber() && inFlight.canConvertToInt() && inFlight.intValue() >= 0 && inFlight.intValue() <= MAX_AUDITS_IN_FLIGHT)) {
                errors.add("maxAuditsInFlight: an integer in 0.." + MAX_AUDITS_IN_FLIGHT + " or null, got " + inFlight);
            }
            if (!hours.isMissingNode() && !hours.isNull()
                    && !(hours.isNumber() && Double.isFinite(hours.doubleValue()) && hours.doubleValue() >= 0 && hours.doubleValue() <= MAX_GPU_HOURS)) {
                errors.add("gpuHoursPerPeriod: a number in 0..1e9 or null, got " + hours);
            }
            if (!errors.isEmpty()) {
                throw AuditProblem.badRequest("the quota is not valid; nothing was changed", errors);
            }
            return new QuotaOverrides(inFlight.isIntegralNumber() ? inFlight.intValue() : null, hours.isNumber() ? hours.doubleValue() : null);
        }
    }

    /** {@code period}: ISO-8601, the same for every organisation (runner.quotas.organization.period). */
    public record QuotaLimits(int maxAuditsInFlight, double gpuHoursPerPeriod, String period) {
    }

    public record QuotaUsage(long auditsInFlight, double gpuHoursReserved) {
    }

    /** {@code GET /api/organizations/{org}/quota}: the limits in force, the defaults and overrides behind them, and the usage now. */
    public record QuotaView(String organization, QuotaLimits limits, QuotaLimits defaults, QuotaOverrides overrides, QuotaUsage usage,
            String updatedBy, OffsetDateTime updatedAt) {
    }

    /**
     * Takes the organisation's quota lock and refuses (429) an audit beyond its quotas, or (400) one that alone reserves more
     * than the organisation's whole period. Must run inside the transaction that then inserts the audit, like
     * {@link CallerQuotas#reserve}, after it: locks are always taken caller first, then organisation.
     */
    public Uni<Void> reserve(String organization, int runs, Planner.Budget budget, OffsetDateTime now) {
        return lock(organization)
                .chain(() -> limits(organization))
                .chain(limits -> overrides.auditsInFlight(organization).chain(inFlight -> {
                    if (inFlight >= limits.maxAuditsInFlight()) {
                        return Uni.createFrom().failure(AuditProblem.quotaExceeded("organisation '" + organization + "' has " + inFlight
                                + " audits in flight, the most it may have (runner.quotas.organization.max-audits-in-flight = "
                                + limits.maxAuditsInFlight() + "): nothing was created; ask again when one has ended",
                                List.of("organization.max-audits-in-flight: " + inFlight + " of " + limits.maxAuditsInFlight() + " audits in flight"),
                                OptionalLong.empty()));
                    }
                    long requested = budget.gpuSeconds(runs);
                    if (requested == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    long limit = gpuSeconds(limits.gpuHoursPerPeriod());
                    String period = limits.period();
                    if (requested > limit) {
                        String what = "this audit alone reserves " + CallerQuotas.hours(requested) + " GPU-hours (" + CallerQuotas.reservation(runs, budget)
                                + "), more than the " + CallerQuotas.hours(limit) + " GPU-hours organisation '" + organization + "' may reserve in "
                                + period + " (runner.quotas.organization.gpu-hours-per-period)";
                        return Uni.createFrom().failure(AuditProblem.badRequest(what + ": ask for fewer runs, fewer GPUs or a shorter deadline",
                                List.of("resources: " + what)));
                    }
                    return overrides.reservationsSince(organization, now.minus(defaults.period())).invoke(window -> {
                        long used = window.stream().mapToLong(row -> ((Number) row[1]).longValue()).sum();
                        if (used + requested <= limit) {
                            return;
                        }
                        long retryAfter = CallerQuotas.retryAfterSeconds(window, defaults.period(), used, requested, limit, now);
                        throw AuditProblem.quotaExceeded("this audit reserves " + CallerQuotas.hours(requested) + " GPU-hours ("
                                + CallerQuotas.reservation(runs, budget) + "); organisation '" + organization + "' has reserved "
                                + CallerQuotas.hours(used) + " of its " + CallerQuotas.hours(limit) + " GPU-hours in the last " + period
                                + " (runner.quotas.organization.gpu-hours-per-period): nothing was created; ask again in " + retryAfter
                                + " s, or for fewer runs, fewer GPUs or a shorter deadline",
                                List.of("organization.gpu-hours-per-period: " + CallerQuotas.hours(used) + " reserved + " + CallerQuotas.hours(requested)
                                        + " requested > " + CallerQuotas.hours(limit)),
                                OptionalLong.of(retryAfter));
                    }).replaceWithVoid();
                }));
    }

    public Uni<QuotaView> view(String organization) {
        OffsetDateTime now = OffsetDateTime.now();
        return Panache.withSession(() -> overrides.findById(organization).chain(stored -> {
            QuotaLimits limits = limits(stored);
            return overrides.auditsInFlight(organization)
                    .chain(inFlight -> overrides.reservationsSince(organization, now.minus(defaults.period()))
                            .map(window -> window.stream().mapToLong(row -> ((Number) row[1]).longValue()).sum())
                            .map(reserved -> new QuotaView(organization, limits, defaults(),
                                    stored == null ? new QuotaOverrides(null, null) : new QuotaOverrides(stored.maxAuditsInFlight, stored.gpuHoursPerPeriod),
                                    new QuotaUsage(inFlight, reserved / 3600.0), stored == null ? null : stored.updatedBy,
                                    stored == null ? null : stored.updatedAt)));
        }));
    }

    /** Stores a platform admin's overrides (both fields: a null one goes back to the default). */
    public Uni<QuotaView> set(String organization, QuotaOverrides update, String by) {
        // Under the organisation's quota lock: concurrent first settings never both insert, and no audit is admitted
        // against half of a change.
        return Panache.withTransaction(() -> lock(organization).chain(() -> overrides.findById(organization)).chain(stored -> {
            OrganizationQuotaEntity quota = stored != null ? stored : new OrganizationQuotaEntity();
            quota.organization = organization;
            quota.maxAuditsInFlight = update.maxAuditsInFlight();
            quota.gpuHoursPerPeriod = update.gpuHoursPerPeriod();
            quota.updatedBy = by;
            quota.updatedAt = OffsetDateTime.now();
            return stored != null ? Uni.createFrom().voidItem() : overrides.persist(quota).replaceWithVoid();
        })).chain(() -> view(organization));
    }

    /** The organisation's quota lock, held until the transaction ends. */
    private static Uni<Void> lock(String organization) {
        return Sql.column("SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(:org))) AS locked", Integer.class,
                Map.of("org", organization)).replaceWithVoid();
    }

        private Uni<QuotaLimits> limits(String organization) {
        return overrides.findById(organization).map(this::limits);
    }

    private QuotaLimits limits(OrganizationQuotaEntity stored) {
        QuotaLimits configured = defaults();
        if (stored == null) {
            return configured;
        }
        return new QuotaLimits(stored.maxAuditsInFlight != null ? stored.maxAuditsInFlight : configured.maxAuditsInFlight(),
                stored.gpuHoursPerPeriod != null ? stored.gpuHoursPerPeriod : configured.gpuHoursPerPeriod(), configured.period());
    }

    private QuotaLimits defaults() {
        return new QuotaLimits(defaults.maxAuditsInFlight(), defaults.gpuHoursPerPeriod(), defaults.period().toString());
    }

    private static long gpuSeconds(double hours) {
        return (long) Math.floor(hours * 3600);
    }
}
