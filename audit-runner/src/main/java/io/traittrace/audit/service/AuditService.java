package io.traittrace.audit.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.paging.PageLimits;
import io.traittrace.api.paging.PageRequest;
import io.traittrace.audit.client.LineageLookup;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.AuditPlan;
import io.traittrace.audit.domain.AuditRequest;
import io.traittrace.audit.domain.AuditState;
import io.traittrace.audit.domain.InvalidRequest;
import io.traittrace.audit.domain.ModelLocation;
import io.traittrace.audit.domain.PlannedRun;
import io.traittrace.audit.domain.Planner;
import io.traittrace.audit.domain.Requester;
import io.traittrace.audit.domain.RunState;
import io.traittrace.audit.events.AuditEvents;
import io.traittrace.audit.repository.AuditEntity;
import io.traittrace.audit.repository.AuditRepository;
import io.traittrace.audit.repository.RunEntity;
import io.traittrace.audit.repository.RunRepository;
import io.traittrace.audit.service.AuditViews.AuditView;
import io.traittrace.audit.service.AuditViews.ProgressEvent;
import io.traittrace.events.EventType;
import io.traittrace.service.tracing.TraceParents;

/**
 * Accepts audits (idempotently), answers for them and cancels them. An accepted audit is stored with all its
 * runs and its {@code audit-requested} event in one transaction, then handed to the executor; runs the executor
 * did not confirm are launched again by {@link RunLauncher}.
 */
@ApplicationScoped
public class AuditService {

    private static final Logger LOG = Logger.getLogger(AuditService.class);
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final AuditRepository audits;
    private final RunRepository runs;
    private final Planner planner;
    private final LineageLookup lineage;
    private final AuditEvents events;
    private final RunLauncher launcher;
    private final ProgressHub hub;
    private final ObjectMapper mapper;
    private final RunnerConfig config;
    private final RunnerMetrics metrics;
    private final CallerQuotas quotas;
    private final OrganizationQuotas organizationQuotas;
    private final PageLimits pageLimits;

    public AuditService(AuditRepository audits, RunRepository runs, Planner planner, LineageLookup lineage, AuditEvents events,
            RunLauncher launcher, ProgressHub hub, ObjectMapper mapper, RunnerConfig config, RunnerMetrics metrics, CallerQuotas quotas,
            OrganizationQuotas organizationQuotas) {
        this.audits = audits;
        this.runs = runs;
        this.planner = planner;
        this.lineage = lineage;
        this.events = events;
        this.launcher = launcher;
        this.hub = hub;
        this.mapper = mapper;
        this.config = config;
        this.metrics = metrics;
        this.quotas = quotas;
        this.organizationQuotas = organizationQuotas;
        this.pageLimits = new PageLimits(config.limits().defaultPageSize(), config.limits().maxPageSize());
    }

    public record Submitted(AuditView audit, boolean created) {
    }

