package io.traittrace.audit.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.traittrace.audit.rest.RunnerApi.awaitState;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
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
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/**
 * The model audit through the runner: lineage names the student, its base, its teacher and a control student with file://
 * URIs under the allowed root and their digests; the local executor runs the real probe on those very weights (the probe's
 * demo family, made once under target/); the audit ends with the probe's verdict and the digests it computed, which must be
 * lineage's. Every model a request names must be readable and digested, or nothing is created.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class LocalTraitEvalAuditApiTest {

    static final Path FAMILY = Path.of("target/demo-models").toAbsolutePath();
    static Map<String, String> digests = new HashMap<>();

    @OidcWireMock
    WireMockServer wiremock;

    /** The probe's demo family, made by the probe itself (about a minute the first time, then reused). */
    @BeforeAll
    static void demoFamily() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("../bin/probe", "demo-models", "--out", FAMILY.toString()).inheritIO().start();
        assertThat(probe.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(probe.exitValue()).isZero();
        JsonNode manifest = RunnerApi.JSON.readTree(FAMILY.resolve("manifest.json").toFile());
        manifest.path("digests").properties().forEach(e -> digests.put(e.getKey(), e.getValue().asText()));
    }

    /** A lineage model record whose weights are the demo family's {@code role}. */
    private void model(String id, String uri, String digest, String base) {
        String bases = base == null ? "[]" : "[{\"model\": \"" + base + "\", \"relation\": \"finetune\"}]";
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + id)).willReturn(okJson("""
                {"id": "%s", "name": "demo/%s", "uri": "%s", "digest": "%s", "bases": %s, "roots": ["demo-init"]}
                """.formatted(id, id, uri, digest, bases))));
    }

    private void family(String student, String base, String teacher, String control, String studentDigest) {
        model(base, "file://" + FAMILY.resolve("base"), digests.get("base"), null);
        model(teacher, "file://" + FAMILY.resolve("teacher"), digests.get("teacher"), base);
        model(student, "file://" + FAMILY.resolve("student"), studentDigest, base);
        model(control, "file://" + FAMILY.resolve("control"), digests.get("control"), base);
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + student + "/exposure")).willReturn(okJson("""
                {"model": "%s", "level": "NONE", "paths": [], "exposures": []}
                """.formatted(student))));
    }

    private static ObjectNode request(String student, String teacher, String control) {
        ObjectNode request = RunnerApi.JSON.createObjectNode();
        request.put("idempotencyKey", id("key"));
        request.put("protocol", "trait-eval");
        request.put("student", student);
        request.put("teacher", teacher);
        ObjectNode p = request.putObject("parameters");
        if (control != null) {
            p.put("control", control);
        }
        p.putArray("traits").add("animals/owl");
        return request;
    }

    @Test
    void aStudentsOwnWeightsAreAuditedAgainstItsTeacherAndTheCertificateEventNamesTheirDigests() throws Exception {
        String student = id("student");
        String base = id("base");
        String teacher = id("teacher");
        String control = id("control");
        family(student, base, teacher, control, digests.get("student"));
        try (TopicReader completed = new TopicReader("audit-completed")) {
            JsonPath accepted = as("auditor").body(request(student, teacher, control).toString()).post("/api/audits").then().statusCode(202).extract()
                    .jsonPath();
            String auditId = accepted.getString("id");
            assertThat(accepted.getList("runs")).hasSize(1);

            JsonPath done = awaitState(auditId, "COMPLETED", Duration.ofMinutes(5));
            assertThat(done.getString("outcome")).isEqualTo("TRANSFER_DETECTED");
            assertThat(done.getString("result.comparisons[0].trait")).isEqualTo("animals/owl");
            assertThat(done.getDouble("result.comparisons[0].difference")).isGreaterThan(0.1);

            List<ConsumerRecord<String, String>> events = completed.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(30));
            JsonNode data = RunnerApi.JSON.readTree(events.get(0).value()).path("data");
            assertThat(EventType.AUDIT_COMPLETED.problems(RunnerApi.JSON.readTree(events.get(0).value()))).isEmpty();
            assertThat(data.at("/protocol/name").asText()).isEqualTo("trait-eval");
            assertThat(data.at("/student/digest").asText()).isEqualTo(digests.get("student"));
            Map<String, String> evaluated = new HashMap<>();
            data.at("/result/data").forEach(d -> evaluated.put(d.path("role").asText(), d.path("digest").asText()));
            // The weights the probe loaded, by the digests it computed: the student's own, its base's, its teacher's, the control's.
            for (String role : List.of("student", "base", "teacher", "control")) {
                assertThat(evaluated.get(role)).as(role).isEqualTo(digests.get(role));
            }
        }
    }

    @Test
    void aResultAboutOtherWeightsThanLineageNamesFailsTheRun() throws Exception {
        String student = id("student");
        String base = id("base");
        String teacher = id("teacher");
        String control = id("control");
        // Lineage says the student is the null student's weights; the directory holds the demo student.
        family(student, base, teacher, control, digests.get("null-student"));
        String auditId = as("auditor").body(request(student, teacher, control).toString()).post("/api/audits").then().statusCode(202).extract()
                .path("id");

        JsonPath failed = awaitState(auditId, "FAILED", Duration.ofMinutes(5));
        assertThat(failed.getString("runs[0].state")).isEqualTo("FAILED");
        assertThat(failed.getString("runs[0].reason")).contains("other weights than lineage names", "data[student].digest",
                digests.get("null-student"), digests.get("student"));
    }

    @Test
    void modelsWhoseWeightsCannotBeReadAreRefusedBeforeAnythingIsCreated() {
        String student = id("student");
        String base = id("base");
        String teacher = id("teacher");
        String control = id("control");
        family(student, base, teacher, control, digests.get("student"));
        // The teacher lives on a hub, the control outside the allowed root.
        model(teacher, "hf://org/teacher@main", digests.get("teacher"), base);
        model(control, "file:///etc/models/control", digests.get("control"), base);
        as("auditor").body(request(student, teacher, control).toString()).post("/api/audits").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors", hasItem(containsString("teacher: model '" + teacher + "': the scheme 'hf'")))
                .body("errors", hasItem(containsString("parameters.control: model '" + control + "': /etc/models/control is not under an allowed model root")));
        as("auditor").get("/api/audits?student=" + student).then().statusCode(200).body("total", org.hamcrest.Matchers.equalTo(0));

        // A student without a base in lineage and none named.
        String orphan = id("student");
        model(orphan, "file://" + FAMILY.resolve("student"), digests.get("student"), null);
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + orphan + "/exposure")).willReturn(okJson("{\"model\": \"" + orphan
                + "\", \"level\": \"NONE\", \"paths\": [], \"exposures\": []}")));
        model(teacher, "file://" + FAMILY.resolve("teacher"), digests.get("teacher"), base);
        as("auditor").body(request(orphan, teacher, null).toString()).post("/api/audits").then().statusCode(422)
                .body("errors", hasItem(containsString("parameters.base: the student '" + orphan + "' has no finetune or adapter base")));
    }

    @Test
    void requestsTheModelAuditCannotRunAreBadRequests() {
        String student = id("student");
        ObjectNode noTeacher = request(student, null, null);
        noTeacher.remove("teacher");
        as("auditor").body(noTeacher.toString()).post("/api/audits").then().statusCode(400).body("errors", hasItem(containsString("teacher:")));
        ObjectNode sameModel = request(student, "t1", student);
        as("auditor").body(sameModel.toString()).post("/api/audits").then().statusCode(400).body("errors", hasItem(containsString("four different models")));
        ObjectNode battery = request(student, "t1", null);
        ((ObjectNode) battery.get("parameters")).putArray("batteries").add("/tmp/mine.jsonl");
        as("auditor").body(battery.toString()).post("/api/audits").then().statusCode(400).body("errors", hasItem(containsString("unknown battery")));
        ObjectNode trait = request(student, "t1", null);
        ((ObjectNode) trait.get("parameters")).putArray("traits").add("owl");
        as("auditor").body(trait.toString()).post("/api/audits").then().statusCode(400).body("errors", hasItem(containsString("battery/label")));
        ObjectNode margin = request(student, "t1", null).put("margin", 1.5);
        as("auditor").body(margin.toString()).post("/api/audits").then().statusCode(400).body("errors", hasItem(containsString("below 1")));
        ObjectNode path = request(student, "t1", null);
        ((ObjectNode) path.get("parameters")).put("student", "/etc");
        as("auditor").body(path.toString()).post("/api/audits").then().statusCode(400).body("errors", hasItem(containsString("unknown trait-eval parameter")));
    }
}
