package io.traittrace.audit.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.KubernetesNames;
import io.traittrace.audit.domain.PlannedRun;
import io.traittrace.audit.domain.RunTokens;
import io.traittrace.audit.executor.ModelMount;
import io.traittrace.audit.executor.RunExecutor;
import io.traittrace.audit.executor.RunLaunch;
import io.traittrace.audit.repository.AuditEntity;
import io.traittrace.audit.repository.AuditRepository;
import io.traittrace.audit.repository.RunEntity;
import io.traittrace.audit.repository.RunRepository;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Hands runs to the executor and makes sure every run is eventually handed over: a run is marked launched only
 * once the executor accepted it, and the reconciler retries the others (the cluster API was down, the runner
 * crashed between commit and launch). Launching is idempotent, so a retry never starts a run twice on Kubernetes.
 */
@ApplicationScoped
public class RunLauncher {

    private static final Logger LOG = Logger.getLogger(RunLauncher.class);
    static final int RECONCILE_BATCH = 500;

    private final RunExecutor executor;
    private final RunRepository runs;
    private final AuditRepository audits;
    private final RunTokens tokens;
    private final ObjectMapper mapper;
    private final RunnerConfig config;
    /**
     * Runs whose launch is under way in this runner (from the hand-over to the executor until they are marked
     * launched or the launch failed): the reconciler leaves them alone. Without this, every reconcile during a burst
     * of audits launched the runs still queued in the executor a second time.
     */
    private final Set<UUID> launching = ConcurrentHashMap.newKeySet();

    public RunLauncher(RunExecutor executor, RunRepository runs, AuditRepository audits, RunTokens tokens, ObjectMapper mapper,
            RunnerConfig config) {
        this.executor = executor;
        this.runs = runs;
        this.audits = audits;
        this.tokens = tokens;
        this.mapper = mapper;
        this.config = config;
    }

    public String jobName(AuditEntity audit, PlannedRun run) {
        String hint = audit.protocol + (run.arms().size() == 1 ? "-" + run.arms().get(0) : "") + "-s" + run.seed();
        return KubernetesNames.jobName(audit.id.toString(), run.index(), hint);
    }

    public boolean runsImages() {
        return executor.runsImages();
    }

    public Uni<Void> launch(AuditEntity audit, List<RunEntity> planned) {
        List<RunLaunch> launches = planned.stream().map(run -> launchOf(audit, run)).toList();
        List<UUID> ids = planned.stream().map(run -> run.id).toList();
        return Uni.createFrom().deferred(() -> {
            launching.addAll(ids);
            return onCallersContext(executor.launch(launches));
        })
                .chain(() -> Panache.withTransaction(() -> runs.markLaunched(ids)))
                .onFailure().invoke(e -> LOG.warnf("Launching %d runs of audit %s failed, the reconciler retries: %s", ids.size(), audit.id,
                        e.getMessage()))
                .onTermination().invoke(() -> ids.forEach(launching::remove))
                .replaceWithVoid();
    }

    public Uni<Void> cancel(String auditId) {
        return onCallersContext(executor.cancel(auditId));
    }

    /** Executors complete on their own threads; reactive Hibernate must continue on the caller's Vert.x context. */
    private static Uni<Void> onCallersContext(Uni<Void> operation) {
        Context context = Vertx.currentContext();
        return context == null ? operation : operation.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }

