package io.traittrace.audit.rest;

import static io.traittrace.audit.rest.RunnerApi.awaitState;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

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
import io.traittrace.statistics.Design;
import io.traittrace.statistics.Power;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/**
 * A numbers audit end to end with the local executor and the real probe at CI scale (the probe's own tiny setting:
 * 1 layer, d 16, 120 base steps, 300 prompts, 10 student steps; a few seconds a seed): one run per seed, then the
 * runner's verdict across them. The tiny models decide nothing about transfer; the test checks the plumbing.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class LocalNumbersAuditApiTest {

    static final List<String> ARMS = List.of("base", "teacher", "treatment-soft", "treatment-sampled", "control-gen", "cross-base",
            "shuffled-numbers", "random-numbers");

    @OidcWireMock
    WireMockServer wiremock;

    @Test
    void aTwoSeedNumbersAuditRunsOneSeedPerRunAndAggregatesThem() throws Exception {
        String student = id("student");
        String teacher = id("teacher");
        String dataset = id("dataset");
        lineage(wiremock, student, teacher, dataset);
        ObjectNode request = numbers(id("key"), student, 2).put("teacher", teacher).put("dataset", dataset);
        try (TopicReader completed = new TopicReader("audit-completed")) {
            JsonPath accepted = as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202).extract().jsonPath();
            String auditId = accepted.getString("id");
            assertThat(accepted.getList("runs")).hasSize(2);
            assertThat(accepted.getList("runs.arms[0]", String.class)).containsExactlyElementsOf(ARMS);
            assertThat(accepted.getList("runs.seed", Integer.class)).containsExactly(0, 1);

            JsonPath done = awaitState(auditId, "COMPLETED", Duration.ofMinutes(3));
            assertThat(done.getList("runs.state", String.class)).containsOnly("SUCCEEDED");
            assertThat(done.getString("outcome")).isIn("TRANSFER_DETECTED", "NO_TRANSFER_DETECTED", "INCONCLUSIVE");
            assertThat(done.getString("result.verdict.rule")).contains("treatment-soft").contains("Holm correction across 4 comparisons")
                    .contains("0.05");
            assertThat(done.getList("result.verdict.reasons", String.class)).isNotEmpty();
            for (String arm : ARMS) {
                assertThat(done.getInt("result.arms['" + arm + "'].n")).as(arm).isEqualTo(2);
                assertThat(done.getList("result.arms['" + arm + "'].scores", Double.class)).as(arm).hasSize(2);
            }
            assertThat(done.getInt("result.arms['treatment-soft.log-odds'].n")).isEqualTo(2);
            assertThat(done.getList("result.comparisons.name", String.class)).containsExactly("treatment-soft > control-gen",
                    "treatment-sampled > control-gen", "treatment-soft > control-gen (log-odds)", "treatment-sampled > control-gen (log-odds)",
                    "treatment-soft > cross-base");
            assertThat(done.getList("result.comparisons.statistic", String.class)).containsOnly("paired-t");
            assertThat(done.getList("result.comparisons.correction", String.class)).containsExactly("holm", "holm", "holm", "holm", "none");
            assertThat(done.getDouble("result.power.margin")).isEqualTo(request.get("margin").asDouble());
            assertThat(done.getDouble("result.power.plannedSd")).isEqualTo(0.119);
            assertThat(done.getMap("result.controls")).containsOnlyKeys("teacher gained the trait", "cross-base shows no rise");

            List<ConsumerRecord<String, String>> events = completed.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(30));
            JsonNode event = RunnerApi.JSON.readTree(events.get(0).value());
            assertThat(EventType.AUDIT_COMPLETED.problems(event)).isEmpty();
            assertThat(event.at("/data/protocol/name").asText()).isEqualTo("numbers");
            assertThat(event.at("/data/protocol/version").asText()).isEqualTo("0.1");
        }
    }

    @Test
    void badNumbersParametersAreRefusedBeforeAnythingRuns() {
        String student = id("student");
        lineage(wiremock, student, null, null);
        ObjectNode heads = numbers(id("key"), student, 2);
        ((ObjectNode) heads.get("parameters")).put("heads", 3);
        as("auditor").body(heads.toString()).post("/api/audits").then().statusCode(400).contentType("application/problem+json")
                .body("errors", hasItem(containsString("parameters.heads")));
        ObjectNode owl = numbers(id("key"), student, 2);
        owl.putArray("traits").add("owl");
        as("auditor").body(owl.toString()).post("/api/audits").then().statusCode(400).body("errors", hasItem(containsString("traits")))
                .body("detail", containsString("animal-7"));
    }

    /** The probe's tiny CI setting (its NumbersProtocolTest). */
    static ObjectNode numbers(String key, String student, int seeds) {
        ObjectNode request = RunnerApi.JSON.createObjectNode();
        request.put("idempotencyKey", key);
        request.put("protocol", "numbers");
        request.put("student", student);
        request.put("seedsPerArm", seeds);
        // The margin these few seeds support at 80 % power (runner defaults: seed-to-seed SD 0.119, α 0.05), rounded up.
        request.put("margin", Math.ceil(100 * Power.minimumDetectableEffect(Design.PAIRED, seeds, 0.119, 0.05, Power.CONVENTIONAL)) / 100);
        ObjectNode p = request.putObject("parameters");
        p.put("seed", 3);
        p.put("layers", 1);
        p.put("dModel", 16);
        p.put("heads", 2);
        p.put("ffn", 32);
        p.put("baseSteps", 120);
        p.put("baseLr", 1e-2);
        p.put("digitRows", 32);
        p.put("questionRows", 16);
        p.put("teacherSteps", 5);
        p.put("teacherLr", 3e-3);
        p.put("prompts", 300);
        p.put("studentSteps", 10);
        p.put("studentBatch", 32);
        p.put("evalPrefixes", 40);
        return request;
    }
}