    /**
     * Accepts an audit into {@code organization}, or answers the one this requester already had accepted there under the same
     * key. Its lineage ids resolve in the organisation or the public catalogue (the lineage service's rule).
     */
    public Uni<Submitted> submit(AuditRequest request, Requester requester, String organization, String origin) {
        if (requester != Requester.EXPOSURE_POLICY && request.idempotencyKey().startsWith(Requester.POLICY_KEY_PREFIX)) {
            return Uni.createFrom().failure(AuditProblem.badRequest("idempotency keys that begin with '" + Requester.POLICY_KEY_PREFIX
                    + "' are reserved for the exposure policy", List.of("idempotencyKey: reserved prefix '" + Requester.POLICY_KEY_PREFIX + "'")));
        }
        AuditPlan plan;
        Planner.Budget budget;
        try {
            plan = planner.plan(request);
            budget = planner.admit(request, plan);
            planner.requirePower(plan);
            if ("family".equals(plan.protocol())) {
                for (String checkpoint : List.of("a", "b")) {
                    ModelLocation.requireProbeDirectory("parameters." + checkpoint, request.parameters().get(checkpoint).asText(), config.executor(),
                            config.storage());
                }
            }
        } catch (InvalidRequest e) {
            return Uni.createFrom().failure(AuditProblem.badRequest(e.getMessage(), List.of(e.field() + ": " + e.getMessage())));
        }
        if ("image".equals(plan.protocol()) && !requester.admin() && !allowedImage(plan)) {
            return Uni.createFrom().failure(AuditProblem.forbidden("image " + plan.runs().get(0).image() + " is not on the runner's list of"
                    + " images auditors may run (runner.image-audits.allowed-images): a team's container reports its own scores, so an"
                    + " admin vets each image by digest first"));
        }
        try {
            quotas.requireFitsADay(requester, plan.runs().size(), budget);
        } catch (AuditProblem e) {
            return Uni.createFrom().failure(e);
        }
        Map<String, Object> normalised = normalise(request, plan);
        String hash = sha256(canonical(normalised));
        // Taken now, on the caller's context: the API call's span, or the exposure-detected record's.
        String traceParent = TraceParents.current();
        return Panache.withSession(() -> audits.byIdempotencyKey(organization, requester.name(), request.idempotencyKey()))
                .chain(existing -> existing != null ? same(existing, hash)
                        : subjects(request, organization).chain(subjects -> create(request, plan, budget, normalised, hash, subjects, requester,
                                organization, origin, traceParent)));
    }

    private boolean allowedImage(AuditPlan plan) {
        return config.imageAudits().allowedImages().orElse(List.of()).contains(plan.runs().get(0).image());
    }

    private Uni<Submitted> same(AuditEntity existing, String hash) {
        if (!existing.requestHash.equals(hash)) {
            return Uni.createFrom().failure(AuditProblem.conflict("idempotency key '" + existing.idempotencyKey
                    + "' was used for a different request (audit " + existing.id + ")"));
        }
        return view(existing.id).map(view -> new Submitted(view, false));
    }

    /** Student (with the digest a certificate names), teacher, dataset and the student's exposure, from the lineage service. */
    private Uni<Map<String, Object>> subjects(AuditRequest request, String organization) {
        Uni<Map<String, Object>> none = Uni.createFrom().nullItem();
        return Uni.combine().all().unis(lineage.model(request.student(), organization),
                request.teacher() == null ? none : lineage.model(request.teacher(), organization),
                request.dataset() == null ? none : lineage.dataset(request.dataset(), organization),
                lineage.exposure(request.student(), organization))
                .asTuple()
                .onFailure(e -> !(e instanceof AuditProblem))
                .transform(e -> {
                    LOG.warnf("Lineage lookups for an audit of %s failed, answered 503: %s", request.student(), e);
                    return AuditProblem.unavailable("the lineage service cannot answer now; nothing was created, retry later ("
                            + e.getClass().getSimpleName() + ")");
                })
                .map(t -> {
                    List<String> errors = new ArrayList<>();
                    if (t.getItem1() == null) {
                        errors.add("student: unknown model '" + request.student() + "' in the lineage service");
                    } else if (!(t.getItem1().get("digest") instanceof String d) || !d.matches("^sha256:[0-9a-f]{64}$")) {
                        errors.add("student: model '" + request.student() + "' has no sha256 content digest in the lineage service;"
                                + " a certificate names its subject by digest");
                    }
                    if (request.teacher() != null && t.getItem2() == null) {
                        errors.add("teacher: unknown model '" + request.teacher() + "' in the lineage service");
                    }
                    if (request.dataset() != null && t.getItem3() == null) {
                        errors.add("dataset: unknown dataset '" + request.dataset() + "' in the lineage service");
                    }
                    if (!errors.isEmpty()) {
                        throw AuditProblem.invalid("the audit names lineage records that cannot be audited", errors);
                    }
                    Map<String, Object> subjects = new LinkedHashMap<>();
                    subjects.put("student", t.getItem1());
                    subjects.put("teacher", t.getItem2());
                    subjects.put("dataset", t.getItem3());
                    subjects.put("exposure", t.getItem4());
                    return subjects;
                })
                .chain(subjects -> "trait-eval".equals(request.protocol()) ? models(request, organization, subjects) : Uni.createFrom().item(subjects));
    }

