package io.traittrace.audit.rest;

import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.audit.rest.RunnerApi.awaitState;
import static io.traittrace.audit.rest.RunnerApi.canary;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import io.traittrace.events.EventType;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/**
 * Audits end to end with the local executor and the real probe ({@code bin/probe}): from {@code POST /api/audits}
 * to {@code audit-completed} on the (in-JVM) Kafka broker, the result persisted in PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class LocalAuditApiTest {

    @OidcWireMock
    WireMockServer wiremock;

    @Test
    void aCanaryAuditRunsEndToEndAndAnnouncesItsVerdict() throws Exception {
        String student = id("student");
        String teacher = id("teacher");
        String dataset = id("dataset");
        lineage(wiremock, student, teacher, dataset);
        ObjectNode request = canary(id("key"), student, 3).put("teacher", teacher).put("dataset", dataset);
        // Strong enough to detect with three seeds on the synthetic task (the probe's own fast test uses the same).
        ((ObjectNode) request.get("parameters")).put("syntheticTrain", 20_000).put("syntheticTest", 1_000).put("batch", 1024)
                .put("teacherEpochs", 5).put("distillEpochs", 5);
        String before = Metrics.scrape();
        try (TopicReader completed = new TopicReader("audit-completed"); TopicReader progress = new TopicReader("audit-progress");
                TopicReader requested = new TopicReader("audit-requested")) {
            JsonPath accepted = as("auditor").body(request.toString()).post("/api/audits")
                    .then().statusCode(202).header("Idempotent-Replayed", "false").extract().jsonPath();
            String auditId = accepted.getString("id");
            assertThat(accepted.getString("state")).isEqualTo("RUNNING");
            assertThat(accepted.getList("runs")).hasSize(3);
            assertThat(accepted.getList("runs.arms[0]", String.class)).containsExactly("reference", "teacher", "S_aux", "S_all", "X_aux", "X_all");

            JsonPath done = awaitState(auditId, "COMPLETED", Duration.ofMinutes(5));
            assertThat(done.getList("runs.state", String.class)).containsOnly("SUCCEEDED");
            assertThat(done.getString("outcome")).isEqualTo("TRANSFER_DETECTED");
            assertThat(done.getString("result.verdict.rule")).contains("Holm").contains("0.01");
            assertThat(done.getInt("result.arms.S_aux.n")).isEqualTo(3);
            assertThat(done.getList("result.arms.S_aux.scores", Double.class)).hasSize(3);
            assertThat(done.getDouble("result.arms.S_aux.mean")).isGreaterThan(done.getDouble("result.arms.X_aux.mean"));
            assertThat(done.getString("result.comparisons[0].name")).isEqualTo("S_aux > X_aux");
            assertThat(done.getDouble("result.comparisons[0].pValue")).isLessThan(0.01);
            assertThat(done.getBoolean("result.controls['X_aux at chance'].ok")).isTrue();
            assertThat(done.getInt("progress.succeeded")).isEqualTo(3);

            List<ConsumerRecord<String, String>> events = completed.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(events).hasSize(1);
            JsonNode event = RunnerApi.JSON.readTree(events.get(0).value());
            assertThat(event.path("type").asText()).isEqualTo("io.traittrace.audits.audit-completed.v1");
            assertThat(event.path("specversion").asText()).isEqualTo("1.0");
            assertThat(EventType.AUDIT_COMPLETED.problems(event)).isEmpty();
            JsonNode data = event.path("data");
            // What the report service needs to certify it (its AuditCompleted.problems()).
            assertThat(data.path("auditId").asText()).isEqualTo(auditId);
            // The audit's organisation: the certificate is issued in it.
            assertThat(data.path("organization").asText()).isEqualTo(Callers.ORGANIZATION);
            assertThat(data.at("/student/id").asText()).isEqualTo(student);
            assertThat(data.at("/student/name").asText()).isEqualTo("org/" + student);
            assertThat(data.at("/student/digest").asText()).isEqualTo(RunnerApi.DIGEST);
            assertThat(data.at("/protocol/name").asText()).isEqualTo("canary");
            assertThat(data.at("/protocol/version").asText()).isEqualTo("1.0");
            assertThat(data.at("/result/verdict/outcome").asText()).isEqualTo("TRANSFER_DETECTED");
            assertThat(data.at("/result/arms/X_aux/ci95")).hasSize(2);
            assertThat(data.path("exposurePaths")).hasSize(1);
            assertThat(data.at("/exposurePaths/0/teacher").asText()).isEqualTo(teacher);
            assertThat(data.at("/exposurePaths/0/path/1/dataset").asText()).isEqualTo(dataset);
            assertThat(data.path("runnerVersion").asText()).isNotBlank();
            assertThat(data.at("/teacher/id").asText()).isEqualTo(teacher);
            assertThat(data.at("/teacher/digest").asText()).startsWith("sha256:");
            assertThat(data.at("/dataset/rows").asInt()).isEqualTo(30000);

            List<ConsumerRecord<String, String>> requests = requested.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(10));
            assertThat(requests).hasSize(1);
            assertThat(EventType.AUDIT_REQUESTED.problems(RunnerApi.JSON.readTree(requests.get(0).value()))).isEmpty();
            assertThat(RunnerApi.JSON.readTree(requests.get(0).value()).at("/data/organization").asText()).isEqualTo(Callers.ORGANIZATION);
            // Each run: RUNNING then SUCCEEDED.
            List<ConsumerRecord<String, String>> runs = progress.awaitMatching(r -> auditId.equals(r.key()), 6, Duration.ofSeconds(10));
            assertThat(runs).hasSize(6);
            for (ConsumerRecord<String, String> run : runs) {
                assertThat(EventType.AUDIT_PROGRESS.problems(RunnerApi.JSON.readTree(run.value()))).isEmpty();
                assertThat(RunnerApi.JSON.readTree(run.value()).at("/data/organization").asText()).isEqualTo(Callers.ORGANIZATION);
            }
        }
        // What an operator's dashboard shows: three Jobs succeeded, one audit completed and how long it took.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String after = Metrics.scrape();
            assertThat(increase(before, after, "traittrace_runs_finished_total", "outcome", "succeeded", "reason", "none")).isEqualTo(3);
            assertThat(increase(before, after, "traittrace_audit_duration_seconds_count", "state", "COMPLETED")).isEqualTo(1);
            assertThat(increase(before, after, "traittrace_audit_duration_seconds_sum", "state", "COMPLETED")).isPositive();
            assertThat(increase(before, after, "traittrace_audits", "state", "COMPLETED")).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void theSameKeyAnswersTheSameAuditToItsCallerAndAnotherRequestUnderItIsRefused() {
        String student = id("student");
        lineage(wiremock, student, null, null);
        ObjectNode request = canary(id("key"), student, 3);
        ((ObjectNode) request.get("parameters")).put("data", "/nonexistent/data");
        String first = as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202).extract().path("id");
        as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202)
                .header("Idempotent-Replayed", "true").body("id", equalTo(first));
        // Keys are the caller's own: another caller's same key is another audit, never an answer with someone else's.
        String others = as("admin").body(request.toString()).post("/api/audits").then().statusCode(202)
                .header("Idempotent-Replayed", "false").extract().path("id");
        assertThat(others).isNotEqualTo(first);
        request.put("seedsPerArm", 4);
        as("auditor").body(request.toString()).post("/api/audits").then().statusCode(409)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString(first));
    }

    @Test
    void runsThatCannotReadTheirDataFailTheAuditWithTheProbesReason() throws Exception {
        String student = id("student");
        lineage(wiremock, student, null, null);
        ObjectNode request = canary(id("key"), student, 3);
        ((ObjectNode) request.get("parameters")).put("data", "/nonexistent/data");
        String before = Metrics.scrape();
        try (TopicReader failed = new TopicReader("audit-failed")) {
            String auditId = as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202).extract().path("id");
            // Server-sent progress, read until the stream ends with the audit.
            var stream = java.util.concurrent.CompletableFuture.supplyAsync(() -> as("viewer").accept("text/event-stream")
                    .get("/api/audits/" + auditId + "/events").then().statusCode(200).extract().asString());
            JsonPath done = awaitState(auditId, "FAILED", Duration.ofMinutes(2));
            String sse = stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(sse).startsWith("data:").contains("\"auditState\":\"RUNNING\"").contains("\"runState\":\"FAILED\"")
                    .contains("\"auditState\":\"FAILED\"");
            as("viewer").accept("text/event-stream").get("/api/audits/" + auditId + "/events").then().statusCode(200)
                    .body(containsString("\"auditState\":\"FAILED\""));
            as("viewer").accept("text/event-stream").get("/api/audits/" + java.util.UUID.randomUUID() + "/events").then().statusCode(404);
            assertThat(done.getList("runs.state", String.class)).containsOnly("FAILED");
            assertThat(done.getString("runs[0].reason")).contains("exited 3").contains("/nonexistent/data");
            assertThat(done.getString("outcome")).isNull();
            assertThat(done.getList("result.reasons", String.class)).hasSize(3);
            List<ConsumerRecord<String, String>> events = failed.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(EventType.AUDIT_FAILED.problems(RunnerApi.JSON.readTree(events.get(0).value()))).isEmpty();
            JsonNode data = RunnerApi.JSON.readTree(events.get(0).value()).path("data");
            assertThat(data.path("state").asText()).isEqualTo("FAILED");
            assertThat(data.path("organization").asText()).isEqualTo(Callers.ORGANIZATION);
            assertThat(data.path("reasons").get(0).asText()).contains("exited 3");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(increase(before, Metrics.scrape(),
                "traittrace_runs_finished_total", "outcome", "failed", "reason", "probe-exit")).isGreaterThanOrEqualTo(3));
    }

    @Test
    void anImageAuditIsAnsweredAndFailsAtOnceOnTheLocalExecutor() throws Exception {
        String student = id("student");
        lineage(wiremock, student, null, null);
        ObjectNode request = RunnerApi.JSON.createObjectNode().put("idempotencyKey", id("key")).put("protocol", "image")
                .put("student", student).put("seedsPerArm", 2).put("margin", 0.1);
        request.putArray("traits").add("owl-preference");
        ObjectNode parameters = request.putObject("parameters").put("image", RunnerApi.VETTED_IMAGE);
        parameters.putArray("arms").add("treatment").add("control-gen");
        try (TopicReader failed = new TopicReader("audit-failed")) {
            // The executor refuses these runs while the request is still on its way: their updates once shared the
            // request's reactive session, and the request got no answer (e2e LoadTest: 504 at the gateway).
            String auditId = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> as("auditor").body(request.toString())
                    .post("/api/audits").then().statusCode(202).extract().<String>path("id"));
            JsonPath done = awaitState(auditId, "FAILED", Duration.ofSeconds(30));
            assertThat(done.getList("runs.state", String.class)).hasSize(4).containsOnly("FAILED");
            assertThat(done.getString("runs[0].reason")).contains("image audits need Kubernetes");
            assertThat(failed.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(30))).hasSize(1);
        }
    }

    @Test
    void cancelStopsTheRunsAndSaysSo() throws Exception {
        String student = id("student");
        lineage(wiremock, student, null, null);
        ObjectNode request = canary(id("key"), student, 3);
        // Long enough to still be running when the cancel comes.
        ((ObjectNode) request.get("parameters")).put("syntheticTrain", 60_000).put("teacherEpochs", 200);
        String before = Metrics.scrape();
        try (TopicReader failed = new TopicReader("audit-failed")) {
            String auditId = as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202).extract().path("id");
            awaitRunning(auditId);
            // One probe at a time: the second run waits for the first's slot, and the count from the database says so.
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value("traittrace_runs_waiting", "stage", "launched") >= 1
                    && Metrics.value("traittrace_audits", "state", "RUNNING") >= 1);
            as("viewer").post("/api/audits/" + auditId + "/cancel").then().statusCode(403);
            as("auditor").post("/api/audits/" + auditId + "/cancel").then().statusCode(200)
                    .body("state", equalTo("CANCELLED"));
            JsonPath after = as("viewer").get("/api/audits/" + auditId).then().statusCode(200).extract().jsonPath();
            assertThat(after.getList("runs.state", String.class)).containsOnly("CANCELLED");
            assertThat(after.getString("runs[0].reason")).isEqualTo("cancelled by user-auditor");
            as("auditor").post("/api/audits/" + auditId + "/cancel").then().statusCode(409);
            List<ConsumerRecord<String, String>> events = failed.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(RunnerApi.JSON.readTree(events.get(0).value()).at("/data/state").asText()).isEqualTo("CANCELLED");
            // The probe process is gone: the run never reports back, the audit stays cancelled.
            await("audit " + auditId + " staying cancelled").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> as("viewer").get("/api/audits/" + auditId).then().extract().path("state"), equalTo("CANCELLED"));
            assertThat(ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains(auditId))).isEmpty();
        }
        String after = Metrics.scrape();
        assertThat(increase(before, after, "traittrace_runs_finished_total", "outcome", "cancelled")).isEqualTo(3);
        assertThat(increase(before, after, "traittrace_audit_duration_seconds_count", "state", "CANCELLED")).isEqualTo(1);
    }

    private static double increase(String before, String after, String name, String... labels) {
        return Metrics.valueIn(after, name, labels) - Metrics.valueIn(before, name, labels);
    }

    private static void awaitRunning(String auditId) {
        await("a run of " + auditId + " running").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> as("viewer").get("/api/audits/" + auditId).then().extract().jsonPath()
                        .getList("runs.state", String.class).contains("RUNNING"));
    }
}
