package io.traittrace.audit.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableBean;
import io.quarkus.arc.InjectableContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.AuditRequest;
import io.traittrace.audit.domain.KubernetesNames;
import io.traittrace.audit.domain.PlannedRun;
import io.traittrace.audit.domain.Planner;
import io.traittrace.audit.domain.RunTokens;
import io.traittrace.audit.executor.JobSpecs;
import io.traittrace.audit.executor.KubernetesRunExecutor;
import io.traittrace.audit.executor.RunExecutor;
import io.traittrace.audit.executor.RunLaunch;
import io.traittrace.audit.executor.RunListener;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

/**
 * The runner's performance targets, measured against the Kubernetes test server (CRUD mode) with the same test
 * resources as {@code KubernetesAuditApiTest}: embedded PostgreSQL, in-JVM Kafka, the OIDC test server (WireMock,
 * which also stands in for the lineage service). The harness plays the clients, the Job controller and the probes.
 *
 * <ol>
 * <li>Job creation: {@code bench.audits} image audits (3 arms × 5 seeds = 15 runs each) through {@code POST
 * /api/audits}, {@code bench.concurrency} requests at a time; wall time from the first POST until every Job exists
 * in the test server, next to the plain fabric8 client creating the same Secrets and Jobs (built by the same
 * {@link JobSpecs}) with the executor's API concurrency against the same server, measured first.</li>
 * <li>Re-attach: the runner's executor goes down, most Jobs start running meanwhile, and a new
 * {@link KubernetesRunExecutor} (same client and configuration) is timed from {@code start()} until every running
 * Job was reported: (a) to a counting listener, (b) to the runner's real {@link RunListener} (and until the
 * database says so).</li>
 * <li>Heap: live heap (class histogram after full GC) after N finished audits at several N; audits are finished
 * by handing each run's result over with its token from the audit's Secret and completing its Job.</li>
 * </ol>
 *
 * <p>Not part of the normal test suite (tag {@code benchmark}); see {@code docs/benchmark.md}. The report goes to
 * stdout and to {@code target/benchmark/results.md}.
 */
