package io.traittrace.audit.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.audit.rest.RunnerApi.awaitState;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.executor.JobSpecs;
import io.traittrace.audit.executor.KubernetesRunExecutor;
import io.traittrace.audit.executor.RunExecutor;
import io.traittrace.audit.executor.RunListener;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.Callers;

/**
 * Audits as Kubernetes Jobs against the Kubernetes test server (CRUD mode). The test plays the Job controller:
 * it writes Job status, and it plays the probe: it hands results back with the token the Job's Secret holds.
 */
@QuarkusTest
@TestProfile(KubernetesAuditApiTest.KubernetesExecutor.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesAuditApiTest {

    public static class KubernetesExecutor implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runner.executor", "kubernetes", "runner.kubernetes.namespace", NAMESPACE,
                    "runner.kubernetes.result-url", "http://audit-runner.traittrace.svc:8082",
                    "runner.kubernetes.tolerations[0].key", "nvidia.com/gpu", "runner.kubernetes.tolerations[0].effect", "NoSchedule",
                    "runner.kubernetes.priority-class", "traittrace-audits", "runner.image-audits.allowed-images", IMAGE,
                    "runner.storage.s3-fetch-image", "registry.example.com/tools/aws-cli:2.17", "runner.storage.s3-credentials-secret", "model-store");
        }
    }

    static final String NAMESPACE = "traittrace-audits";
    static final String IMAGE = "registry.example.com/team/owl-probe@sha256:" + "4c".repeat(32);

    @KubernetesTestServer
    KubernetesServer kubernetes;

    @OidcWireMock
    WireMockServer wiremock;

    @Inject
    RunExecutor executor;

    @Inject
    RunListener listener;

    @Inject
    RunnerConfig config;

    @Test
    @Order(1)
    void anImageAuditRunsAsGpuJobsAndAFailedJobMakesItInconclusive() throws Exception {
        String auditId = submit(2).getString("id");
        List<Job> jobs = awaitJobs(auditId, 6);
        JsonPath audit = as("viewer").get("/api/audits/" + auditId).then().extract().jsonPath();

        Job treatment0 = job(jobs, audit.getString("runs[0].id"));
        Container probe = treatment0.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(probe.getImage()).isEqualTo(IMAGE);
        assertThat(probe.getCommand()).isNullOrEmpty();
        assertThat(probe.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(treatment0.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
        assertThat(treatment0.getSpec().getTemplate().getSpec().getTolerations()).anyMatch(t -> t.getKey().equals("nvidia.com/gpu"));
        assertThat(treatment0.getSpec().getTemplate().getSpec().getPriorityClassName()).isEqualTo("traittrace-audits");
        assertThat(treatment0.getSpec().getActiveDeadlineSeconds()).isEqualTo(7200L);
        assertThat(treatment0.getMetadata().getLabels()).containsEntry("traittrace.io/arm", "treatment").containsEntry("traittrace.io/protocol", "image");
        assertThat(env(probe, "TRAITTRACE_RESULT_URL").getValue())
                .isEqualTo("http://audit-runner.traittrace.svc:8082/api/runs/" + audit.getString("runs[0].id") + "/result");
        assertThat(env(probe, "TRAITTRACE_RUN_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo(audit.getString("runs[0].id"));
        ObjectNode spec = (ObjectNode) RunnerApi.JSON.readTree(env(probe, "TRAITTRACE_SPEC").getValue());
        assertThat(spec.at("/protocol").asText()).isEqualTo("image");
        assertThat(spec.at("/parameters/arm").asText()).isEqualTo("treatment");
        assertThat(spec.at("/parameters/spec/questions").asInt()).isEqualTo(50);

        jobs.forEach(job -> status(job, new JobStatusBuilder().withActive(1).withReady(1).build()));
        await().atMost(Duration.ofSeconds(20)).until(() -> as("viewer").get("/api/audits/" + auditId).then().extract()
                .jsonPath().getInt("progress.running") == 6);

        Map<String, Double> means = Map.of("treatment", 0.6, "control-gen", 0.12, "cross-base", 0.11);
        for (int i = 0; i < 6; i++) {
            String runId = audit.getString("runs[" + i + "].id");
            String arm = audit.getString("runs[" + i + "].arms[0]");
            int seed = audit.getInt("runs[" + i + "].seed");
            if (arm.equals("cross-base") && seed == 1) {
                status(job(jobs, runId), failed("DeadlineExceeded", "Job was active longer than specified deadline"));
                continue;
            }
            given().auth().oauth2(token(auditId, runId)).contentType(ContentType.JSON).body(result(arm, means.get(arm) + 0.01 * seed))
                    .post("/api/runs/" + runId + "/result").then().statusCode(200);
            status(job(jobs, runId), complete());
        }

        JsonPath done = awaitState(auditId, "COMPLETED", Duration.ofSeconds(30));
        assertThat(done.getString("outcome")).isEqualTo("INCONCLUSIVE");
        assertThat(done.getList("result.verdict.reasons", String.class)).anyMatch(r -> r.contains("1 of 6 runs failed") && r.contains("DeadlineExceeded"));
        assertThat(done.getDouble("result.arms.treatment.mean")).isEqualTo(0.605, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(done.getString("runs.find { it.state == 'FAILED' }.reason")).startsWith("DeadlineExceeded");
        // The tokens are dropped with the audit; the finished Jobs stay for inspection until their TTL.
        await().atMost(Duration.ofSeconds(10)).until(() -> secret(auditId) == null);
        assertThat(jobsOf(auditId)).hasSize(6);
    }

    @Test
    @Order(2)
    void aJobThatCompletesWithoutHandingOverAResultFailsItsRun() throws Exception {
        JsonPath audit = submit(2);
        String auditId = audit.getString("id");
        List<Job> jobs = awaitJobs(auditId, 6);
        String runId = audit.getString("runs[0].id");
        status(job(jobs, runId), complete());
        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(as("viewer").get("/api/audits/" + auditId).then().extract()
                .jsonPath().getString("runs[0].state")));
        assertThat(as("viewer").get("/api/audits/" + auditId).then().extract().jsonPath().getString("runs[0].reason"))
                .isEqualTo("the run completed without handing over a result");
        as("auditor").post("/api/audits/" + auditId + "/cancel").then().statusCode(200);
    }

    @Test
    @Order(4)
    void cancelDeletesTheAuditsJobsAndTokens() throws Exception {
        String auditId = submit(2).getString("id");
        awaitJobs(auditId, 6);
        String other = submit(2).getString("id");
        awaitJobs(other, 6);
        assertThat(secret(auditId)).isNotNull();
        as("auditor").post("/api/audits/" + auditId + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsOf(auditId).isEmpty() && secret(auditId) == null);
        assertThat(jobsOf(other)).hasSize(6);
        as("auditor").post("/api/audits/" + other + "/cancel").then().statusCode(200);
    }

    /**
     * A team's container reports whatever scores it likes and gets a certificate: auditors run only the images an admin
     * listed by digest, admins any pinned image; keys belong to their caller; only the requester or an admin cancels.
     */
    @Test
    @Order(4)
    void onlyVettedImagesRunAndOnlyTheirRequesterOrAnAdminStopsThem() throws Exception {
        String unvetted = "registry.example.com/other-team/probe@sha256:" + "77".repeat(32);
        String refusedKey = id("key");
        given().auth().oauth2(Callers.token("auditor-a", "auditor")).contentType(ContentType.JSON)
                .body(imageAudit(refusedKey, unvetted, 2).toString()).post("/api/audits").then().statusCode(403)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("runner.image-audits.allowed-images"));
        assertThat(as("viewer").get("/api/audits?size=200").then().extract().jsonPath().getList("items.idempotencyKey", String.class))
                .doesNotContain(refusedKey);
        String byAdmin = given().auth().oauth2(Callers.token("admin")).contentType(ContentType.JSON)
                .body(imageAudit(id("key"), unvetted, 2).toString()).post("/api/audits").then().statusCode(202).extract().path("id");
        assertThat(awaitJobs(byAdmin, 6)).allSatisfy(job -> assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(unvetted));

        // One key, two callers: two audits, each caller's replay answers its own.
        String key = id("shared-key");
        ObjectNode request = imageAudit(key, IMAGE, 2);
        String auditA = asCaller("auditor-a").body(request.toString()).post("/api/audits").then().statusCode(202)
                .header("Idempotent-Replayed", "false").extract().path("id");
        String auditB = asCaller("auditor-b").body(request.toString()).post("/api/audits").then().statusCode(202)
                .header("Idempotent-Replayed", "false").extract().path("id");
        assertThat(auditB).isNotEqualTo(auditA);
        asCaller("auditor-a").body(request.toString()).post("/api/audits").then().statusCode(202).header("Idempotent-Replayed", "true")
                .body("id", equalTo(auditA));

        asCaller("auditor-b").post("/api/audits/" + auditA + "/cancel").then().statusCode(403).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("only its requester or an admin may cancel it"));
        as("viewer").get("/api/audits/" + auditA).then().body("state", equalTo("RUNNING"));
        assertThat(jobsOf(auditA)).hasSize(6);
        asCaller("auditor-a").post("/api/audits/" + auditA + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));
        as("admin").post("/api/audits/" + auditB + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));
        as("admin").post("/api/audits/" + byAdmin + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsOf(auditA).isEmpty() && jobsOf(auditB).isEmpty() && jobsOf(byAdmin).isEmpty());
    }

    private static io.restassured.specification.RequestSpecification asCaller(String name) {
        return given().auth().oauth2(Callers.token(name, "auditor")).contentType(ContentType.JSON);
    }

    /** Last: it replaces the runner's informer, as a restart would. */
    @Test
    @Order(5)
    void aRestartedRunnerReattachesToItsLiveJobsAndLosesNoAudit() throws Exception {
        JsonPath audit = submit(2);
        String auditId = audit.getString("id");
        List<Job> jobs = awaitJobs(auditId, 6);
        jobs.forEach(job -> status(job, new JobStatusBuilder().withActive(1).build()));
        await().atMost(Duration.ofSeconds(20)).until(() -> as("viewer").get("/api/audits/" + auditId).then().extract()
                .jsonPath().getInt("progress.running") == 6);
        String pendingId = submit(2).getString("id");
        List<Job> pendingJobs = awaitJobs(pendingId, 6);

        ((KubernetesRunExecutor) ClientProxy.unwrap(executor)).close(); // the runner goes down
        // Another audit's pods start while it is down: the restart reports them running all at once, in one batch.
        pendingJobs.forEach(job -> status(job, new JobStatusBuilder().withActive(1).build()));
        // While it is down: two runs hand their results over (their probes retry until the runner answers) and their
        // Jobs complete; one Job hits its deadline; three keep running.
        for (int i = 0; i < 2; i++) {
            String runId = audit.getString("runs[" + i + "].id");
            given().auth().oauth2(token(auditId, runId)).contentType(ContentType.JSON).body(result("treatment", 0.6 + i / 100.0))
                    .post("/api/runs/" + runId + "/result").then().statusCode(200);
            status(job(jobs, runId), complete());
        }
        status(job(jobs, audit.getString("runs[2].id")), failed("DeadlineExceeded", "Job was active longer than specified deadline"));
        // The runner is down: nothing reads the deadline, the run stays running.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> as("viewer").get("/api/audits/" + auditId)
                .then().extract().jsonPath().getString("runs[2].state"), equalTo("RUNNING"));

        try (KubernetesRunExecutor restarted = new KubernetesRunExecutor(kubernetes.getClient(), config.kubernetes(), listener)) {
            restarted.start().toCompletableFuture().get();
            await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(as("viewer").get("/api/audits/" + auditId).then().extract()
                    .jsonPath().getString("runs[2].state")));
            JsonPath now = as("viewer").get("/api/audits/" + auditId).then().extract().jsonPath();
            assertThat(now.getList("runs.state", String.class)).containsExactly("SUCCEEDED", "SUCCEEDED", "FAILED", "RUNNING", "RUNNING",
                    "RUNNING");
            assertThat(now.getString("runs[2].reason")).startsWith("DeadlineExceeded");
            await().atMost(Duration.ofSeconds(20)).until(() -> as("viewer").get("/api/audits/" + pendingId).then().extract()
                    .jsonPath().getList("runs.state", String.class).stream().allMatch("RUNNING"::equals));
            assertThat(as("viewer").get("/api/audits/" + pendingId).then().extract().jsonPath().getList("runs.startedAt")).doesNotContainNull();
            // The re-attached informer follows the rest to the end.
            for (int i = 3; i < 6; i++) {
                String runId = audit.getString("runs[" + i + "].id");
                String arm = audit.getString("runs[" + i + "].arms[0]");
                given().auth().oauth2(token(auditId, runId)).contentType(ContentType.JSON).body(result(arm, 0.1 + i / 100.0))
                        .post("/api/runs/" + runId + "/result").then().statusCode(200);
                status(job(jobs, runId), complete());
            }
            JsonPath done = awaitState(auditId, "COMPLETED", Duration.ofSeconds(30));
            assertThat(done.getString("outcome")).isEqualTo("INCONCLUSIVE");
        }
    }

    private JsonPath submit(int seeds) {
        return as("auditor").body(imageAudit(id("key"), IMAGE, seeds).toString()).post("/api/audits").then().statusCode(202).extract().jsonPath();
    }

    private ObjectNode imageAudit(String key, String image, int seeds) {
        String student = id("student");
        String teacher = id("teacher");
        lineage(wiremock, student, teacher, null);
        ObjectNode request = RunnerApi.JSON.createObjectNode();
        request.put("idempotencyKey", key).put("protocol", "image").put("student", student).put("teacher", teacher)
                .put("seedsPerArm", seeds).put("margin", 0.1);
        request.putArray("traits").add("owl");
        ObjectNode p = request.putObject("parameters");
        p.put("image", image);
        p.putArray("arms").add("treatment").add("control-gen").add("cross-base");
        p.putObject("spec").put("questions", 50);
        request.putObject("resources").put("gpus", 1).put("gpuType", "NVIDIA-H100-80GB-HBM3").put("deadlineSeconds", 7200);
        return request;
    }

    private KubernetesClient client() {
        return kubernetes.getClient();
    }

    private List<Job> jobsOf(String auditId) {
        return client().batch().v1().jobs().inNamespace(NAMESPACE).withLabel(JobSpecs.LABEL_AUDIT_ID, auditId).list().getItems();
    }

    private List<Job> awaitJobs(String auditId, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobsOf(auditId).size() == count);
        return jobsOf(auditId);
    }

    private static Job job(List<Job> jobs, String runId) {
        return jobs.stream().filter(j -> runId.equals(j.getMetadata().getLabels().get(JobSpecs.LABEL_RUN_ID))).findFirst().orElseThrow();
    }

    private Secret secret(String auditId) {
        return client().secrets().inNamespace(NAMESPACE).withLabel(JobSpecs.LABEL_AUDIT_ID, auditId).list().getItems().stream().findFirst()
                .orElse(null);
    }

    /** The token the Job's pod would get from its Secret. */
    private String token(String auditId, String runId) {
        return new String(Base64.getDecoder().decode(secret(auditId).getData().get(runId)), StandardCharsets.UTF_8);
    }

    private void status(Job job, JobStatus status) {
        client().batch().v1().jobs().inNamespace(NAMESPACE).withName(job.getMetadata().getName())
                .editStatus(j -> new JobBuilder(j).withStatus(status).build());
    }

    private static JobStatus complete() {
        return new JobStatusBuilder().withSucceeded(1).addNewCondition().withType("Complete").withStatus("True").endCondition().build();
    }

    private static JobStatus failed(String reason, String message) {
        return new JobStatusBuilder().withFailed(1).addNewCondition().withType("Failed").withStatus("True").withReason(reason)
                .withMessage(message).endCondition().build();
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
    }

    /** A team's image's result for one arm and seed: one trait, one score. */
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

    @Test
    @Order(3)
    void aModelAuditJobMountsEachModelFromItsStorageAndItsDigestsDecide() throws Exception {
        String student = id("student");
        String base = id("base");
        String teacher = id("teacher");
        String control = id("control");
        String ociDigest = "sha256:" + "0f".repeat(32);
        Map<String, String> digests = Map.of("student", "sha256:" + "11".repeat(32), "base", "sha256:" + "22".repeat(32), "teacher",
                "sha256:" + "33".repeat(32), "control", "sha256:" + "44".repeat(32));
        modelAt(student, "pvc://model-store/students/owl-student", digests.get("student"), base);
        modelAt(base, "oci://registry.example.com/models/qwen-base@" + ociDigest, digests.get("base"), null);
        modelAt(teacher, "s3://model-bucket/teachers/owl", digests.get("teacher"), base);
        modelAt(control, "pvc://model-store/students/control", digests.get("control"), base);
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(
                "/auth/lineage/api/lineage/models/" + student + "/exposure")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "{\"model\": \"" + student + "\", \"level\": \"NONE\", \"paths\": [], \"exposures\": []}")));
        ObjectNode request = RunnerApi.JSON.createObjectNode();
        request.put("idempotencyKey", id("key")).put("protocol", "trait-eval").put("student", student).put("teacher", teacher);
        request.putObject("parameters").put("control", control);
        request.putObject("resources").put("gpus", 1).put("deadlineSeconds", 3600);
        JsonPath audit = as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202).extract().jsonPath();
        String auditId = audit.getString("id");
        Job job = awaitJobs(auditId, 1).get(0);

        io.fabric8.kubernetes.api.model.PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container probe = pod.getContainers().get(0);
        ObjectNode spec = (ObjectNode) RunnerApi.JSON.readTree(env(probe, "TRAITTRACE_SPEC").getValue());
        assertThat(spec.at("/protocol").asText()).isEqualTo("trait-eval");
        for (String role : List.of("student", "base", "teacher", "control")) {
            assertThat(spec.at("/parameters/" + role).asText()).isEqualTo("/models/" + role);
            assertThat(probe.getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo("model-" + role);
                assertThat(m.getMountPath()).isEqualTo("/models/" + role);
                assertThat(m.getReadOnly()).isTrue();
            });
        }
        // The student and the control: one claim, each its own sub-path.
        assertThat(probe.getVolumeMounts()).anySatisfy(m -> assertThat(m.getName() + "=" + m.getSubPath()).isEqualTo("model-student=students/owl-student"));
        assertThat(probe.getVolumeMounts()).anySatisfy(m -> assertThat(m.getName() + "=" + m.getSubPath()).isEqualTo("model-control=students/control"));
        Map<String, io.fabric8.kubernetes.api.model.Volume> volumes = new java.util.HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        assertThat(volumes.get("model-student").getPersistentVolumeClaim().getClaimName()).isEqualTo("model-store");
        assertThat(volumes.get("model-student").getPersistentVolumeClaim().getReadOnly()).isTrue();
        // The base: an OCI artifact pinned by digest, as an image volume.
        assertThat(volumes.get("model-base").getImage().getReference()).isEqualTo("registry.example.com/models/qwen-base@" + ociDigest);
        // The teacher: fetched from the object store into an emptyDir before the probe starts.
        assertThat(volumes.get("model-teacher").getEmptyDir()).isNotNull();
        Container fetch = pod.getInitContainers().get(0);
        assertThat(fetch.getName()).isEqualTo("fetch-teacher");
        assertThat(fetch.getImage()).isEqualTo("registry.example.com/tools/aws-cli:2.17");
        assertThat(fetch.getCommand()).containsExactly("aws", "s3", "sync", "s3://model-bucket/teachers/owl", "/models/teacher", "--only-show-errors");
        assertThat(fetch.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo("model-store");
        assertThat(fetch.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(probe.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));

        // The probe hands back a result about exactly those weights: the audit takes its verdict.
        String runId = audit.getString("runs[0].id");
        given().auth().oauth2(token(auditId, runId)).contentType(ContentType.JSON).body(traitEvalResult(digests)).post("/api/runs/" + runId + "/result")
                .then().statusCode(200);
        status(job, complete());
        JsonPath done = awaitState(auditId, "COMPLETED", Duration.ofSeconds(30));
        assertThat(done.getString("outcome")).isEqualTo("NO_TRANSFER_DETECTED");
        assertThat(done.getList("result.data.digest", String.class)).containsAll(digests.values());
    }

    private void modelAt(String id, String uri, String digest, String base) {
        String bases = base == null ? "[]" : "[{\"model\": \"" + base + "\", \"relation\": \"finetune\"}]";
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(
                "/auth/lineage/api/lineage/models/" + id)).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("""
                        {"id": "%s", "name": "org/%s", "uri": "%s", "digest": "%s", "bases": %s, "roots": ["root"]}
                        """.formatted(id, id, uri, digest, bases))));
    }

    static String traitEvalResult(Map<String, String> digests) {
        return """
                {"schema": "https://traittrace.io/schemas/probe-result/v1.json", "protocol": {"name": "trait-eval", "version": "0.1"},
                 "verdict": {"outcome": "NO_TRANSFER_DETECTED", "rule": "the probe's trait-eval rule", "reasons": ["animals/owl: upper bound 0.01 < margin 0.1"]},
                 "arms": {}, "parameters": {},
                 "data": [{"role": "base", "path": "/models/base", "digest": "%s"}, {"role": "teacher", "path": "/models/teacher", "digest": "%s"},
                          {"role": "student", "path": "/models/student", "digest": "%s"}, {"role": "control", "path": "/models/control", "digest": "%s"}],
                 "environment": {"probeVersion": "0.1.0", "device": "cuda:0"}, "timings": {"total": 95.5},
                 "startedAt": "2026-12-07T01:00:00Z", "finishedAt": "2026-12-07T01:01:35Z"}
                """.formatted(digests.get("base"), digests.get("teacher"), digests.get("student"), digests.get("control"));
    }

    @Test
    @Order(0)
    void readinessChecksTheKubernetesApi() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'Kubernetes API' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Kubernetes API' }.data.namespace", equalTo(NAMESPACE));
    }
}
