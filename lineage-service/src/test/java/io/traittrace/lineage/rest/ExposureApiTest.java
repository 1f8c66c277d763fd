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

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.events.EventType;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ExposureApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameInitStudentIsExposedAndOneEventIsPublishedPerTeacher() throws Exception {
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

    /**
     * The user's measurement (issue 19): T0 -> 12 datasets -> T1 -> 12 datasets -> T2 -> 12 datasets -> S stored 1,884
     * exposure rows for S and announced each. Now S holds one exposure per teacher (T2, T1, T0) with the count of the
     * other paths, and the import announces one event per model and teacher.
     */
    @Test
    void threeHopImportWithTwelveDatasetsPerHopStoresAndAnnouncesOneExposurePerTeacher() throws Exception {
        String base = id("base");
        List<String> chain = List.of(id("t0"), id("t1"), id("t2"), id("s"));
        List<Map<String, Object>> models = new ArrayList<>(List.of(model(base)));
        List<Map<String, Object>> datasets = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        chain.forEach(m -> models.add(model(m, base, "finetune")));
        for (int hop = 1; hop < chain.size(); hop++) {
            List<String> inputs = new ArrayList<>();
            for (int d = 0; d < 12; d++) {
                String dataset = id("d" + hop + "-" + d);
                datasets.add(generated(dataset, chain.get(hop - 1)));
                inputs.add(dataset);
            }
            runs.add(run(id("run"), chain.get(hop), inputs.toArray(String[]::new)));
        }
        String t0 = chain.get(0);
        String t1 = chain.get(1);
        String t2 = chain.get(2);
        String student = chain.get(3);
        // (T1: T0) + (T2: T1, T0) + (S: T2, T1, T0), all SAME_INIT.
        post("/api/lineage/import", Map.of("models", models, "datasets", datasets, "trainingRuns", runs)).statusCode(200)
                .body("exposuresDetected", equalTo(6));

        as("viewer").get("/api/lineage/models/" + student + "/exposure").then().statusCode(200)
                .body("level", equalTo("SAME_INIT"))
                .body("total", equalTo(3))
                .body("exposures", hasSize(3))
                .body("exposures.origin", contains(t2, t1, t0))
                .body("exposures.hops", contains(1, 2, 3))
                .body("exposures.otherPaths", contains(11, 143, 1727))
                .body("exposures.teacher", contains(t2, t2, t2))
                .body("paths", hasSize(3));
        // The listing still counts every path: 12 + 144 + 1,728.
        as("viewer").get("/api/lineage/exposures?level=SAME_INIT&size=500").then().statusCode(200)
                .body("items.find { it.model == '" + student + "' }.paths", equalTo(1884));

        List<String> announcedModels = List.of(t1, t2, student);
        try (TopicReader reader = new TopicReader("exposure-detected")) {
            reader.awaitMatching(r -> announcedModels.contains(r.key()), 6, Duration.ofSeconds(20));
            List<ConsumerRecord<String, String>> events = reader.drainMatching(r -> announcedModels.contains(r.key()),
                    Duration.ofSeconds(3));
            assertThat(events).hasSize(6);
            List<JsonNode> ofStudent = new ArrayList<>();
            for (ConsumerRecord<String, String> record : events) {
                JsonNode data = JSON.readTree(record.value()).get("data");
                assertThat(data.get("model").asText()).isEqualTo(record.key());
                if (student.equals(record.key())) {
                    ofStudent.add(data);
                }
            }
            assertThat(ofStudent).extracting(d -> d.get("origin").asText()).containsExactlyInAnyOrder(t2, t1, t0);
            assertThat(ofStudent).extracting(d -> d.get("pathKey").asText()).doesNotHaveDuplicates()
                    .allMatch(key -> key.matches("^[0-9a-f]{64}$"));
        }
    }

    @Test
    void exposureViewIsPagedAndKeepsTheLevelOfAllItsExposures() {
        String base = id("base");
        String student = id("student");
        List<String> teachers = List.of(id("ta"), id("tb"), id("tc"));
        List<Map<String, Object>> models = new ArrayList<>(List.of(model(base), model(student, base, "finetune")));
        List<Map<String, Object>> datasets = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        for (String teacher : teachers) {
            models.add(model(teacher, base, "finetune"));
            String dataset = id("numbers");
            datasets.add(generated(dataset, teacher));
            inputs.add(dataset);
        }
        String scraped = id("scraped");
        datasets.add(Map.of("id", scraped, "name", "Scraped web text", "origin", "unknown"));
        inputs.add(scraped);
        post("/api/lineage/import", Map.of("models", models, "datasets", datasets,
                "trainingRuns", List.of(run(id("run"), student, inputs.toArray(String[]::new))))).statusCode(200);

        String exposure = "/api/lineage/models/" + student + "/exposure";
        as("viewer").get(exposure + "?size=2").then().statusCode(200)
                .body("level", equalTo("SAME_INIT")).body("page", equalTo(0)).body("size", equalTo(2)).body("total", equalTo(4))
                .body("exposures.level", contains("SAME_INIT", "SAME_INIT")).body("paths", hasSize(2));
        // The last page holds the weakest exposure; the level is still the model's, over every page.
        as("viewer").get(exposure + "?page=1&size=3").then().statusCode(200)
                .body("level", equalTo("SAME_INIT")).body("total", equalTo(4))
                .body("exposures.level", contains("UNKNOWN")).body("exposures[0].dataset", equalTo(scraped))
                .body("paths", hasSize(0));
        as("viewer").get(exposure).then().statusCode(200).body("size", equalTo(50)).body("exposures", hasSize(4));
        as("viewer").get(exposure + "?size=501").then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("page must be ≥ 0 and size between 1 and 500"));
        as("viewer").get(exposure + "?page=-1").then().statusCode(400).contentType("application/problem+json");
    }

    /** What the service emits matches the schema it publishes: the same fields, and each required one present. */
    @Test
    void exposureEventsMatchTheirPublishedSchema() throws Exception {
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream(EventType.EXPOSURE_DETECTED.schemaResource())) {
            schema = JSON.readTree(in);
        }
        String base = id("base");
        String teacher = id("teacher");
        String student = id("student");
        String numbers = id("numbers");
        post("/api/lineage/import", Map.of(
                "models", List.of(model(base), model(teacher, base, "finetune"), model(student, base, "finetune")),
                "datasets", List.of(generated(numbers, teacher)),
                "trainingRuns", List.of(run(id("run"), student, numbers)))).statusCode(200);
        try (TopicReader reader = new TopicReader("exposure-detected")) {
            List<ConsumerRecord<String, String>> events = reader.awaitMatching(r -> student.equals(r.key()), 1, Duration.ofSeconds(20));
            assertThat(events).hasSize(1);
            JsonNode event = JSON.readTree(events.get(0).value());
            assertThat(EventType.EXPOSURE_DETECTED.problems(event)).as("the event against the contract").isEmpty();
            JsonNode data = event.get("data");
            List<String> fields = new ArrayList<>();
            data.fieldNames().forEachRemaining(fields::add);
            List<String> declared = new ArrayList<>();
            schema.get("properties").fieldNames().forEachRemaining(declared::add);
            assertThat(fields).containsExactlyInAnyOrderElementsOf(declared);
            schema.get("required").forEach(required -> assertThat(data.hasNonNull(required.asText())).as(required.asText()).isTrue());
            assertThat(data.get("pathKey").asText()).matches(schema.at("/properties/pathKey/pattern").asText());
        }
    }
}