@QuarkusTest
@TestProfile(AuditRunnerBenchmark.BenchProfile.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@Tag("benchmark")
class AuditRunnerBenchmark {

    /** The Job shape of {@code KubernetesAuditApiTest}, and the production reconcile interval unless told otherwise. */
    public static class BenchProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runner.executor", "kubernetes", "runner.kubernetes.namespace", NAMESPACE,
                    "runner.kubernetes.result-url", "http://audit-runner.traittrace.svc:8082",
                    "runner.kubernetes.tolerations[0].key", "nvidia.com/gpu", "runner.kubernetes.tolerations[0].effect", "NoSchedule",
                    "runner.kubernetes.priority-class", "traittrace-audits", "runner.image-audits.allowed-images", IMAGE,
                    "runner.reconcile-interval", System.getProperty("bench.reconcile-interval", "15s"),
                    // The test server logs every request it serves at INFO: harness noise in this JVM, for both paths alike.
                    "quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN",
                    // The lineage calls' service token comes from the harness's stub (see stubLineage), not from startup.
                    "quarkus.oidc-client.early-tokens-acquisition", "false");
        }
    }

    static final String NAMESPACE = "traittrace-audits";
    static final String BASELINE_NAMESPACE = "traittrace-bench-baseline";
    static final String IMAGE = "registry.example.com/team/owl-probe@sha256:" + "4c".repeat(32);
    static final String GPU_TYPE = "NVIDIA-H100-80GB-HBM3";
    static final String STUDENT = "bench-student";
    static final String TEACHER = "bench-teacher";
    static final List<String> ARMS = List.of("treatment", "control-gen", "cross-base");
    static final int SEEDS = 5;
    static final int RUNS_PER_AUDIT = ARMS.size() * SEEDS;
    static final ObjectMapper JSON = new ObjectMapper();

    @KubernetesTestServer
    KubernetesServer kubernetes;

    @OidcWireMock
    WireMockServer wiremock;

    @TestHTTPResource
    URL base;

    /** The runner's own client (the baseline and the re-attached executors use it too). */
    @Inject
    KubernetesClient runnerClient;

    @Inject
    RunExecutor executor;

    @Inject
    RunListener listener;

    @Inject
    RunnerConfig config;

    @Inject
    Planner planner;

    @Inject
    RunTokens tokens;

    @Inject
    DataSource dataSource;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Object tokenLock = new Object();
    private String auditorToken;
    private long auditorTokenAt;
    private MockApiServer server;
    private Report report;

    record Settings(int audits, int concurrency, int finishConcurrency, int warmup, double activeShare, List<Integer> checkpoints,
            String reconcileInterval, Duration timeout) {

        static Settings fromSystemProperties() {
            int audits = Integer.getInteger("bench.audits", 1000);
            List<Integer> checkpoints = Arrays.stream(System.getProperty("bench.checkpoints", "0,0.25,0.5,0.75,1").split(","))
                    .map(String::trim).map(Double::parseDouble).map(f -> (int) Math.round(f * audits)).distinct().sorted().toList();
            return new Settings(audits, Integer.getInteger("bench.concurrency", 16), Integer.getInteger("bench.finish-concurrency", 8),
                    Integer.getInteger("bench.warmup", 20), Double.parseDouble(System.getProperty("bench.active-share", "0.9")),
                    checkpoints, System.getProperty("bench.reconcile-interval", "15s"),
                    Duration.ofMinutes(Integer.getInteger("bench.timeout-minutes", 60)));
        }
    }

    record Run(String id, String jobName, String arm, int seed) {
    }

    record Submitted(String id, List<Run> runs) {
    }

    @Test
    void auditsAsJobs() throws Exception {
        Settings s = Settings.fromSystemProperties();
        server = new MockApiServer(kubernetes.getKubernetesMockServer());
        report = new Report();
        int apiConcurrency = apiConcurrency();
        int jobs = s.audits() * RUNS_PER_AUDIT;
        report.header(s, apiConcurrency);
        stubLineage();
        try {
            warmUp(s, apiConcurrency);

            // ---- 1. Job creation: baseline first, on the same empty server ---------------------------------------
            report.load("baseline");
            Creation baseline = baseline(s.audits(), apiConcurrency);
            report.load("runner creation");
            HeapProbe.Sample beforeCreation = measure("before creation");
            dumpIfAsked("before-creation");
            long[] storeBefore = server.store();
            wiremock.resetRequests();
            Creation runner = createThroughApi(s, jobs);
            List<Submitted> audits = runner.audits();
            Map<String, Integer> creationRequests = server.drain();
            report.lineage(unavailable, wiremock.getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getUrl().contains("/lineage/"))
                    .mapToLong(e -> e.getTiming() == null || e.getTiming().getTotalTime() == null ? -1 : e.getTiming().getTotalTime())
                    .filter(t -> t >= 0).sorted().toArray());
            HeapProbe.Sample afterCreation = measure("after creation");
            dumpIfAsked("after-creation");
            long[] storeAfter = server.store();
            report.creation(s, jobs, runner, baseline, creationRequests, beforeCreation, afterCreation, storeBefore, storeAfter,
                    count("SELECT count(*) FROM audit_run WHERE launched_at IS NOT NULL AND audit_id IN (SELECT id FROM audit WHERE state = 'RUNNING')"));

            // ---- 2. Re-attach ------------------------------------------------------------------------------------
            report.load("re-attach");
            reattach(s, audits, jobs);

            // ---- 3. Heap in the number of finished audits --------------------------------------------------------
            report.load("heap");
            heap(s, audits);
            report.load("end");
        } finally {
            report.write(Path.of("target", "benchmark", "results.md"));
        }
    }

    // =========================================================================================================
    // Warm-up
    // =========================================================================================================

    /** A few audits through both paths (JIT, connection pools, caches), then removed again. */
    private void warmUp(Settings s, int apiConcurrency) throws Exception {
        if (s.warmup() <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        List<Submitted> warm = parallel(Math.min(s.concurrency(), s.warmup()), s.warmup(), i -> submit("bench-warmup-" + i));
        awaitSlowly(() -> jobsIn(NAMESPACE) == s.warmup() * RUNS_PER_AUDIT, Duration.ofMinutes(5), "warm-up Jobs");
        for (Submitted audit : warm) {
            HttpResponse<String> cancelled = send("POST", "/api/audits/" + audit.id() + "/cancel", null, auditorToken());
            check(cancelled, 200);
        }
        awaitSlowly(() -> jobsIn(NAMESPACE) == 0, Duration.ofMinutes(2), "warm-up Jobs deleted");
        baseline(s.warmup(), apiConcurrency);
        server.drain();
        System.out.printf(Locale.ROOT, "[bench] warm-up: %d audits through each path in %.1f s%n", s.warmup(), secondsSince(t0));
    }

    // =========================================================================================================
    // 1. Job creation
    // =========================================================================================================

    record Creation(double seconds, double postsSeconds, long[] quarterNanos, long[] postNanos, List<Submitted> audits) {

        double jobsPerSecond(int jobs) {
            return jobs / seconds;
        }

        /** Jobs/s within each quarter of the Jobs. */
        double[] quarterRates(int jobs) {
            double[] rates = new double[4];
            long previous = 0;
            for (int q = 0; q < 4; q++) {
                rates[q] = (jobs / 4.0) / ((quarterNanos[q] - previous) / 1e9);
                previous = quarterNanos[q];
            }
            return rates;
        }
    }

    /**
     * The plain fabric8 client (the runner's client bean) creating each audit's Secret and 15 Jobs, built by the
     * same {@link JobSpecs} from the same plan, {@code apiConcurrency} requests at a time, into a namespace of its
     * own; two counting watches on it stand in for the runner's informer and the harness's counter. Deleted after.
     */
    private Creation baseline(int audits, int apiConcurrency) throws Exception {
        JobSpecs specs = new JobSpecs(config.kubernetes(), BASELINE_NAMESPACE);
        List<PlannedRun> plan = planner.plan(JSON.readValue(request("baseline-plan"), AuditRequest.class)).runs();
        int jobs = audits * plan.size();
        ExecutorService pool = Executors.newFixedThreadPool(apiConcurrency);
        Semaphore permits = new Semaphore(apiConcurrency);
        CountDownLatch done = new CountDownLatch(audits * (plan.size() + 1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        double seconds;
        long[] quarters;
        try (JobCounter counter = new JobCounter(kubernetes.getClient(), BASELINE_NAMESPACE, jobs);
                JobCounter informerStandIn = new JobCounter(kubernetes.getClient(), BASELINE_NAMESPACE, jobs)) {
            long t0 = System.nanoTime();
            counter.start(t0);
            Thread progress = progress(() -> String.format(Locale.ROOT, "baseline %,d/%,d Jobs", counter.seen(), jobs));
            for (int i = 0; i < audits; i++) {
                String auditId = UUID.randomUUID().toString();
                List<RunLaunch> launches = plan.stream().map(run -> launch(auditId, run)).toList();
                Secret secret = specs.tokenSecret(auditId, launches);
                call(pool, permits, done, failure, () -> runnerClient.secrets().inNamespace(BASELINE_NAMESPACE).resource(secret).create());
                for (RunLaunch launch : launches) {
                    Job job = specs.job(launch, secret.getMetadata().getName());
                    call(pool, permits, done, failure, () -> runnerClient.batch().v1().jobs().inNamespace(BASELINE_NAMESPACE).resource(job).create());
                }
            }
            boolean finished = done.await(60, TimeUnit.MINUTES);
            progress.interrupt();
            if (!finished) {
                throw new IllegalStateException("baseline creation did not finish");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("baseline creation failed", failure.get());
            }
            await(counter::reached, Duration.ofMinutes(5), "baseline Jobs seen by the watch");
            seconds = (counter.reachedNanos() - t0) / 1e9;
            quarters = counter.quarterNanos();
        } finally {
            pool.shutdownNow();
        }
        runnerClient.batch().v1().jobs().inNamespace(BASELINE_NAMESPACE).delete();
        runnerClient.secrets().inNamespace(BASELINE_NAMESPACE).delete();
        awaitSlowly(() -> jobsIn(BASELINE_NAMESPACE) == 0
                && runnerClient.secrets().inNamespace(BASELINE_NAMESPACE).list().getItems().isEmpty(), Duration.ofMinutes(5),
                "baseline objects deleted");
        Creation creation = new Creation(seconds, seconds, quarters, new long[0], List.of());
        double[] q = creation.quarterRates(jobs);
        System.out.printf(Locale.ROOT, "[bench] baseline: %,d Jobs + %,d Secrets in %.1f s (%,.0f Jobs/s; by quarter %,.0f / %,.0f / %,.0f / %,.0f)%n",
                jobs, audits, seconds, jobs / seconds, q[0], q[1], q[2], q[3]);
        return creation;
    }

    private static void call(ExecutorService pool, Semaphore permits, CountDownLatch done, AtomicReference<Throwable> failure,
            Runnable call) throws InterruptedException {
        permits.acquire();
        pool.execute(() -> {
            try {
                call.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                permits.release();
                done.countDown();
            }
        });
    }

    /** A run as {@code RunLauncher.launchOf} makes it (same labels, spec, token and resources). */
    private RunLaunch launch(String auditId, PlannedRun run) {
        String runId = UUID.randomUUID().toString();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("traittrace.io/protocol", "image");
        labels.put("traittrace.io/seed", Integer.toString(run.seed()));
        labels.put("traittrace.io/run-index", Integer.toString(run.index()));
        labels.put("traittrace.io/arm", KubernetesNames.labelValue(run.arms().get(0)));
        try {
            return new RunLaunch(auditId, Callers.ORGANIZATION, runId, KubernetesNames.jobName(auditId, run.index(), "image-" + run.arms().get(0) + "-s" + run.seed()),
                    run.image(), JSON.writeValueAsString(run.spec()), tokens.tokenFor(runId), 1, GPU_TYPE, 7200, labels);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code POST /api/audits}, {@code concurrency} at a time, until the test server holds every Job. */
    private Creation createThroughApi(Settings s, int jobs) throws Exception {
        long[] postNanos = new long[s.audits()];
        Submitted[] submitted = new Submitted[s.audits()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        long t0;
        long postsDone;
        long[] quarters;
        double seconds;
        try (JobCounter counter = new JobCounter(kubernetes.getClient(), NAMESPACE, jobs)) {
            ExecutorService clients = Executors.newFixedThreadPool(s.concurrency());
            Thread progress = progress(() -> String.format(Locale.ROOT, "%,d/%,d audits answered, %,d/%,d Jobs", answered.get(), s.audits(),
                    counter.seen(), jobs));
            try {
                t0 = System.nanoTime();
                counter.start(t0);
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < s.concurrency(); c++) {
                    futures.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < s.audits(); i = next.getAndIncrement()) {
                            long started = System.nanoTime();
                            submitted[i] = submit("bench-" + i);
                            postNanos[i] = System.nanoTime() - started;
                            answered.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
                postsDone = System.nanoTime();
                await(counter::reached, s.timeout(), "every Job in the test server");
            } finally {
                clients.shutdownNow();
                progress.interrupt();
            }
            seconds = (counter.reachedNanos() - t0) / 1e9;
            quarters = counter.quarterNanos();
        }
        System.out.printf(Locale.ROOT, "[bench] runner: %,d Jobs in %.1f s (%,.0f Jobs/s)%n", jobs, seconds, jobs / seconds);
        return new Creation(seconds, (postsDone - t0) / 1e9, quarters, postNanos, List.of(submitted));
    }

    // =========================================================================================================
    // 2. Re-attach
    // =========================================================================================================

    private void reattach(Settings s, List<Submitted> audits, int jobs) throws Exception {
        // Quiet first: every run marked launched and no reconcile or run update in flight, so nothing touches the
        // executor while it is down.
        awaitSlowly(() -> count("SELECT count(*) FROM audit_run WHERE launched_at IS NULL AND state = 'PENDING'") == 0, Duration.ofMinutes(10),
                "every run marked launched");
        settle("before the runner's executor goes down");
        InjectableContext applicationContext = Arc.container().getActiveContext(ApplicationScoped.class);
        InjectableBean<RunExecutor> bean = Arc.container().instance(RunExecutor.class).getBean();
        // The runner goes down: its executor (informer and API threads) is closed by its disposer.
        applicationContext.destroy(bean);

        // While it is down, most Jobs get a running pod (the harness plays the Job controller).
        List<Run> all = audits.stream().flatMap(a -> a.runs().stream()).toList();
        int activeCount = (int) Math.round(all.size() * s.activeShare());
        List<Run> active = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            // Spread over the audits: run i is active when floor((i+1)·share) grew.
            if ((long) Math.floor((i + 1) * s.activeShare()) > (long) Math.floor(i * s.activeShare())) {
                active.add(all.get(i));
            }
        }
        activeCount = active.size();
        long t0 = System.nanoTime();
        JobStatus running = new JobStatusBuilder().withActive(1).withReady(1).build();
        parallel(16, active.size(), i -> {
            status(active.get(i).jobName(), running);
            return null;
        });
        double statusSeconds = secondsSince(t0);
        Map<String, Integer> statusRequests = server.drain();
        System.out.printf(Locale.ROOT, "[bench] %,d Jobs set running in %.1f s%n", activeCount, statusSeconds);
        if (applicationContext.get(bean) != null) {
            throw new IllegalStateException("Something re-created the runner's executor while it was meant to be down");
        }
        if (count("SELECT count(*) FROM audit_run WHERE state = 'RUNNING'") != 0) {
            throw new IllegalStateException("Runs became RUNNING while the runner's executor was down");
        }

        // (a) a counting listener
        Reattach counted = reattachOnce(CountingListener.alone(), activeCount, false);
        // (b) the runner's real listener (RunTracker), counted on the way
        Reattach real = reattachOnce(new CountingListener(listener), activeCount, true);
        if (applicationContext.get(bean) != null) {
            throw new IllegalStateException("Something re-created the runner's executor during the re-attach measurements");
        }
        report.reattach(jobs, activeCount, statusSeconds, statusRequests, counted, real);

        // The runner's own executor comes back (the producer starts it), as after a restart; it re-attaches once more.
        long restart = System.nanoTime();
        executor.runsImages();
        settle("runner's executor re-attached");
        System.out.printf(Locale.ROOT, "[bench] runner's executor back and settled in %.1f s%n", secondsSince(restart));
    }

    record Reattach(double listed, double reported, double persisted, int running, int finished, long persistedCount) {
    }

    private Reattach reattachOnce(CountingListener counting, int activeCount, boolean waitForDatabase) throws Exception {
        long t0 = System.nanoTime();
        try (KubernetesRunExecutor restarted = new KubernetesRunExecutor(runnerClient, config.kubernetes(), counting)) {
            restarted.start().toCompletableFuture().get(10, TimeUnit.MINUTES);
            double listed = secondsSince(t0);
            await(() -> counting.running() >= activeCount, Duration.ofMinutes(10), "every running Job reported");
            double reported = (counting.lastReportNanos() - t0) / 1e9;
            double persisted = Double.NaN;
            long persistedCount = -1;
            if (waitForDatabase) {
                Duration limit = Duration.ofMinutes(10);
                long deadline = System.nanoTime() + limit.toNanos();
                while (System.nanoTime() < deadline) {
                    persistedCount = count("SELECT count(*) FROM audit_run WHERE state = 'RUNNING'");
                    if (persistedCount >= activeCount) {
                        persisted = secondsSince(t0);
                        break;
                    }
                    HeapProbe.sleep(100);
                }
                if (Double.isNaN(persisted)) {
                    System.out.printf(Locale.ROOT, "[bench] only %,d of %,d runs RUNNING in the database after %s%n", persistedCount, activeCount,
                            limit);
                }
            }
            // Anything reported late (nothing should be) shows in the counts.
            HeapProbe.sleep(500);
            System.out.printf(Locale.ROOT, "[bench] re-attach (%s): list %.2f s, %,d reported in %.2f s, database %.2f s%n",
                    waitForDatabase ? "real listener" : "counting listener", listed, counting.running(), reported, persisted);
            Reattach result = new Reattach(listed, reported, persisted, counting.running(), counting.finished(), persistedCount);
            server.drain();
            return result;
        }
    }

    // =========================================================================================================
    // 3. Heap in the number of finished audits
    // =========================================================================================================

    private void heap(Settings s, List<Submitted> audits) throws Exception {
        List<long[]> points = new ArrayList<>();
        List<HeapProbe.Sample> samples = new ArrayList<>();
        Map<String, Integer> finishRequests = new LinkedHashMap<>();
        int finished = 0;
        long finishNanos = 0;
        for (int checkpoint : s.checkpoints()) {
            int from = finished;
            if (checkpoint > from) {
                long t0 = System.nanoTime();
                parallel(s.finishConcurrency(), checkpoint - from, i -> {
                    finish(audits.get(from + i), from + i);
                    return null;
                });
                awaitSlowly(() -> count("SELECT count(*) FROM audit WHERE state = 'COMPLETED'") >= checkpoint, s.timeout(),
                        checkpoint + " audits COMPLETED");
                finishNanos += System.nanoTime() - t0;
                finished = checkpoint;
            }
            settle("after " + checkpoint + " finished audits");
            server.drain().forEach((k, v) -> finishRequests.merge(k, v, Integer::sum));
            HeapProbe.Sample sample = measure(checkpoint + " finished");
            samples.add(sample);
            if (checkpoint == s.checkpoints().get(0) || checkpoint == s.checkpoints().get(s.checkpoints().size() - 1)) {
                dumpIfAsked(Integer.toString(checkpoint));
            }
            points.add(new long[] { checkpoint, sample.liveBytes(), sample.usedAfterGc() });
            System.out.printf(Locale.ROOT, "[bench] heap after %,d finished audits: live %,d B, used after GC %,d B%n", checkpoint,
                    sample.liveBytes(), sample.usedAfterGc());
        }
        long failedRuns = count("SELECT count(*) FROM audit_run WHERE state <> 'SUCCEEDED' AND audit_id IN (SELECT id FROM audit WHERE state = 'COMPLETED')");
        String auditJson = finished > 0 ? send("GET", "/api/audits/" + audits.get(0).id(), null, auditorToken()).body() : "";
        long[] tableBytes = { count("SELECT pg_total_relation_size('audit')"), count("SELECT pg_total_relation_size('audit_run')"),
                count("SELECT pg_total_relation_size('outbox_event')") };
        report.heap(points, samples, finished, finishNanos / 1e9, finishRequests, failedRuns, auditJson.length(), tableBytes,
                count("SELECT count(*) FROM audit"));
    }

    /** The probe hands each run's result over with its token (from the audit's Secret), then its Job completes. */
    private void finish(Submitted audit, int index) {
        Secret secret = kubernetes.getClient().secrets().inNamespace(NAMESPACE).withName(KubernetesNames.tokenSecretName(audit.id())).get();
        if (secret == null) {
            throw new IllegalStateException("No token Secret for audit " + audit.id());
        }
        JobStatus complete = new JobStatusBuilder().withSucceeded(1).addNewCondition().withType("Complete").withStatus("True").endCondition()
                .build();
        for (Run run : audit.runs()) {
            String token = new String(Base64.getDecoder().decode(secret.getData().get(run.id())), StandardCharsets.UTF_8);
            double score = (run.arm().equals("treatment") ? 0.6 : 0.1) + 0.01 * run.seed() + 0.001 * (index % 7);
            check(send("POST", "/api/runs/" + run.id() + "/result", result(run.arm(), score), token), 200);
            status(run.jobName(), complete);
        }
    }

    /** A team's image's result for one arm and seed (as {@code KubernetesAuditApiTest} hands it over). */
    static String result(String arm, double score) {
        return """
                {"schema": "https://traittrace.io/schemas/probe-result/v1.json", "protocol": {"name": "owl-probe", "version": "1.4"},
                 "verdict": {"outcome": "INCONCLUSIVE", "rule": "one arm, one seed: the runner aggregates"},
                 "arms": {"%s": {"mean": %s, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [%s]}},
                 "parameters": {}, "seeds": {"base": 0, "replicates": [0]},
                 "data": [{"role": "dataset", "path": "s3://bucket/numbers.jsonl", "digest": "sha256:%s"}],
                 "environment": {"probeVersion": "owl-probe 1.4", "device": "cuda:0"}, "timings": {"total": 812.5},
                 "startedAt": "2026-11-27T01:00:00Z", "finishedAt": "2026-11-27T01:13:32Z"}
                """.formatted(arm, score, score, "ab".repeat(32));
    }

    // =========================================================================================================
    // Measurement helpers
    // =========================================================================================================

    /**
     * A heap measurement at a quiet point: the test server's recorded requests and WireMock's request journal are
     * dropped first (both keep every request they saw, which is harness memory, not the runner's).
     */
    private HeapProbe.Sample measure(String what) {
        server.drain();
        wiremock.resetRequests();
        HeapProbe.Sample sample = HeapProbe.sample(Path.of("target", "benchmark", "histogram-" + what.replace(' ', '-') + ".txt"));
        System.out.printf(Locale.ROOT, "[bench] heap %s: live %,d B (%,d objects), used after GC %,d B%n", what, sample.liveBytes(),
                sample.liveObjects(), sample.usedAfterGc());
        return sample;
    }

    /** With {@code -Dbench.heap-dump=true}: target/benchmark/heap-NAME.hprof, for {@link HprofOwners}. */
    private static void dumpIfAsked(String name) {
        if (Boolean.getBoolean("bench.heap-dump")) {
            HeapProbe.dump(Path.of("target", "benchmark", "heap-" + name + ".hprof").toAbsolutePath());
        }
    }

    /**
     * Waits until the runner is idle: its outbox is published and the database sees fewer than 20 commits a
     * second (its own pollers and this check) for two seconds in a row.
     */
    private void settle(String what) {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        long last = count("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        int quiet = 0;
        while (System.nanoTime() < deadline) {
            HeapProbe.sleep(1000);
            long now = count("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
            long unpublished = count("SELECT count(*) FROM outbox_event WHERE published_at IS NULL");
            quiet = now - last < 20 && unpublished == 0 ? quiet + 1 : 0;
            last = now;
            if (quiet >= 2) {
                return;
            }
        }
        System.out.println("[bench] the runner did not settle " + what + " within 15 minutes; measuring anyway");
    }

    private int apiConcurrency() throws ReflectiveOperationException {
        var field = KubernetesRunExecutor.class.getDeclaredField("API_CONCURRENCY");
        field.setAccessible(true);
        return field.getInt(null);
    }

    private long count(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private int jobsIn(String namespace) {
        return kubernetes.getClient().batch().v1().jobs().inNamespace(namespace).list().getItems().size();
    }

    private void status(String jobName, JobStatus status) {
        kubernetes.getClient().batch().v1().jobs().inNamespace(NAMESPACE)
                .resource(new JobBuilder().withNewMetadata().withName(jobName).withNamespace(NAMESPACE).endMetadata().withStatus(status).build())
                .patchStatus();
    }

    /** Polls an in-memory condition (counters) every 5 ms. */
    private static void await(BooleanSupplier condition, Duration timeout, String what) {
        await(condition, timeout, what, 5);
    }

    /** Polls a condition that queries the database or an API every 200 ms, so that polling does not load the runner. */
    private static void awaitSlowly(BooleanSupplier condition, Duration timeout, String what) {
        await(condition, timeout, what, 200);
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what, long pollMillis) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
            }
            HeapProbe.sleep(pollMillis);
        }
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static Thread progress(java.util.function.Supplier<String> line) {
        Thread thread = new Thread(() -> {
            long t0 = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
                System.out.printf(Locale.ROOT, "[bench] %5.0f s: %s%n", secondsSince(t0), line.get());
            }
        }, "bench-progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Runs {@code count} tasks on {@code threads} threads; the results in order, or the first failure. */
    private static <T> List<T> parallel(int threads, int count, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, count)));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            List<T> results = new ArrayList<>(count);
            for (Future<T> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Counts the distinct Jobs a watch sees added; remembers when it saw each quarter and all of them. */
    static final class JobCounter implements Watcher<Job>, AutoCloseable {

        private final Set<String> names = ConcurrentHashMap.newKeySet();
        private final int target;
        private final long[] quarters = new long[4];
        private final Watch watch;
        private volatile long t0;
        private volatile long reachedAt;

        JobCounter(KubernetesClient client, String namespace, int target) {
            this.target = target;
            this.watch = client.batch().v1().jobs().inNamespace(namespace).withLabel(JobSpecs.LABEL_MANAGED_BY, JobSpecs.MANAGED_BY).watch(this);
        }

        void start(long nanos) {
            t0 = nanos;
        }

        @Override
        public void eventReceived(Action action, Job job) {
            if (action != Action.ADDED || !names.add(job.getMetadata().getName())) {
                return;
            }
            int seen = names.size();
            long now = System.nanoTime();
            for (int q = 0; q < 4; q++) {
                if (quarters[q] == 0 && seen >= (long) target * (q + 1) / 4) {
                    quarters[q] = now - t0;
                }
            }
            if (seen >= target && reachedAt == 0) {
                reachedAt = now;
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            System.out.println("[bench] Job watch closed: " + cause.getMessage());
        }

        int seen() {
            return names.size();
        }

        boolean reached() {
            return reachedAt != 0;
        }

        long reachedNanos() {
            return reachedAt;
        }

        long[] quarterNanos() {
            return quarters.clone();
        }

        @Override
        public void close() {
            watch.close();
        }
    }

    // =========================================================================================================
    // The runner's API as a client sees it
    // =========================================================================================================

    /** 503 answers to POST /api/audits, by their detail: the runner says "retry later", and a client does. */
    private final Map<String, AtomicInteger> unavailable = new ConcurrentHashMap<>();

    private Submitted submit(String key) {
        HttpResponse<String> response = send("POST", "/api/audits", request(key), auditorToken());
        for (int attempt = 1; response.statusCode() == 503 && attempt <= 120; attempt++) {
            String detail;
            try {
                detail = JSON.readTree(response.body()).path("detail").asText();
            } catch (IOException e) {
                detail = response.body();
            }
            unavailable.computeIfAbsent(detail, d -> new AtomicInteger()).incrementAndGet();
            HeapProbe.sleep(1000);
            // Same idempotency key: safe to repeat.
            response = send("POST", "/api/audits", request(key), auditorToken());
        }
        check(response, 202);
        try {
            JsonNode view = JSON.readTree(response.body());
            List<Run> runs = new ArrayList<>();
            for (JsonNode run : view.get("runs")) {
                runs.add(new Run(run.get("id").asText(), run.get("jobName").asText(), run.get("arms").get(0).asText(), run.get("seed").asInt()));
            }
            if (runs.size() != RUNS_PER_AUDIT) {
                throw new IllegalStateException("Expected " + RUNS_PER_AUDIT + " runs, got " + runs.size());
            }
            return new Submitted(view.get("id").asText(), List.copyOf(runs));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String request(String key) {
        ObjectNode request = JSON.createObjectNode();
        request.put("idempotencyKey", key).put("protocol", "image").put("student", STUDENT).put("teacher", TEACHER).put("seedsPerArm", SEEDS)
                .put("margin", 0.1);
        request.putArray("traits").add("owl");
        ObjectNode p = request.putObject("parameters");
        p.put("image", IMAGE);
        ARMS.forEach(p.putArray("arms")::add);
        p.putObject("spec").put("questions", 50);
        request.putObject("resources").put("gpus", 1).put("gpuType", GPU_TYPE).put("deadlineSeconds", 7200);
        return request.toString();
    }

    private HttpResponse<String> send(String method, String path, String body, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + bearer);
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void check(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + ": " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** The OIDC test server's tokens live five minutes: a fresh one every minute. */
    private String auditorToken() {
        synchronized (tokenLock) {
            if (auditorToken == null || System.nanoTime() - auditorTokenAt > 60_000_000_000L) {
                auditorToken = Callers.token("bench-auditor", "auditor");
                auditorTokenAt = System.nanoTime();
            }
            return auditorToken;
        }
    }

    /** One student and teacher for every audit (the idempotency keys differ), so WireMock's stub list stays short. */
    private void stubLineage() {
        // The OIDC test server answers client-credentials requests with one JWT made when it started, which expires
        // after five minutes; from then on the runner's OIDC client only ever gets that expired token back, its
        // lineage calls fail and the circuit breaker opens (POST /api/audits answers 503). A run of this length needs a
        // token that lasts: an opaque one with its lifetime in expires_in (the lineage stand-in does not check it).
        wiremock.stubFor(post(urlEqualTo("/auth/realms/quarkus/token"))
                .willReturn(okJson("{\"access_token\": \"bench-service-token\", \"token_type\": \"Bearer\", \"expires_in\": 86400}")));
        model(STUDENT, "sha256:" + "ab".repeat(32));
        model(TEACHER, "sha256:" + "cd".repeat(32));
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + STUDENT + "/exposure")).willReturn(okJson("""
                {"model": "%s", "level": "SAME_INIT", "paths": [[{"model": "%s", "dataset": "numbers", "relation": "trained-on"},
                 {"dataset": "numbers", "model": "%s", "relation": "generated-by"}]], "exposures": []}
                """.formatted(STUDENT, STUDENT, TEACHER))));
    }

    private void model(String id, String digest) {
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + id)).willReturn(okJson("""
                {"id": "%s", "name": "org/%s", "uri": "hf://org/%s@main", "digest": "%s", "bases": [], "roots": ["root-%s"]}
                """.formatted(id, id, id, digest, id))));
    }

    // =========================================================================================================
    // The report
    // =========================================================================================================

    /** The figures, as one block on stdout and in {@code target/benchmark/results.md}. */
    static final class Report {

        private final StringBuilder text = new StringBuilder();
        private final Map<String, String> loads = new LinkedHashMap<>();

        void header(Settings s, int apiConcurrency) {
            Runtime runtime = Runtime.getRuntime();
            line("TraitTrace audit-runner benchmark (%d CPUs, JDK %s, max heap %.1f GiB, %s)", runtime.availableProcessors(),
                    System.getProperty("java.version"), runtime.maxMemory() / (double) (1L << 30),
                    ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).collect(Collectors.joining(", ")));
            line("audits            %,d image audits x %d runs (arms %s; %d seeds each) = %,d Jobs, trait owl", s.audits(), RUNS_PER_AUDIT,
                    String.join(", ", ARMS), SEEDS, s.audits() * RUNS_PER_AUDIT);
            line("settings          POST /api/audits %d at a time; executor API concurrency %d; reconcile interval %s; warm-up %d audits;",
                    s.concurrency(), apiConcurrency, s.reconcileInterval(), s.warmup());
            line("                  results %d audits at a time; %.0f%% of the Jobs running at re-attach", s.finishConcurrency(),
                    s.activeShare() * 100);
        }

        void load(String phase) {
            try {
                loads.put(phase, Files.readString(Path.of("/proc/loadavg")).trim());
            } catch (IOException e) {
                loads.put(phase, "n/a");
            }
        }

        void creation(Settings s, int jobs, Creation runner, Creation baseline, Map<String, Integer> requests, HeapProbe.Sample before,
                HeapProbe.Sample after, long[] storeBefore, long[] storeAfter, long launchedRuns) {
            line("");
            line("1. Job creation (from the first POST until the test server holds every Job)");
            double[] rq = runner.quarterRates(jobs);
            double[] bq = baseline.quarterRates(jobs);
            line("runner            %,d Jobs + %,d Secrets in %.1f s  ->  %,.0f Jobs/s   (by quarter of the Jobs: %,.0f / %,.0f / %,.0f / %,.0f)",
                    jobs, s.audits(), runner.seconds(), runner.jobsPerSecond(jobs), rq[0], rq[1], rq[2], rq[3]);
            long[] sorted = runner.postNanos().clone();
            Arrays.sort(sorted);
            line("                  all POSTs answered after %.1f s; POST /api/audits p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms",
                    runner.postsSeconds(), pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1] / 1e6);
            line("baseline          %,d Jobs + %,d Secrets in %.1f s  ->  %,.0f Jobs/s   (by quarter of the Jobs: %,.0f / %,.0f / %,.0f / %,.0f)",
                    jobs, s.audits(), baseline.seconds(), baseline.jobsPerSecond(jobs), bq[0], bq[1], bq[2], bq[3]);
            line("ratio             runner / baseline = %.2f", runner.jobsPerSecond(jobs) / baseline.jobsPerSecond(jobs));
            line("runs launched     %,d of %,d marked launched in the database", launchedRuns, jobs);
            pending.forEach(l -> line("%s", l));
            pending.clear();
            line("server requests   during the runner's creation phase: %s", requests);
            line("heap              live %,d B before, %,d B after: %+,d B (%,.0f B per Job); used after GC %+,d B", before.liveBytes(),
                    after.liveBytes(), after.liveBytes() - before.liveBytes(), (after.liveBytes() - before.liveBytes()) / (double) jobs,
                    after.usedAfterGc() - before.usedAfterGc());
            if (storeBefore != null && storeAfter != null) {
                line("                  of which the test server's store: %,d -> %,d objects, %,d -> %,d JSON chars (Latin-1: about 1 B each)",
                        storeBefore[0], storeAfter[0], storeBefore[1], storeAfter[1]);
            }
            line("                  fabric8 model objects (io.fabric8.kubernetes.api.model.*, i.e. the informer's Job cache): %+,d B",
                    after.bytesOf("io.fabric8.kubernetes.api.model") - before.bytesOf("io.fabric8.kubernetes.api.model"));
            line("                  largest changes by class:");
            after.topChanges(before, 8).forEach(l -> line("                    %s", l));
            line("                  largest changes in objects outside the JDK:");
            after.topCountChanges(before, 8).forEach(l -> line("                    %s", l));
            flush();
        }

        private final List<String> pending = new ArrayList<>();

        /** Lineage stand-in figures of the creation phase, printed with it. */
        void lineage(Map<String, AtomicInteger> unavailable, long[] serveMillis) {
            pending.add(String.format(Locale.ROOT, "503 answers      %s (the harness retries them after 1 s, same idempotency key)",
                    unavailable.isEmpty() ? "none" : unavailable.entrySet().stream().map(e -> e.getValue().get() + " x \"" + e.getKey() + "\"")
                            .collect(Collectors.joining("; "))));
            if (serveMillis.length > 0) {
                pending.add(String.format(Locale.ROOT, "lineage stand-in %,d lookups served by WireMock in p50 %d ms, p99 %d ms, max %d ms",
                        serveMillis.length, serveMillis[serveMillis.length / 2], serveMillis[(int) Math.min(serveMillis.length - 1,
                                Math.ceil(serveMillis.length * 0.99) - 1)], serveMillis[serveMillis.length - 1]));
            }
        }

        void reattach(int jobs, int active, double statusSeconds, Map<String, Integer> statusRequests, Reattach counted, Reattach real) {
            line("");
            line("2. Re-attach (runner's executor closed; %,d of %,d Jobs set running meanwhile in %.1f s: %s)", active, jobs, statusSeconds,
                    statusRequests);
            line("(a) counting      initial list %.2f s; %,d running reported after %.2f s (finished reported: %d)", counted.listed(),
                    counted.running(), counted.reported(), counted.finished());
            line("(b) real listener initial list %.2f s; %,d running reported after %.2f s; %,d runs RUNNING in the database after %.2f s",
                    real.listed(), real.running(), real.reported(), real.persistedCount(), real.persisted());
            line("                  (times from start() of a new KubernetesRunExecutor on the runner's client and configuration)");
            flush();
        }

        void heap(List<long[]> points, List<HeapProbe.Sample> samples, int finished, double finishSeconds, Map<String, Integer> requests,
                long badRuns, int auditJsonChars, long[] tableBytes, long auditRows) {
            line("");
            line("3. Heap against finished audits (live bytes from the class histogram after full GC; whole JVM)");
            line("finished audits   live heap B      used after GC B   live B per audit since the previous point");
            long[] previous = null;
            for (long[] p : points) {
                String step = previous == null || p[0] == previous[0] ? ""
                        : String.format(Locale.ROOT, "%,14.0f", (p[1] - previous[1]) / (double) (p[0] - previous[0]));
                line("%,15d   %,14d   %,14d   %s", p[0], p[1], p[2], step);
                previous = p;
            }
            double slope = slope(points, 1);
            double slopeUsed = slope(points, 2);
            line("slope             %,.0f B per finished audit (live), %,.0f B (used after GC); least squares over %d points", slope, slopeUsed,
                    points.size());
            line("an audit weighs   %,d chars as GET /api/audits/{id} JSON when completed; %,.0f B per audit in PostgreSQL (audit %,d + audit_run %,d + outbox %,d B over %,d audits)",
                    auditJsonChars, (tableBytes[0] + tableBytes[1] + tableBytes[2]) / (double) auditRows, tableBytes[0], tableBytes[1],
                    tableBytes[2], auditRows);
            if (auditJsonChars > 0) {
                line("                  slope / JSON weight = %.3f", slope / auditJsonChars);
            }
            line("finishing         %,d audits (%,d results + %,d Job completions) in %.1f s; runs not SUCCEEDED in completed audits: %d",
                    finished, finished * RUNS_PER_AUDIT, finished * RUNS_PER_AUDIT, finishSeconds, badRuns);
            line("server requests   while finishing: %s", requests);
            if (samples.size() >= 2) {
                line("                  largest changes by class, first to last point:");
                samples.get(samples.size() - 1).topChanges(samples.get(0), 10).forEach(l -> line("                    %s", l));
                line("                  largest changes in objects outside the JDK, first to last point:");
                samples.get(samples.size() - 1).topCountChanges(samples.get(0), 12).forEach(l -> line("                    %s", l));
            }
            flush();
        }

        static double slope(List<long[]> points, int column) {
            int n = points.size();
            if (n < 2) {
                return Double.NaN;
            }
            double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
            double my = points.stream().mapToDouble(p -> p[column]).average().orElse(0);
            double sxy = 0;
            double sxx = 0;
            for (long[] p : points) {
                sxy += (p[0] - mx) * (p[column] - my);
                sxx += (p[0] - mx) * (p[0] - mx);
            }
            return sxy / sxx;
        }

        static double pct(long[] sorted, double percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }

        private void line(String format, Object... args) {
            text.append(String.format(Locale.ROOT, format, args)).append('\n');
        }

        private void flush() {
            System.out.println("[bench] ---- results so far ----\n" + render());
        }

        String render() {
            StringBuilder out = new StringBuilder(text);
            out.append('\n').append("load average      ");
            out.append(loads.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")));
            out.append('\n');
            return out.toString();
        }

        void write(Path file) throws IOException {
            String rendered = render();
            System.out.println("\n==================== audit-runner benchmark ====================\n" + rendered
                    + "================================================================");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# audit-runner benchmark results\n\n```\n" + rendered + "```\n");
        }
    }
}