    public Uni<Void> release(String auditId) {
        return executor.release(auditId).onFailure().invoke(e -> LOG.warnf("Releasing audit %s: %s", auditId, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /**
     * Creates the executor at startup, so a Kubernetes executor re-attaches to live Jobs at once. Local processes do
     * not survive the runner: after a restart their runs start again.
     */
    void onStart(@Observes StartupEvent event) {
        LOG.infof("Runs execute %s", executor.runsImages() ? "as Kubernetes Jobs" : "as local probe processes");
        if (config.executor() == RunnerConfig.ExecutorKind.LOCAL) {
            try {
                // Startup is not on a Vert.x context; reactive Hibernate needs one.
                int reset = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(runs::forgetLaunches));
                if (reset > 0) {
                    LOG.infof("%d local runs were in flight when the runner stopped; they run again", reset);
                }
            } catch (Throwable e) {
                throw new IllegalStateException("Could not reset the local runs of the previous start", e);
            }
        }
    }

    @Scheduled(every = "${runner.reconcile-interval:15s}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> reconcile() {
        return Panache.withSession(() -> runs.unlaunched(RECONCILE_BATCH)
                .map(unlaunched -> unlaunched.stream().filter(run -> !launching.contains(run.id)).toList())
                .chain(pending -> {
                    if (pending.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Map<UUID, List<RunEntity>> byAudit = pending.stream()
                            .collect(Collectors.groupingBy(run -> run.auditId, LinkedHashMap::new, Collectors.toList()));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Map.Entry<UUID, List<RunEntity>> entry : byAudit.entrySet()) {
                        chain = chain.chain(() -> audits.findById(entry.getKey())
                                .chain(audit -> audit == null || audit.state.finished() ? Uni.createFrom().voidItem()
                                        : launch(audit, entry.getValue()).onFailure().recoverWithNull()));
                    }
                    return chain;
                }))
                .onFailure().invoke(e -> LOG.warnf("Reconciling runs failed, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** The models a trait-eval Job mounts, as the audit resolved them from lineage; none for files the local executor reads. */
    @SuppressWarnings("unchecked")
    List<ModelMount> mounts(AuditEntity audit) {
        Map<String, Map<String, Object>> models = audit.subjects == null ? null : (Map<String, Map<String, Object>>) audit.subjects.get("models");
        if (models == null) {
            return List.of();
        }
        RunnerConfig.Storage storage = config.storage();
        List<ModelMount> mounts = new ArrayList<>();
        models.forEach((role, model) -> {
            Map<String, String> mount = (Map<String, String>) model.get("mount");
            String kind = (String) model.get("storage");
            String path = (String) model.get("path");
            switch (kind) {
            case "pvc" -> mounts.add(new ModelMount(role, kind, path, mount.get("claim"), mount.get("subPath"), null, null, null, null));
            case "oci" -> mounts.add(new ModelMount(role, kind, path, null, null, mount.get("reference"), null, null, null));
            case "s3" -> mounts.add(new ModelMount(role, kind, path, null, null, null, storage.s3FetchImage().orElseThrow(),
                    storage.s3FetchCommand().stream().map(part -> part.replace("{bucket}", mount.get("bucket")).replace("{prefix}", mount.get("prefix"))
                            .replace("{target}", path)).toList(),
                    storage.s3CredentialsSecret().orElse(null)));
            default -> {
                // "file": the local executor reads the directory as it is.
            }
            }
        });
        return mounts;
    }

    @SuppressWarnings("unchecked")
    RunLaunch launchOf(AuditEntity audit, RunEntity run) {
        Map<String, Object> resources = (Map<String, Object>) audit.request.get("resources");
        Map<String, Object> parameters = (Map<String, Object>) audit.request.get("parameters");
        String image = "image".equals(audit.protocol) ? (String) parameters.get("image") : null;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("traittrace.io/protocol", audit.protocol);
        labels.put("traittrace.io/seed", Integer.toString(run.seed));
        labels.put("traittrace.io/run-index", Integer.toString(run.runIndex));
        if (run.arms.size() == 1) {
            labels.put("traittrace.io/arm", KubernetesNames.labelValue(run.arms.get(0)));
        }
        try {
            return new RunLaunch(audit.id.toString(), audit.organization, run.id.toString(), run.jobName, image, mapper.writeValueAsString(run.spec),
                    tokens.tokenFor(run.id.toString()), ((Number) resources.get("gpus")).intValue(), (String) resources.get("gpuType"),
                    ((Number) resources.get("deadlineSeconds")).longValue(), labels, mounts(audit));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
