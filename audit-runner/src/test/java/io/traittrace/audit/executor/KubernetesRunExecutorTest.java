package io.traittrace.audit.executor;

import static io.traittrace.audit.executor.RecordingListener.hasFailed;
import static io.traittrace.audit.executor.RecordingListener.hasSucceeded;
import static io.traittrace.audit.executor.RecordingListener.wasRunning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.domain.KubernetesNames;

/**
 * The executor against the fabric8 mock API server in CRUD mode. Nothing runs Jobs there: the test plays the Job
 * controller by writing Job status, as the real one would.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesRunExecutorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How long "nothing more is reported" has to hold. */
    private static final Duration QUIET = Duration.ofMillis(700);

    static KubernetesClient client;
    static KubernetesMockServer server;

    /** Each test in its own namespace: the server lives as long as the class. */
    private final String namespace = "audits-" + UUID.randomUUID().toString().substring(0, 8);
    private final TestKubernetesConfig config = TestKubernetesConfig.inNamespace(namespace);
    private final RecordingListener listener = new RecordingListener();
    private final List<KubernetesRunExecutor> executors = new ArrayList<>();

    @AfterEach
    void closeExecutors() {
        executors.forEach(KubernetesRunExecutor::close);
    }

    @Test
    void launchCreatesTheSecretAndJobsAsSpecified() {
        TestKubernetesConfig queued = config.withKueueQueue("traittrace-{organization}");
        KubernetesRunExecutor executor = executor(queued, listener);
        List<RunLaunch> runs = List.of(TestRuns.gpuRun("audit-1", 0), TestRuns.customImageRun("audit-1", 1));

        join(executor.launch(runs));

        String secretName = KubernetesNames.tokenSecretName("audit-1");
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
        assertThat(secret.getData()).containsOnlyKeys(runs.get(0).runId(), runs.get(1).runId());
        for (RunLaunch run : runs) {
            assertThat(decode(secret.getData().get(run.runId()))).isEqualTo(run.token());
        }
        JobSpecs specs = new JobSpecs(queued, namespace);
        for (RunLaunch run : runs) {
            Job stored = job(run);
            Job expected = specs.job(run, secretName);
            assertThat(stored.getMetadata().getLabels()).isEqualTo(expected.getMetadata().getLabels())
                    .containsEntry("kueue.x-k8s.io/queue-name", "traittrace-acme")
                    .containsEntry("traittrace.io/organization", "acme");
            assertThat(stored.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("traittrace.io/organization", "acme");
            assertThat(stored.getMetadata().getAnnotations()).isEqualTo(expected.getMetadata().getAnnotations());
            // As JSON: an absent list and an empty one are the same object to the API server.
            assertThat(asJson(stored.getSpec())).isEqualTo(asJson(expected.getSpec()));
            assertThat(stored.getSpec().getSuspend()).isTrue();
        }
        assertThat(job(runs.get(0)).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
                .containsExactly("/opt/probe/bin/probe", "run-env");
        assertThat(job(runs.get(1)).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
                .isNullOrEmpty();
    }

    @Test
    void reportsRunningThenTheOutcome() {
        KubernetesRunExecutor executor = startedExecutor();
        RunLaunch completes = TestRuns.gpuRun("audit-1", 0);
        RunLaunch exhaustsRetries = TestRuns.gpuRun("audit-1", 1);
        RunLaunch overruns = TestRuns.gpuRun("audit-1", 2);
        join(executor.launch(List.of(completes, exhaustsRetries, overruns)));

        for (RunLaunch run : List.of(completes, exhaustsRetries, overruns)) {
            setStatus(run, activeStatus());
        }
        awaitEvents(wasRunning(completes.runId()), wasRunning(exhaustsRetries.runId()), wasRunning(overruns.runId()));

        setStatus(completes, completeStatus());
        setStatus(exhaustsRetries, failedStatus("BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        setStatus(overruns, failedStatus("DeadlineExceeded", "Job was active longer than specified deadline"));
        awaitEvents(wasRunning(completes.runId()), wasRunning(exhaustsRetries.runId()), wasRunning(overruns.runId()),
                hasSucceeded(completes.runId()),
                hasFailed(exhaustsRetries.runId(), "BackoffLimitExceeded: Job has reached the specified backoff limit"),
                hasFailed(overruns.runId(), "DeadlineExceeded: Job was active longer than specified deadline"));
        for (RunLaunch run : List.of(completes, exhaustsRetries, overruns)) {
            List<String> ofRun = listener.events().stream().filter(event -> event.contains(run.runId())).toList();
            assertThat(ofRun).hasSize(2);
            assertThat(ofRun.get(0)).isEqualTo(wasRunning(run.runId()));
        }

        // A finished Job's later changes, and its deletion by the TTL controller, are not news.
        setStatus(completes, new JobStatusBuilder(completeStatus()).withCompletedIndexes("0").build());
        jobs().withName(completes.jobName()).delete();
        jobs().withName(overruns.jobName()).delete();
        awaitNoMoreEvents(6);
    }

    @Test
    void aPreemptedPodIsNotAFailure() {
        KubernetesRunExecutor executor = startedExecutor();
        RunLaunch run = TestRuns.gpuRun("audit-1", 0);
        join(executor.launch(List.of(run)));
        setStatus(run, activeStatus());
        awaitEvents(wasRunning(run.runId()));

        // The scheduler preempts the pod: DisruptionTarget matches the Ignore rule, so the Job counts no failure,
        // stays active and starts a replacement.
        client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(run.jobName() + "-x7k2p")
                        .withLabels(Map.of("batch.kubernetes.io/job-name", run.jobName())).build())
                .withNewStatus().withPhase("Failed")
                .addNewCondition().withType("DisruptionTarget").withStatus("True").withReason("PreemptionByScheduler")
                .endCondition()
                .endStatus()
                .build()).create();
        setStatus(run, new JobStatusBuilder(activeStatus()).withTerminating(1).withFailed(0).build());
        awaitNoMoreEvents(1);

        setStatus(run, completeStatus());
        awaitEvents(wasRunning(run.runId()), hasSucceeded(run.runId()));
    }

    @Test
    void cancelDeletesTheAuditsJobsAndSecretOnly() throws InterruptedException {
        KubernetesRunExecutor executor = startedExecutor();
        List<RunLaunch> cancelled = TestRuns.gpuRuns("audit-cancelled", 3);
        List<RunLaunch> kept = TestRuns.gpuRuns("audit-kept", 2);
        join(executor.launch(cancelled));
        join(executor.launch(kept));
        setStatus(cancelled.get(0), activeStatus());
        setStatus(kept.get(0), activeStatus());
        awaitEvents(wasRunning(cancelled.get(0).runId()), wasRunning(kept.get(0).runId()));

        drainRecordedRequests();
        join(executor.cancel("audit-cancelled"));

        // One collection delete by label; the pods go in the background rather than holding up the call.
        assertThat(drainRecordedRequests()).filteredOn(request -> request.getPath().contains("/jobs"))
                .singleElement().satisfies(request -> {
                    assertThat(request.getMethod()).isEqualTo("DELETE");
                    assertThat(request.getPath()).contains("labelSelector=").contains("audit-cancelled");
                    assertThat(request.getUtf8Body()).contains("\"propagationPolicy\":\"Background\"");
                });
        assertThat(jobs().list().getItems()).extracting(job -> job.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(kept.stream().map(RunLaunch::jobName).toList());
        assertThat(client.secrets().inNamespace(namespace).list().getItems())
                .extracting(secret -> secret.getMetadata().getName())
                .containsExactly(KubernetesNames.tokenSecretName("audit-kept"));
        awaitEvents(wasRunning(cancelled.get(0).runId()), wasRunning(kept.get(0).runId()),
                hasFailed(cancelled.get(0).runId(), "Job deleted before it finished"),
                hasFailed(cancelled.get(1).runId(), "Job deleted before it finished"),
                hasFailed(cancelled.get(2).runId(), "Job deleted before it finished"));

        join(executor.cancel("audit-cancelled"));
        join(executor.cancel("audit-never-launched"));
        assertThat(jobs().list().getItems()).hasSize(2);
    }

    @Test
    void aRestartedRunnerReportsWhatHappenedWhileItWasDown() {
        KubernetesRunExecutor before = startedExecutor();
        List<RunLaunch> runs = TestRuns.gpuRuns("audit-1", 5);
        join(before.launch(runs));
        for (RunLaunch run : runs.subList(0, 4)) {
            setStatus(run, activeStatus());
        }
        awaitEvents(runs.subList(0, 4).stream().map(run -> wasRunning(run.runId())).toArray(String[]::new));
        before.close();

        setStatus(runs.get(0), completeStatus());
        setStatus(runs.get(1), completeStatus());
        setStatus(runs.get(2), failedStatus("BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        // runs 3 (still active) and 4 (never admitted) are left as they are.

        RecordingListener afterRestart = new RecordingListener();
        KubernetesRunExecutor after = executor(config, afterRestart);
        after.start().toCompletableFuture().join();

        await().atMost(WAIT).untilAsserted(() -> assertThat(afterRestart.events()).containsExactlyInAnyOrder(
                hasSucceeded(runs.get(0).runId()), hasSucceeded(runs.get(1).runId()),
                hasFailed(runs.get(2).runId(), "BackoffLimitExceeded: Job has reached the specified backoff limit"),
                wasRunning(runs.get(3).runId())));
        await().during(QUIET).atMost(WAIT).untilAsserted(() -> assertThat(afterRestart.events()).hasSize(4));
        assertThat(listener.events()).hasSize(4);
    }

    @Test
    void eachOrganisationsJobsWaitInItsOwnQueueAndARestartedRunnerFindsThemAll() {
        TestKubernetesConfig queued = config.withKueueQueue("traittrace-{organization}");
        KubernetesRunExecutor before = executor(queued, listener);
        before.start().toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        RunLaunch acme = TestRuns.gpuRun("audit-acme", "acme", 0);
        RunLaunch globex = TestRuns.gpuRun("audit-globex", "globex", 0);
        join(before.launch(List.of(acme, globex)));

        assertThat(job(acme).getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "traittrace-acme")
                .containsEntry("traittrace.io/organization", "acme");
        assertThat(job(globex).getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "traittrace-globex")
                .containsEntry("traittrace.io/organization", "globex");
        assertThat(client.secrets().inNamespace(namespace).withName(KubernetesNames.tokenSecretName("audit-globex")).get().getMetadata()
                .getLabels()).containsEntry("traittrace.io/organization", "globex");
        before.close();

        // Kueue admits both while the runner is down; the restarted runner picks up each organisation's Job.
        setStatus(acme, completeStatus());
        setStatus(globex, activeStatus());
        RecordingListener afterRestart = new RecordingListener();
        KubernetesRunExecutor after = executor(queued, afterRestart);
        after.start().toCompletableFuture().join();

        await().atMost(WAIT).untilAsserted(() -> assertThat(afterRestart.events()).containsExactlyInAnyOrder(hasSucceeded(acme.runId()),
                wasRunning(globex.runId())));
    }

    @Test
    void launchingTwiceIsIdempotentAndALaterLaunchAddsItsTokens() {
        KubernetesRunExecutor executor = executor(config, listener);
        List<RunLaunch> runs = TestRuns.gpuRuns("audit-1", 3);
        join(executor.launch(runs));
        Map<String, String> uids = uidsByName();

        join(executor.launch(runs));
        assertThat(uidsByName()).isEqualTo(uids);

        RunLaunch later = TestRuns.gpuRun("audit-1", 3);
        join(executor.launch(List.of(later)));
        assertThat(uidsByName()).hasSize(4).containsAllEntriesOf(uids);
        Secret secret = client.secrets().inNamespace(namespace).withName(KubernetesNames.tokenSecretName("audit-1"))
                .get();
        assertThat(secret.getData()).hasSize(4);
        assertThat(decode(secret.getData().get(runs.get(0).runId()))).isEqualTo(runs.get(0).token());
        assertThat(decode(secret.getData().get(later.runId()))).isEqualTo(later.token());
    }

    @Test
    void aJobNameTakenByAnotherRunFailsTheLaunch() {
        KubernetesRunExecutor executor = executor(config, listener);
        RunLaunch run = TestRuns.gpuRun("audit-1", 0);
        RunLaunch sameName = new RunLaunch("audit-1", TestRuns.ORGANIZATION, UUID.randomUUID().toString(), run.jobName(), null, "{}", "t", 0,
                null, 60, Map.of());
        join(executor.launch(List.of(run)));

        assertThatThrownBy(() -> join(executor.launch(List.of(sameName))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("belongs to run " + run.runId());
    }

    @Test
    void aRunThatCannotBecomeAJobFailsTheLaunchBeforeAnythingIsCreated() {
        KubernetesRunExecutor executor = executor(config, listener);
        RunLaunch good = TestRuns.gpuRun("audit-1", 0);
        RunLaunch bad = new RunLaunch("audit-1", TestRuns.ORGANIZATION, "../escape", "tt-bad-1", null, "{}", "t", 0, null, 60, Map.of());

        assertThatThrownBy(() -> join(executor.launch(List.of(good, bad)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(jobs().list().getItems()).isEmpty();
        assertThat(client.secrets().inNamespace(namespace).list().getItems()).isEmpty();
    }

    @Test
    void aFailingListenerDoesNotStopLaterReports() {
        AtomicBoolean failedOnce = new AtomicBoolean();
        RecordingListener recorded = new RecordingListener();
        RunListener flaky = new RunListener() {
            @Override
            public void running(String runId) {
                if (failedOnce.compareAndSet(false, true)) {
                    throw new IllegalStateException("listener down");
                }
                recorded.running(runId);
            }

            @Override
            public void finished(String runId, boolean succeeded, String reason) {
                recorded.finished(runId, succeeded, reason);
            }

            @Override
            public void result(String runId, String token, byte[] body) {
                recorded.result(runId, token, body);
            }
        };
        KubernetesRunExecutor executor = executor(config, flaky);
        executor.start().toCompletableFuture().join();
        List<RunLaunch> runs = TestRuns.gpuRuns("audit-1", 2);
        join(executor.launch(runs));

        setStatus(runs.get(0), activeStatus());
        await().atMost(WAIT).untilTrue(failedOnce);
        setStatus(runs.get(1), activeStatus());
        setStatus(runs.get(0), completeStatus());
        await().atMost(WAIT).untilAsserted(() -> assertThat(recorded.events())
                .containsExactly(wasRunning(runs.get(1).runId()), hasSucceeded(runs.get(0).runId())));
    }

    private KubernetesRunExecutor executor(TestKubernetesConfig kubernetes, RunListener runListener) {
        KubernetesRunExecutor executor = new KubernetesRunExecutor(client, kubernetes, runListener);
        executors.add(executor);
        return executor;
    }

    private KubernetesRunExecutor startedExecutor() {
        KubernetesRunExecutor executor = executor(config, listener);
        executor.start().toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return executor;
    }

    private static void join(Uni<Void> operation) {
        operation.await().atMost(WAIT);
    }

    private void awaitEvents(String... expected) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(listener.events()).containsExactlyInAnyOrder(expected));
    }

    private void awaitNoMoreEvents(int count) {
        await().during(QUIET).atMost(WAIT).untilAsserted(() -> assertThat(listener.events()).hasSize(count));
    }

    private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
        return client.batch().v1().jobs().inNamespace(namespace);
    }

    private static List<RecordedRequest> drainRecordedRequests() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        for (RecordedRequest request = server.takeRequest(0, TimeUnit.SECONDS); request != null;
                request = server.takeRequest(0, TimeUnit.SECONDS)) {
            requests.add(request);
        }
        return requests;
    }

    private Job job(RunLaunch run) {
        return jobs().withName(run.jobName()).get();
    }

    private Map<String, String> uidsByName() {
        Map<String, String> uids = new HashMap<>();
        jobs().list().getItems().forEach(job -> uids.put(job.getMetadata().getName(), job.getMetadata().getUid()));
        return uids;
    }

    /** The Job controller's part: write the Job's status. */
    private void setStatus(RunLaunch run, JobStatus status) {
        jobs().withName(run.jobName()).editStatus(job -> new JobBuilder(job).withStatus(status).build());
    }

    private static JobStatus activeStatus() {
        return new JobStatusBuilder().withActive(1).withReady(1).withStartTime("2026-01-01T00:00:00Z").build();
    }

    private static JobStatus completeStatus() {
        return new JobStatusBuilder().withSucceeded(1).withStartTime("2026-01-01T00:00:00Z")
                .withCompletionTime("2026-01-01T00:10:00Z")
                .addNewCondition().withType("SuccessCriteriaMet").withStatus("True").endCondition()
                .addNewCondition().withType("Complete").withStatus("True").endCondition()
                .build();
    }

    private static JobStatus failedStatus(String reason, String message) {
        return new JobStatusBuilder().withFailed(3).withStartTime("2026-01-01T00:00:00Z")
                .addNewCondition().withType("FailureTarget").withStatus("True").withReason(reason).withMessage(message)
                .endCondition()
                .addNewCondition().withType("Failed").withStatus("True").withReason(reason).withMessage(message)
                .endCondition()
                .build();
    }

    private static String asJson(Object object) {
        return client.getKubernetesSerialization().asJson(object);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