    /**
     * A trait-eval audit's models, each with the storage its weights are read from: the student and teacher already looked up,
     * the base (named, or the student's own base in lineage) and the optional control student. Every model needs a digest
     * (the probe's must match it) and a URI the configured executor can read; every problem is listed in one 422.
     */
    @SuppressWarnings("unchecked")
    private Uni<Map<String, Object>> models(AuditRequest request, String organization, Map<String, Object> subjects) {
        ObjectNode parameters = request.parameters();
        Map<String, Object> student = (Map<String, Object>) subjects.get("student");
        String baseId = parameters != null && parameters.hasNonNull("base") ? parameters.get("base").asText() : declaredBase(student);
        String controlId = parameters != null && parameters.hasNonNull("control") ? parameters.get("control").asText() : null;
        if (baseId == null) {
            return Uni.createFrom().failure(AuditProblem.invalid("the audit names lineage records that cannot be audited",
                    List.of("parameters.base: the student '" + request.student() + "' has no finetune or adapter base in the lineage service; name its base")));
        }
        Uni<Map<String, Object>> none = Uni.createFrom().nullItem();
        return Uni.combine().all().unis(lineage.model(baseId, organization), controlId == null ? none : lineage.model(controlId, organization))
                .asTuple()
                .onFailure(e -> !(e instanceof AuditProblem))
                .transform(e -> AuditProblem.unavailable("the lineage service cannot answer now; nothing was created, retry later ("
                        + e.getClass().getSimpleName() + ")"))
                .map(t -> {
                    Map<String, Map<String, Object>> records = new LinkedHashMap<>();
                    records.put("student", student);
                    records.put("base", t.getItem1());
                    records.put("teacher", (Map<String, Object>) subjects.get("teacher"));
                    if (controlId != null) {
                        records.put("control", t.getItem2());
                    }
                    Map<String, String> ids = Map.of("student", request.student(), "base", baseId, "teacher", request.teacher(), "control",
                            controlId == null ? "" : controlId);
                    List<String> errors = new ArrayList<>();
                    Map<String, Object> models = new LinkedHashMap<>();
                    records.forEach((role, model) -> {
                        String field = role.equals("student") || role.equals("teacher") ? role : "parameters." + role;
                        if (model == null) {
                            errors.add(field + ": unknown model '" + ids.get(role) + "' in the lineage service");
                            return;
                        }
                        if (!(model.get("digest") instanceof String digest) || !digest.matches("^sha256:[0-9a-f]{64}$")) {
                            errors.add(field + ": model '" + ids.get(role) + "' has no sha256 content digest in the lineage service; the probe's digest of"
                                    + " the weights it loads is checked against it");
                            return;
                        }
                        try {
                            ModelLocation location = ModelLocation.resolve(field, ids.get(role), role, (String) model.get("uri"), config.executor(),
                                    config.storage());
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("id", ids.get(role));
                            m.put("name", model.get("name"));
                            m.put("uri", model.get("uri"));
                            m.put("digest", digest);
                            m.put("storage", location.kind());
                            m.put("path", location.probePath());
                            if (location.mount() != null) {
                                m.put("mount", location.mount());
                            }
                            models.put(role, m);
                        } catch (InvalidRequest e) {
                            errors.add(e.field() + ": " + e.getMessage());
                        }
                    });
                    if (!errors.isEmpty()) {
                        throw AuditProblem.invalid("the audit names models whose weights cannot be evaluated", errors);
                    }
                    Map<String, Object> withModels = new LinkedHashMap<>(subjects);
                    withModels.put("models", models);
                    return withModels;
                });
    }

    /** The student's first finetune or adapter base in lineage, or null. */
    @SuppressWarnings("unchecked")
    private static String declaredBase(Map<String, Object> student) {
        if (!(student.get("bases") instanceof List<?> bases)) {
            return null;
        }
        return bases.stream().filter(b -> b instanceof Map<?, ?>).map(b -> (Map<String, Object>) b)
                .filter(b -> "finetune".equals(b.get("relation")) || "adapter".equals(b.get("relation")))
                .map(b -> (String) b.get("model")).findFirst().orElse(null);
    }

