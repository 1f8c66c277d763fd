package io.traittrace.audit.executor;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.KubernetesNames;

/**
 * Runs probe runs as Kubernetes Jobs, one per run, with the tokens in one Secret per audit. Run states come from
 * an informer on the runner's Jobs, so a restarted runner re-attaches by listing what is there.
 *
 * <p>The fabric8 client blocks; every call runs on this executor's own bounded thread pool, never on the
 * caller's thread, and the returned {@link Uni}s complete on those threads.
 */
public final class KubernetesRunExecutor implements RunExecutor, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KubernetesRunExecutor.class);

    /** API requests in flight at once; enough to create hundreds of Jobs a second without flooding the server. */
    static final int API_CONCURRENCY = 16;

    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    private final KubernetesClient client;
    private final RunListener listener;
    private final String namespace;
    private final JobSpecs specs;
    private final ExecutorService apiCalls;
    private SharedIndexInformer<Job> informer;

    public KubernetesRunExecutor(KubernetesClient client, RunnerConfig.Kubernetes config, RunListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.namespace = config.namespace().or(() -> Optional.ofNullable(client.getNamespace()))
                .orElseThrow(() -> new IllegalStateException(
                        "No namespace for the probe Jobs: set runner.kubernetes.namespace or the client's namespace"));
        this.specs = new JobSpecs(config, namespace);
        this.apiCalls = Executors.newFixedThreadPool(API_CONCURRENCY, daemonThreads("traittrace-k8s-executor-"));
    }

    /**
     * Creates each audit's token Secret (or adds the runs' keys to it), then the Jobs, {@link #API_CONCURRENCY}
     * at a time. A Job that already exists is left alone, so a failed launch can be retried as a whole.
     */
    @Override
    public Uni<Void> launch(List<RunLaunch> runs) {
        Map<String, List<RunLaunch>> runsByAudit = new LinkedHashMap<>();
        for (RunLaunch run : runs) {
            runsByAudit.computeIfAbsent(run.auditId(), auditId -> new ArrayList<>()).add(run);
        }
        return Multi.createFrom().iterable(runsByAudit.entrySet())
                .onItem().transformToUniAndConcatenate(audit -> launchAudit(audit.getKey(), audit.getValue()))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> launchAudit(String auditId, List<RunLaunch> runs) {
        return Uni.createFrom().item(() -> {
            // Every object is built, and so every run checked, before anything reaches the cluster.
            Secret secret = specs.tokenSecret(auditId, runs);
            List<Job> jobs = runs.stream().map(run -> specs.job(run, secret.getMetadata().getName())).toList();
            return new AuditObjects(secret, jobs);
        })
                .chain(objects -> blocking(() -> createOrExtend(objects.secret()))
                        .chain(() -> Multi.createFrom().iterable(objects.jobs())
                                .onItem().transformToUni(job -> blocking(() -> createIfAbsent(job)))
                                .merge(API_CONCURRENCY)
                                .collect().last()))
                .replaceWithVoid();
    }

    private record AuditObjects(Secret secret, List<Job> jobs) {
    }

    /** Deletes the audit's Jobs (their pods go in the background) and its token Secret. */
    @Override
    public Uni<Void> cancel(String auditId) {
        return blocking(() -> {
            jobs().withLabel(JobSpecs.LABEL_MANAGED_BY, JobSpecs.MANAGED_BY)
                    .withLabel(JobSpecs.LABEL_AUDIT_ID, KubernetesNames.labelValue(auditId))
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
            secrets().withName(KubernetesNames.tokenSecretName(auditId)).delete();
            return null;
        }).replaceWithVoid();
    }

    /** The audit ended: its run tokens go; its finished Jobs stay for inspection until their TTL. */
    @Override
    public Uni<Void> release(String auditId) {
        return blocking(() -> {
            secrets().withName(KubernetesNames.tokenSecretName(auditId)).delete();
            return null;
        }).replaceWithVoid();
    }

    /**
     * Starts watching the runner's Jobs. The informer first lists every live Job and reports its state, which is
     * how a restarted runner picks up runs it launched before; from then on it reports transitions.
     *
     * @return completes when the initial list has been received (retried until it is)
     */
    public synchronized CompletionStage<Void> start() {
        if (informer != null) {
            throw new IllegalStateException("Already started");
        }
        // No resync: the watch delivers every change, and a resync would only repeat states already reported.
        informer = jobs().withLabel(JobSpecs.LABEL_MANAGED_BY, JobSpecs.MANAGED_BY).runnableInformer(0);
        informer.addEventHandler(new JobStateReporter());
        // Retry through API server outages, at startup too (the default gives up on a failed first list): a runner
        // that stops watching never hears of its runs again. Only a response that cannot be read is final.
        informer.exceptionHandler((started, error) -> !ExceptionHandler.isDeserializationException(error));
        return informer.start();
    }

    /** Stops the informer and this executor's threads; Jobs already created keep running. */
    @Override
    public boolean runsImages() {
        return true;
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
        }
        apiCalls.shutdown();
        try {
            if (!apiCalls.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                apiCalls.shutdownNow();
            }
        } catch (InterruptedException e) {
            apiCalls.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private Secret createOrExtend(Secret secret) {
        try {
            return secrets().resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            // A later launch of the same audit: add (or refresh) its runs' tokens, keep the others'.
            return secrets().withName(secret.getMetadata().getName())
                    .edit(existing -> new SecretBuilder(existing).addToData(secret.getData()).build());
        }
    }

    private Job createIfAbsent(Job job) {
        try {
            return jobs().resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            String name = job.getMetadata().getName();
            Job existing = jobs().withName(name).get();
            if (existing == null) {
                throw new IllegalStateException("Job " + name + " was deleted while it was being launched", e);
            }
            // Only the same run may own the name: anything else would silently swallow this run.
            String existingRun = runId(existing);
            String launchedRun = runId(job);
            if (!launchedRun.equals(existingRun)) {
                throw new IllegalStateException(
                        "Job " + name + " belongs to run " + existingRun + ", not to run " + launchedRun, e);
            }
            return existing;
        }
    }

    private <T> Uni<T> blocking(Supplier<T> call) {
        return Uni.createFrom().item(call).runSubscriptionOn(apiCalls);
    }

    private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
        return client.batch().v1().jobs().inNamespace(namespace);
    }

    private NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets() {
        return client.secrets().inNamespace(namespace);
    }

    private static String runId(Job job) {
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(JobSpecs.ANNOTATION_RUN_ID);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A Job's state as far as its run is concerned. */
    private record RunState(Phase phase, String failure) {

        enum Phase {
            PENDING, RUNNING, SUCCEEDED, FAILED;

            boolean finished() {
                return this == SUCCEEDED || this == FAILED;
            }
        }

        static final RunState PENDING = new RunState(Phase.PENDING, null);

        /**
         * Only Complete and Failed are final: newer clusters first set SuccessCriteriaMet or FailureTarget while
         * pods still terminate, and a pod preempted under the pod failure policy's Ignore rule sets neither.
         */
        static RunState of(Job job) {
            JobStatus status = job.getStatus();
            if (status == null) {
                return PENDING;
            }
            for (JobCondition condition : Objects.requireNonNullElse(status.getConditions(), List.<JobCondition> of())) {
                if (!"True".equals(condition.getStatus())) {
                    continue;
                }
                if ("Complete".equals(condition.getType())) {
                    return new RunState(Phase.SUCCEEDED, null);
                }
                if ("Failed".equals(condition.getType())) {
                    return new RunState(Phase.FAILED, failure(condition));
                }
            }
            boolean podsUp = positive(status.getActive()) || positive(status.getReady());
            return podsUp ? new RunState(Phase.RUNNING, null) : PENDING;
        }

        private static String failure(JobCondition condition) {
            String reason = condition.getReason() == null ? "Failed" : condition.getReason();
            return condition.getMessage() == null ? reason : reason + ": " + condition.getMessage();
        }

        private static boolean positive(Integer count) {
            return count != null && count > 0;
        }
    }

    /**
     * Turns Job events into listener calls, transitions only. The informer's cache is the memory of what was
     * reported: an update carries the Job as it was last delivered, so comparing the two states says whether
     * anything changed, and a finished Job leaves the cache (and memory) when its TTL deletes it.
     */
    private final class JobStateReporter implements ResourceEventHandler<Job> {

        /** A Job new to this runner: created just now, or found by a restarted runner, so nothing was reported. */
        @Override
        public void onAdd(Job job) {
            report(RunState.PENDING, job);
        }

        @Override
        public void onUpdate(Job before, Job after) {
            report(RunState.of(before), after);
        }

        @Override
        public void onDelete(Job job, boolean finalStateUnknown) {
            String runId = runId(job);
            if (runId != null && !RunState.of(job).phase().finished()) {
                notifyListener(runId, () -> listener.finished(runId, false, "Job deleted before it finished"));
            }
        }

        private void report(RunState before, Job job) {
            String runId = runId(job);
            if (runId == null) {
                LOG.warnf("Job %s carries no %s annotation; ignored", job.getMetadata().getName(),
                        JobSpecs.ANNOTATION_RUN_ID);
                return;
            }
            RunState now = RunState.of(job);
            if (now.phase() == before.phase() || before.phase().finished()) {
                return;
            }
            switch (now.phase()) {
                case RUNNING -> notifyListener(runId, () -> listener.running(runId));
                case SUCCEEDED -> notifyListener(runId, () -> listener.finished(runId, true, null));
                case FAILED -> notifyListener(runId, () -> listener.finished(runId, false, now.failure()));
                case PENDING -> {
                    // Suspended by Kueue or between pods: nothing the listener acts on.
                }
            }
        }

        /** A failing listener must not stop the informer from delivering the next events. */
        private void notifyListener(String runId, Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "The run listener failed on an update of run %s", runId);
            }
        }
    }
}
