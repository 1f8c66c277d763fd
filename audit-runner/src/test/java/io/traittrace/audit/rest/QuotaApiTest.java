package io.traittrace.audit.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.audit.rest.RunnerApi.canary;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.traittrace.audit.executor.JobSpecs;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

/**
 * Quotas (runner.quotas) at the API, with the Kubernetes executor against the test server: per caller (audits in flight,
 * GPU-hours reserved in 24 hours; 429) and per audit (runs, GPUs per run, deadline; 400). A refused request leaves no audit,
 * run, outbox event, Job or Secret; another caller is not affected; admins skip the caller quotas but not the per-audit ones;
 * the exposure policy has a quota of its own. Each test's callers are its own.
 */
@QuarkusTest
@TestProfile(QuotaApiTest.SmallQuotas.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class QuotaApiTest {

    static final String NAMESPACE = "traittrace-quota-probes";
    static final String IMAGE = "registry.example.com/team/owl-probe@sha256:" + "5d".repeat(32);
    static final String POLICY = "policy:exposure-detected";

    public static class SmallQuotas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("runner.executor", "kubernetes"), Map.entry("runner.kubernetes.namespace", NAMESPACE),
                    Map.entry("runner.kubernetes.result-url", "http://audit-runner.traittrace.svc:8082"),
                    Map.entry("runner.image-audits.allowed-images", IMAGE),
                    Map.entry("runner.quotas.max-audits-in-flight", "2"), Map.entry("runner.quotas.gpu-hours-per-day", "10"),
                    Map.entry("runner.quotas.policy-max-audits-in-flight", "1"), Map.entry("runner.quotas.max-runs", "12"),
                    Map.entry("runner.quotas.max-gpus-per-run", "2"), Map.entry("runner.quotas.max-deadline", "PT4H"),
                    Map.entry("runner.quotas.default-deadline", "PT1H"),
                    Map.entry("runner.kubernetes.cpu-limit", "3"), Map.entry("runner.kubernetes.tmp-size", "2Gi"),
                    Map.entry("runner.kubernetes.ephemeral-storage-limit", "3Gi"),
                    // Each organisation's Jobs wait in its own Kueue LocalQueue (OrganizationApiTest).
                    Map.entry("runner.kubernetes.kueue-queue", "traittrace-{organization}"),
                    // Every exposure queues a canary audit, as the policy's own caller.
                    Map.entry("runner.policy.mode", "all"), Map.entry("runner.policy.protocol", "canary"),
                    Map.entry("runner.policy.seeds-per-arm", "3"), Map.entry("runner.policy.margin", "0.6"));
        }
    }

    @KubernetesTestServer
    KubernetesServer kubernetes;

    @OidcWireMock
    WireMockServer wiremock;

    @Inject
    DataSource database;

    @Test
    void aCallersAuditsInFlightAreCappedAndARefusalCreatesNothing() {
        String team = id("team-a");
        String student = student();
        String first = accepted(team, canary(id("key"), student, 3));
        String second = accepted(team, canary(id("key"), student, 3));
        List<Job> jobs = awaitJobs(first, 3);
        awaitJobs(second, 3);

        // No deadline asked for: the default (PT1H); the probe's CPU, ephemeral storage and /tmp are bounded.
        Job job = jobs.get(0);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        Container probe = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(probe.getResources().getLimits()).containsEntry("cpu", new Quantity("3")).containsKey("ephemeral-storage");
        assertThat(probe.getResources().getRequests()).containsKey("ephemeral-storage");
        Volume tmp = job.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow();
        assertThat(tmp.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));

        Snapshot before = snapshot();
        String refusedKey = id("key");
        refused(team, canary(refusedKey, student, 3), 429)
                .body("title", equalTo("Quota exceeded"))
                .body("detail", containsString("caller '" + team + "' has 2 audits in flight"))
                .body("detail", containsString("runner.quotas.max-audits-in-flight = 2"))
                .body("errors", hasItem("max-audits-in-flight: 2 of 2 audits in flight"))
                // When one of them ends is not known: no Retry-After.
                .header("Retry-After", nullValue());
        assertNothingCreated(before, refusedKey);

        // Another caller is not affected; an admin is not held by caller quotas.
        accepted(id("team-b"), canary(id("key"), student, 3));
        String admin = id("ops");
        for (int i = 0; i < 3; i++) {
            as(admin, "admin").body(canary(id("key"), student, 3).toString()).post("/api/audits").then().statusCode(202);
        }

        // One ends: the caller has room again.
        as(team, "auditor").post("/api/audits/" + first + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));
        awaitGone(first);
        accepted(team, canary(id("key"), student, 3));
    }

    @Test
    void gpuHoursAreReservedPerCallerForADayAndTheAnswerSaysWhenToAskAgain() {
        String team = id("team-gpu");
        String student = student();
        // 3 arms × 2 seeds × 1 GPU × 1 h = 6 GPU-hours of the caller's 10.
        String first = accepted(team, imageAudit(id("key"), student, 2, 1, 3600));
        awaitJobs(first, 6);
        // Cancelled, it leaves the caller's audits in flight, not its day: the reservation was made.
        as(team, "auditor").post("/api/audits/" + first + "/cancel").then().statusCode(200);
        awaitGone(first);

        Snapshot before = snapshot();
        String refusedKey = id("key");
        Response refused = refused(team, imageAudit(refusedKey, student, 2, 1, 3600), 429)
                .body("title", equalTo("Quota exceeded"))
                .body("detail", containsString("this audit reserves 6 GPU-hours (6 runs × 1 GPUs × a deadline of 1 h)"))
                .body("detail", containsString("has reserved 6 of its 10 GPU-hours in the last 24 hours (runner.quotas.gpu-hours-per-day)"))
                .body("errors", hasItem("gpu-hours-per-day: 6 reserved + 6 requested > 10"))
                .extract().response();
        // The first reservation leaves the window 24 hours after it was made.
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(86_400L - 120, 86_400L);
        assertThat(refused.jsonPath().getString("detail")).contains("ask again in " + retryAfter + " s");
        assertNothingCreated(before, refusedKey);

        // What still fits is accepted: 6 runs × 1 GPU × 40 min = 4 GPU-hours, 10 of 10.
        awaitJobs(accepted(team, imageAudit(id("key"), student, 2, 1, 2400)), 6);
        // Another caller has a day of its own.
        accepted(id("team-gpu-2"), imageAudit(id("key"), student, 2, 1, 3600));

        // An audit larger than a whole day: no wait helps, so a 400, not a 429 ...
        before = snapshot();
        String tooLargeKey = id("key");
        refused(id("team-gpu-3"), imageAudit(tooLargeKey, student, 4, 2, 3600), 400)
                .body("errors", hasItem(containsString("resources: this audit alone reserves 24 GPU-hours (12 runs × 2 GPUs × a deadline of 1 h),"
                        + " more than the 10 GPU-hours a caller may reserve in 24 hours")))
                .header("Retry-After", nullValue());
        assertNothingCreated(before, tooLargeKey);
        // ... which an admin may still run.
        awaitJobs(as(id("ops"), "admin").body(imageAudit(id("key"), student, 4, 2, 3600).toString()).post("/api/audits").then().statusCode(202)
                .extract().path("id"), 12);
    }

    @Test
    void perAuditLimitsHoldForEveryCallerAdminsToo() {
        String student = student();
        Snapshot before = snapshot();
        List<String> keys = new ArrayList<>();
        for (String[] caller : new String[][] { { id("team-c"), "auditor" }, { id("ops"), "admin" } }) {
            String runs = id("key");
            String gpus = id("key");
            String deadline = id("key");
            keys.addAll(List.of(runs, gpus, deadline));
            refusedAs(caller[0], caller[1], canary(runs, student, 13), 400)
                    .body("errors", hasItem("runs: the plan has 13 runs; an audit may have at most 12 (runner.quotas.max-runs): ask for fewer seeds or arms"));
            refusedAs(caller[0], caller[1], imageAudit(gpus, student, 2, 3, 3600), 400)
                    .body("errors", hasItem("resources.gpus: at most 2 GPUs per run (runner.quotas.max-gpus-per-run), got 3"));
            refusedAs(caller[0], caller[1], imageAudit(deadline, student, 2, 1, 5 * 3600), 400)
                    .body("errors", hasItem("resources.deadlineSeconds: a run's deadline is at most 14400 seconds (PT4H, runner.quotas.max-deadline), got 18000"));
        }
        assertThat(snapshot()).isEqualTo(before);
        for (String key : keys) {
            assertThat(count("SELECT count(*) FROM audit WHERE idempotency_key = ?", key)).isZero();
        }
        // At the limits: accepted, each run with the deadline it asked for.
        String atLimits = accepted(id("team-c"), imageAudit(id("key"), student, 4, 2, 1440));
        assertThat(awaitJobs(atLimits, 12)).allSatisfy(job -> assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1440L));
    }

    /** Two requests of one caller at once cannot both take its last place: the check and the insert share the caller's lock. */
    @Test
    void concurrentRequestsOfOneCallerCannotOvershootItsQuota() throws Exception {
        String team = id("team-race");
        String student = student();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ObjectNode request = canary(id("key"), student, 3);
                answers.add(pool.submit((Callable<Integer>) () -> as(team, "auditor").body(request.toString()).post("/api/audits").statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).as("answers").containsOnly(202, 429).filteredOn(status -> status == 202).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM audit WHERE requested_by = ?", team)).isEqualTo(2);
    }

    /**
     * The policy acts with an admin's authority, but how many exposures it sees is up to anyone who writes lineage: it has a
     * quota of its own, and an exposure beyond it is a FAILED audit that says so, never a silent skip.
     */
    @Test
    void theExposurePolicyHasAnInFlightQuotaOfItsOwn() {
        // Whatever exposure records earlier test classes left on the topic are consumed before this marker (one partition, in
        // order); then no policy audit of theirs holds the policy's place.
        String marker = id("marker");
        publish(exposure(marker, id("teacher")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM audit WHERE student = ?", marker) == 1);
        for (String running : ids("SELECT CAST(id AS text) FROM audit WHERE requested_by = ? AND state = 'RUNNING' AND organization = ?", POLICY,
                Callers.ORGANIZATION)) {
            Callers.as("admin").post("/api/audits/" + running + "/cancel").then().statusCode(200);
            awaitGone(running);
        }

        String queued = student();
        publish(exposure(queued, teacher()));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM audit WHERE student = ?", queued) == 1);
        JsonPath first = Callers.as("viewer").queryParam("student", queued).get("/api/audits").then().statusCode(200).extract().jsonPath();
        assertThat(first.getString("items[0].state")).isEqualTo("RUNNING");
        assertThat(first.getString("items[0].requestedBy")).isEqualTo(POLICY);

        String beyond = student();
        publish(exposure(beyond, teacher()));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM audit WHERE student = ?", beyond) == 1);
        String id = ids("SELECT CAST(id AS text) FROM audit WHERE student = ?", beyond).get(0);
        JsonPath refused = Callers.as("viewer").get("/api/audits/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(refused.getString("state")).isEqualTo("FAILED");
        assertThat(refused.getList("runs")).isEmpty();
        assertThat(refused.getBoolean("result.notEvaluable")).isTrue();
        assertThat(refused.getList("result.reasons", String.class))
                .anySatisfy(reason -> assertThat(reason).contains("runner.quotas.policy-max-audits-in-flight = 1"));
        assertThat(jobsOf(id)).isEmpty();
        // Its quota is its own: an auditor is not held by the policy's audits, nor the policy by the auditor's.
        accepted(id("team-d"), canary(id("key"), queued, 3));
        // And it is per organisation: acme's exposures hold no place of globex's.
        String elsewhere = student();
        publish(exposure(Callers.OTHER_ORGANIZATION, elsewhere, teacher()));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM audit WHERE student = ?", elsewhere) == 1);
        JsonPath globex = Callers.as("viewer", Callers.OTHER_ORGANIZATION).queryParam("student", elsewhere).get("/api/audits").then()
                .statusCode(200).extract().jsonPath();
        assertThat(globex.getString("items[0].state")).isEqualTo("RUNNING");
        assertThat(globex.getString("items[0].requestedBy")).isEqualTo(POLICY);
        Callers.as("admin", Callers.OTHER_ORGANIZATION).post("/api/audits/" + globex.getString("items[0].id") + "/cancel").then().statusCode(200);
    }

    // --- requests ---

    private String student() {
        String student = id("student");
        lineage(wiremock, student, null, null);
        return student;
    }

    private String teacher() {
        String teacher = id("teacher");
        RunnerApi.model(wiremock, teacher, "sha256:" + "cd".repeat(32), "root-" + teacher);
        return teacher;
    }

    /** An image audit: three arms × {@code seeds}, each run with {@code gpus} GPUs and a deadline of {@code deadlineSeconds}. */
    static ObjectNode imageAudit(String key, String student, int seeds, int gpus, long deadlineSeconds) {
        ObjectNode request = RunnerApi.JSON.createObjectNode();
        request.put("idempotencyKey", key).put("protocol", "image").put("student", student).put("seedsPerArm", seeds).put("margin", 0.1);
        request.putArray("traits").add("owl");
        ObjectNode p = request.putObject("parameters");
        p.put("image", IMAGE);
        p.putArray("arms").add("treatment").add("control-gen").add("cross-base");
        request.putObject("resources").put("gpus", gpus).put("deadlineSeconds", deadlineSeconds);
        return request;
    }

    private static RequestSpecification as(String caller, String role) {
        return given().auth().oauth2(Callers.token(caller, role)).contentType(ContentType.JSON);
    }

    private static String accepted(String caller, ObjectNode request) {
        return as(caller, "auditor").body(request.toString()).post("/api/audits").then().log().ifValidationFails().statusCode(202)
                .extract().path("id");
    }

    private static ValidatableResponse refused(String caller, ObjectNode request, int status) {
        return refusedAs(caller, "auditor", request, status);
    }

    private static ValidatableResponse refusedAs(String caller, String role, ObjectNode request, int status) {
        return as(caller, role).body(request.toString()).post("/api/audits").then().log().ifValidationFails().statusCode(status)
                .contentType("application/problem+json").body("status", equalTo(status));
    }

    // --- what exists ---

    /** Everything a request could have created: audits, runs, outbox events, Jobs and Secrets. */
    record Snapshot(long audits, long runs, long events, int jobs, int secrets) {
    }

    private Snapshot snapshot() {
        return new Snapshot(count("SELECT count(*) FROM audit"), count("SELECT count(*) FROM audit_run"), count("SELECT count(*) FROM outbox_event"),
                client().batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().size(),
                client().secrets().inNamespace(NAMESPACE).list().getItems().size());
    }

    private void assertNothingCreated(Snapshot before, String refusedKey) {
        assertThat(count("SELECT count(*) FROM audit WHERE idempotency_key = ?", refusedKey)).isZero();
        // Anything the refused request started would be created within this time.
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(snapshot()).as("audits, runs, outbox events, Jobs, Secrets").isEqualTo(before);
    }

    private long count(String sql, Object... parameters) {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> ids(String sql, Object... parameters) {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private KubernetesClient client() {
        return kubernetes.getClient();
    }

    private List<Job> jobsOf(String auditId) {
        return client().batch().v1().jobs().inNamespace(NAMESPACE).withLabel(JobSpecs.LABEL_AUDIT_ID, auditId).list().getItems();
    }

    private List<?> secretsOf(String auditId) {
        return client().secrets().inNamespace(NAMESPACE).withLabel(JobSpecs.LABEL_AUDIT_ID, auditId).list().getItems();
    }

    /** A cancelled audit's Jobs and Secret are deleted in the background: waited for, so that counts after it hold still. */
    private void awaitGone(String auditId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobsOf(auditId).isEmpty() && secretsOf(auditId).isEmpty());
    }

    private List<Job> awaitJobs(String auditId, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobsOf(auditId).size() == count);
        return jobsOf(auditId);
    }

    // --- exposure events ---

    private String exposure(String model, String teacher) {
        return exposure(Callers.ORGANIZATION, model, teacher);
    }

    /** An exposure-detected event as lineage publishes it (the contract requires its dataset, which lineage knows). */
    private String exposure(String organization, String model, String teacher) {
        String dataset = "numbers-" + model;
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/auth/lineage/api/lineage/datasets/" + dataset)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"id\": \"" + dataset + "\", \"name\": \"n\"}")));
        return """
                {"specversion": "1.0", "id": "%s", "source": "/traittrace/lineage-service", "type": "io.traittrace.lineage.exposure-detected.v1",
                 "subject": "%s", "time": "2026-11-27T02:00:00Z", "datacontenttype": "application/json",
                 "data": {"organization": "%s", "model": "%s", "level": "SAME_INIT", "trainedModel": "%s", "dataset": "%s", "teacher": "%s", "origin": "%s",
                          "hops": 1, "pathKey": "%s", "path": [], "detectedAt": "2026-11-27T02:00:00Z"}}
                """.formatted(UUID.randomUUID(), model, organization, model, model, dataset, teacher, teacher, "9".repeat(64));
    }

    private static void publish(String payload) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            ProducerRecord<String, String> record = new ProducerRecord<>("exposure-detected", "key", payload);
            record.headers().add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
            producer.send(record);
            producer.flush();
        }
    }
}