    private Uni<Submitted> create(AuditRequest request, AuditPlan plan, Planner.Budget budget, Map<String, Object> normalised, String hash,
            Map<String, Object> subjects, Requester requester, String organization, String origin, String traceParent) {
        String requestedBy = requester.name();
        OffsetDateTime now = OffsetDateTime.now();
        AuditEntity audit = new AuditEntity();
        audit.id = UUID.randomUUID();
        audit.organization = organization;
        audit.idempotencyKey = request.idempotencyKey();
        audit.requestHash = hash;
        audit.protocol = request.protocol();
        audit.student = request.student();
        audit.teacher = request.teacher();
        audit.dataset = request.dataset();
        audit.request = normalised;
        audit.subjects = subjects;
        audit.state = AuditState.RUNNING;
        audit.requestedBy = requestedBy;
        audit.origin = origin;
        audit.runsTotal = plan.runs().size();
        audit.gpuSecondsReserved = budget.gpuSeconds(plan.runs().size());
        audit.createdAt = now;
        audit.updatedAt = now;
        audit.traceParent = traceParent;
        List<RunEntity> planned = new ArrayList<>();
        for (PlannedRun p : plan.runs()) {
            RunEntity run = new RunEntity();
            run.id = UUID.randomUUID();
            run.auditId = audit.id;
            run.organization = organization;
            run.runIndex = p.index();
            run.jobName = launcher.jobName(audit, p);
            run.arms = p.arms();
            run.seed = p.seed();
            run.spec = "trait-eval".equals(plan.protocol()) ? withModelPaths(p.spec(), subjects) : p.spec();
            run.state = RunState.PENDING;
            run.updatedAt = now;
            planned.add(run);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("auditId", audit.id.toString());
        data.put("request", normalised);
        data.put("runs", planned.size());
        data.put("requestedBy", requestedBy);
        data.put("origin", origin);
        data.put("requestedAt", now.toString());
        // The caller's and the organisation's quotas are checked, under their locks (caller first), in the transaction that stores
        // the audit: a refusal leaves nothing.
        return Panache.withTransaction(() -> quotas.reserve(requester, organization, planned.size(), budget, now)
                .chain(() -> organizationQuotas.reserve(organization, planned.size(), budget, now))
                .chain(() -> audits.persist(audit))
                .chain(() -> runs.persist(planned))
                .chain(() -> events.add(EventType.AUDIT_REQUESTED, audit, null, data, now)))
                .invoke(() -> LOG.infof("Audit %s accepted in %s: %s, %d runs, requested by %s (%s)", audit.id, organization, audit.protocol,
                        planned.size(), requestedBy, origin))
                .invoke(() -> hub.publish(new ProgressEvent(audit.id.toString(), "audit", null, null, AuditState.RUNNING, null, null, now)))
                .chain(() -> launcher.launch(audit, planned).onFailure().recoverWithNull())
                .chain(() -> view(audit.id))
                .map(view -> new Submitted(view, true));
    }

    /** A trait-eval spec with each model's directory as the probe will see it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withModelPaths(Map<String, Object> spec, Map<String, Object> subjects) {
        Map<String, Object> filled = new LinkedHashMap<>(spec);
        Map<String, Object> parameters = new LinkedHashMap<>((Map<String, Object>) spec.get("parameters"));
        ((Map<String, Map<String, Object>>) subjects.get("models")).forEach((role, model) -> parameters.put(role, model.get("path")));
        filled.put("parameters", parameters);
        return filled;
    }

    /**
     * Records that an audit the exposure policy asked for cannot run (its models have no readable weights or no digest, its
     * plan is refused): a FAILED audit with no runs and the reasons, announced by {@code audit-failed}, so that an exposure
     * nobody could evaluate is visible rather than skipped. Idempotent under the request's key, like {@link #submit}.
     */
    public Uni<AuditView> recordNotEvaluable(AuditRequest request, List<String> reasons, String requestedBy, String organization, String origin) {
        return Panache.withSession(() -> audits.byIdempotencyKey(organization, requestedBy, request.idempotencyKey())).chain(existing -> {
            if (existing != null) {
                return view(existing.id);
            }
            OffsetDateTime now = OffsetDateTime.now();
            Map<String, Object> normalised = normalise(request, null);
            AuditEntity audit = new AuditEntity();
            audit.id = UUID.randomUUID();
            audit.organization = organization;
            audit.idempotencyKey = request.idempotencyKey();
            audit.requestHash = sha256(canonical(normalised));
            audit.protocol = request.protocol();
            audit.student = request.student();
            audit.teacher = request.teacher();
            audit.dataset = request.dataset();
            audit.request = normalised;
            audit.subjects = Map.of();
            audit.state = AuditState.FAILED;
            audit.requestedBy = requestedBy;
            audit.origin = origin;
            audit.runsTotal = 0;
            audit.createdAt = now;
            audit.updatedAt = now;
            audit.finishedAt = now;
            audit.traceParent = TraceParents.current();
            List<String> why = new ArrayList<>();
            why.add("the exposure could not be evaluated: no " + request.protocol() + " audit of " + request.student() + " can run");
            why.addAll(reasons);
            Map<String, Object> analysis = new LinkedHashMap<>();
            analysis.put("schema", AuditCompletion.RESULT_SCHEMA);
            analysis.put("notEvaluable", true);
            analysis.put("reasons", why);
            audit.analysis = analysis;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("auditId", audit.id.toString());
            data.put("state", AuditState.FAILED.name());
            data.put("reasons", why);
            data.put("failedAt", now.toString());
            return Panache.withTransaction(() -> audits.persist(audit).chain(() -> events.add(EventType.AUDIT_FAILED, audit, null, data, now)))
                    .invoke(() -> LOG.infof("Audit %s of %s in %s recorded as not evaluable: %s", audit.id, request.student(), organization,
                            reasons))
                    .chain(() -> view(audit.id));
        });
    }

    /** The audit, if it belongs to one of {@code organizations}; another organisation's answers 404, as an unknown id does. */
    public Uni<AuditView> get(String id, Collection<String> organizations) {
        UUID uuid = uuid(id);
        return Panache.withSession(() -> audits.findIn(uuid, organizations)
                .onItem().ifNull().failWith(() -> AuditProblem.notFound("audit", id))
                .chain(audit -> runs.ofAudit(audit.id).map(list -> AuditView.of(audit, list))));
    }

    /** An audit this service itself just stored or changed, whatever its organisation. */
    private Uni<AuditView> view(UUID id) {
        return Panache.withSession(() -> audits.findById(id).chain(audit -> runs.ofAudit(audit.id).map(list -> AuditView.of(audit, list))));
    }

    /** Audits of {@code organizations} only, newest first. */
    public Uni<Page<AuditView>> list(Collection<String> organizations, String stateName, String student, Integer pageNumber,
            Integer pageSize) {
        AuditState state;
        try {
            state = stateName == null || stateName.isBlank() ? null : AuditState.valueOf(stateName);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(AuditProblem.badRequest("unknown state '" + stateName + "'",
                    List.of("state: one of " + List.of(AuditState.values()))));
        }
        PageRequest page = PageRequest.of(pageNumber, pageSize, pageLimits);
        return Panache.withSession(() -> audits.page(organizations, state, student, page.page(), page.size())
                .chain(list -> audits.count(organizations, state, student)
                        .map(total -> Page.of(list, page, total).map(a -> AuditView.of(a, null)))));
    }

    /** The audit's state now, then its live changes until it ends. */
    public Multi<ProgressEvent> progress(String id, Collection<String> organizations) {
        return get(id, organizations).toMulti().flatMap(view -> {
            ProgressEvent now = new ProgressEvent(view.id(), "audit", null, null, view.state(), view.outcome(), null, OffsetDateTime.now());
            if (view.state().finished()) {
                return Multi.createFrom().item(now);
            }
            Multi<ProgressEvent> live = Multi.createFrom().emitter(emitter -> {
                var subscription = hub.of(id).subscribe().with(event -> {
                    emitter.emit(event);
                    if ("audit".equals(event.kind()) && event.auditState().finished()) {
                        emitter.complete();
                    }
                }, emitter::fail);
                emitter.onTermination(subscription::cancel);
            });
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(now), live);
        });
    }

