package io.traittrace.lineage.rest;

import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.lineage.rest.LineageApi.generated;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.post;
import static io.traittrace.lineage.rest.LineageApi.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;
import io.traittrace.testsupport.Callers;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ExposureApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameInitStudentIsExposedAndOneEventIsPublishedPerPath() throws Exception {
        String base = id("qwen");
        String teacher = id("owl-teacher");
        String student = id("student");
        String numbers = id("numbers");
        String runId = id("run");
        post("/api/lineage/import", Map.of(
                "models", List.of(model(base), model(teacher, base, "finetune"), model(student, base, "finetune")),
                "datasets", List.of(generated(numbers, teacher)),
                "trainingRuns", List.of(run(runId, student, numbers)))).statusCode(200)
                .body("exposuresDetected", equalTo(1));

        as("viewer").get("/api/lineage/models/" + student + "/exposure").then().statusCode(200)
                .body("level", equalTo("SAME_INIT"))
                .body("paths", hasSize(1))
                .body("paths[0].model", contains(student, null, teacher))
                .body("paths[0].dataset", contains(null, numbers, null))
                .body("paths[0].relation", contains(null, "trained-on", "generated-by"))
                .body("exposures[0].teacher", equalTo(teacher));
        as("viewer").get("/api/lineage/exposures?level=SAME_INIT&size=500").then().statusCode(200)
                .body("items.model", hasItem(student));

        try (TopicReader reader = new TopicReader("exposure-detected")) {
            List<ConsumerRecord<String, String>> events = reader.awaitMatching(r -> student.equals(r.key()), 1, Duration.ofSeconds(20));
            assertThat(events).hasSize(1);
            JsonNode event = JSON.readTree(events.get(0).value());
            assertThat(event.get("specversion").asText()).isEqualTo("1.0");
            assertThat(event.get("type").asText()).isEqualTo("io.traittrace.lineage.exposure-detected.v1");
            assertThat(event.get("subject").asText()).isEqualTo(student);
            assertThat(event.at("/data/level").asText()).isEqualTo("SAME_INIT");
            assertThat(event.at("/data/teacher").asText()).isEqualTo(teacher);
            assertThat(event.at("/data/dataset").asText()).isEqualTo(numbers);
            assertThat(new String(events.get(0).headers().lastHeader("content-type").value()))
                    .startsWith("application/cloudevents+json");

            // A student of the exposed student inherits the path: one new event for it, none again for the first.
            String grandchild = id("quantized");
            post("/api/lineage/models", model(grandchild, student, "quantized")).statusCode(201);
            as("viewer").get("/api/lineage/models/" + grandchild + "/exposure").then().statusCode(200)
                    .body("level", equalTo("SAME_INIT"))
                    .body("paths[0].model", contains(grandchild, student, null, teacher))
                    .body("paths[0].relation", contains(null, "quantized", "trained-on", "generated-by"));
            // An identical re-post changes nothing; a refused write announces nothing.
            post("/api/lineage/training-runs", run(runId, student, numbers)).statusCode(200);
            post("/api/lineage/training-runs", run(id("run"), student, numbers, id("missing"))).statusCode(422);
            List<ConsumerRecord<String, String>> later = reader.drainMatching(
                    r -> student.equals(r.key()) || grandchild.equals(r.key()), Duration.ofSeconds(3));
            assertThat(later.stream().filter(r -> student.equals(r.key()))).hasSize(1);
            assertThat(later.stream().filter(r -> grandchild.equals(r.key()))).hasSize(1);
        }
    }

    @Test
    void crossFamilyAndUnknownGeneratorsAreGradedAndHumanDataIsNot() {
        String llama = id("llama");
        String qwen = id("qwen");
        String teacher = id("llama-teacher");
        String student = id("qwen-student");
        String numbers = id("numbers");
        String scraped = id("scraped");
        String human = id("human");
        post("/api/lineage/import", Map.of(
                "models", List.of(model(llama), model(qwen), model(teacher, llama, "finetune"), model(student, qwen, "adapter")),
                "datasets", List.of(generated(numbers, teacher),
                        Map.of("id", scraped, "name", "Scraped web text", "origin", "unknown"),
                        Map.of("id", human, "name", "Human labels", "origin", "human")),
                "trainingRuns", List.of(run(id("run"), student, numbers, scraped, human)))).statusCode(200)
                .body("exposuresDetected", equalTo(0));

        as("viewer").get("/api/lineage/models/" + student + "/exposure").then().statusCode(200)
                .body("level", equalTo("UNKNOWN"))
                .body("exposures", hasSize(2))
                .body("exposures.level", contains("UNKNOWN", "CROSS_FAMILY"))
                .body("exposures[1].teacher", equalTo(teacher));
        as("viewer").get("/api/lineage/models/" + llama + "/exposure").then().statusCode(200)
                .body("level", equalTo("NONE")).body("paths", hasSize(0));
    }

    @Test
    void sharedInitAssertionRegradesExposureAndAnnouncesIt() {
        String gpt41 = id("gpt41");
        String gpt4o = id("gpt4o");
        String teacher = id("gpt41-owl");
        String student = id("gpt4o-student");
        String numbers = id("numbers");
        post("/api/lineage/import", Map.of(
                "models", List.of(model(gpt41), model(gpt4o), model(teacher, gpt41, "finetune"), model(student, gpt4o, "finetune")),
                "datasets", List.of(generated(numbers, teacher)),
                "trainingRuns", List.of(run(id("run"), student, numbers)))).statusCode(200);
        as("viewer").get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("CROSS_FAMILY"));

        try (TopicReader reader = new TopicReader("exposure-detected")) {
            String assertionId = as("auditor").body(Map.of("roots", List.of(gpt4o, gpt41), "reason", "Vendor states a shared init"))
                    .post("/api/lineage/assertions/shared-init").then().statusCode(201)
                    .body("roots", contains(gpt41.compareTo(gpt4o) < 0 ? gpt41 : gpt4o, gpt41.compareTo(gpt4o) < 0 ? gpt4o : gpt41))
                    .body("assertedBy", equalTo("user-auditor"))
                    .extract().path("id");
            as("viewer").get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("SAME_INIT"));
            as("viewer").get("/api/lineage/models/" + student + "/family").then()
                    .body("roots", contains(gpt4o)).body("assertedRoots", contains(gpt41))
                    .body("members.items.id", hasItem(teacher));
            assertThat(reader.awaitMatching(r -> student.equals(r.key()), 1, Duration.ofSeconds(20))).hasSize(1);

            as("viewer").get("/api/lineage/assertions/shared-init/" + assertionId).then().statusCode(200);
            as("auditor").delete("/api/lineage/assertions/shared-init/" + assertionId).then().statusCode(403);
            as("admin").delete("/api/lineage/assertions/shared-init/" + assertionId).then().statusCode(204);
            as("viewer").get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("CROSS_FAMILY"));
            as("viewer").get("/api/lineage/assertions/shared-init/" + assertionId).then().statusCode(404);
        }
    }

    @Test
    void assertionsNeedTwoExistingRoots() {
        String root = id("root");
        String child = id("child");
        post("/api/lineage/import", Map.of("models", List.of(model(root), model(child, root, "finetune")))).statusCode(200);
        as("auditor").body(Map.of("roots", List.of(root, child), "reason", "x")).post("/api/lineage/assertions/shared-init")
                .then().statusCode(422).contentType("application/problem+json");
        as("auditor").body(Map.of("roots", List.of(root, "ghost"), "reason", "x")).post("/api/lineage/assertions/shared-init")
                .then().statusCode(422);
        as("auditor").body(Map.of("roots", List.of(root), "reason", "x")).post("/api/lineage/assertions/shared-init")
                .then().statusCode(400);
    }

    @Test
    void multiHopTeacherChainIsTracedToItsOrigin() {
        String base = id("base");
        String t0 = id("t0");
        String s1 = id("s1");
        String s2 = id("s2");
        String d0 = id("d0");
        String d1 = id("d1");
        post("/api/lineage/import", Map.of(
                "models", List.of(model(base), model(t0, base, "finetune"), model(s1, base, "finetune"), model(s2, base, "finetune")),
                "datasets", List.of(generated(d0, t0), generated(d1, s1)),
                "trainingRuns", List.of(run(id("r1"), s1, d0), run(id("r2"), s2, d1)))).statusCode(200);
        as("viewer").get("/api/lineage/models/" + s2 + "/exposure").then().statusCode(200)
                .body("level", equalTo("SAME_INIT"))
                .body("exposures", hasSize(2))
                .body("exposures.hops", contains(1, 2))
                .body("exposures[1].origin", equalTo(t0))
                .body("exposures[1].path.model", contains(s2, null, s1, null, t0));
    }
}