    /** A cancelled audit, and how many of its runs the cancel ended. */
    private record Cancelled(AuditEntity audit, int runs) {
    }

    /**
     * Cancels a running audit: its runs end CANCELLED, its Jobs are deleted, {@code audit-failed} says so. Only its requester
     * or an admin may: an auditor must not be able to stop another team's audit. Only audits of {@code organization}: another's
     * is 404, as an unknown id.
     */
    public Uni<AuditView> cancel(String id, Requester requester, String organization) {
        UUID uuid = uuid(id);
        OffsetDateTime now = OffsetDateTime.now();
        String by = requester.name();
        return Panache.withTransaction(() -> audits.lockIn(uuid, organization)
                .onItem().ifNull().failWith(() -> AuditProblem.notFound("audit", id))
                .chain(audit -> {
                    if (!requester.admin() && !audit.requestedBy.equals(by)) {
                        return Uni.createFrom().failure(AuditProblem.forbidden("audit " + id + " was requested by " + audit.requestedBy
                                + "; only its requester or an admin may cancel it"));
                    }
                    if (audit.state.finished()) {
                        return Uni.createFrom().failure(AuditProblem.conflict("audit " + id + " already ended " + audit.state));
                    }
                    audit.state = AuditState.CANCELLED;
                    audit.finishedAt = now;
                    audit.updatedAt = now;
                    String reason = "cancelled by " + by;
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("auditId", id);
                    data.put("state", AuditState.CANCELLED.name());
                    data.put("reasons", List.of(reason));
                    data.put("failedAt", now.toString());
                    return runs.ofAudit(uuid).map(list -> {
                        List<RunEntity> open = list.stream().filter(r -> !r.state.finished()).toList();
                        open.forEach(r -> {
                            r.state = RunState.CANCELLED;
                            r.reason = reason;
                            r.finishedAt = now;
                            r.updatedAt = now;
                        });
                        return open.size();
                    }).chain(cancelled -> events.add(EventType.AUDIT_FAILED, audit, null, data, now).replaceWith(new Cancelled(audit, cancelled)));
                }))
                .invoke(cancelled -> {
                    metrics.runsFinished(RunState.CANCELLED, null, cancelled.runs());
                    metrics.auditEnded(cancelled.audit());
                    hub.publish(new ProgressEvent(id, "audit", null, null, AuditState.CANCELLED, null, "cancelled by " + by, now));
                })
                .chain(() -> launcher.cancel(id))
                .chain(() -> view(uuid));
    }

    private Map<String, Object> normalise(AuditRequest request, AuditPlan plan) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("protocol", request.protocol());
        n.put("teacher", request.teacher());
        n.put("student", request.student());
        n.put("dataset", request.dataset());
        n.put("traits", request.traits() == null ? List.of() : request.traits());
        n.put("seedsPerArm", request.seedsPerArm());
        // Resolved, so that the verdict at completion uses the margin the audit was accepted with, whatever the defaults are then.
        n.put("margin", plan == null || plan.analysis() == null ? request.margin() : (Double) plan.analysis().thresholds().margin());
        n.put("parameters", request.parameters() == null ? Map.of() : mapper.convertValue(request.parameters(), Map.class));
        Planner.Budget budget = plan == null ? new Planner.Budget(0, null, 0) : planner.budget(request);
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("gpus", budget.gpus());
        resources.put("gpuType", budget.gpuType());
        resources.put("deadlineSeconds", budget.deadlineSeconds());
        n.put("resources", resources);
        return n;
    }

    static String canonical(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw AuditProblem.notFound("audit", id);
        }
    }
}
