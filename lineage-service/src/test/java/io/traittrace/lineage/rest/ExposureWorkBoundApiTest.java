package io.traittrace.lineage.rest;

import static io.traittrace.lineage.rest.LineageApi.generated;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.post;
import static io.traittrace.lineage.rest.LineageApi.run;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/**
 * One write's exposure analysis has a bound (lineage.limits.max-exposure-records-per-write, 20 here): a write that
 * would need more is refused with 422 problem details, and nothing of it is written or announced.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@TestProfile(ExposureWorkBoundApiTest.SmallBound.class)
class ExposureWorkBoundApiTest {

    public static class SmallBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lineage.limits.max-exposure-records-per-write", "20");
        }
    }

    /** A base, a teacher, a student with {@code descendants} quantized fine-tunes, and the teacher's dataset. */
    private static List<String> family(int descendants) {
        String base = id("base");
        String teacher = id("teacher");
        String student = id("student");
        String numbers = id("numbers");
        List<Map<String, Object>> models = new ArrayList<>(List.of(model(base), model(teacher, base, "finetune"),
                model(student, base, "finetune")));
        for (int i = 0; i < descendants; i++) {
            models.add(model(id("q"), student, "quantized"));
        }
        post("/api/lineage/import", Map.of("models", models, "datasets", List.of(generated(numbers, teacher)))).statusCode(200);
        return List.of(student, numbers);
    }

    @Test
    void aTrainingRunWhoseExposureWouldReachPastTheBoundIsRefusedAndWritesNothing() {
        // The student and its 25 descendants would each gain an exposure: 26 records to weigh, over 20.
        List<String> large = family(25);
        String student = large.get(0);
        String runId = id("run");
        try (TopicReader reader = new TopicReader("exposure-detected")) {
            post("/api/lineage/training-runs", run(runId, student, large.get(1))).statusCode(422)
                    .contentType("application/problem+json")
                    .body("status", equalTo(422))
                    .body("title", equalTo("Exposure analysis too large"))
                    .body("detail", containsString("more than 20 exposure records"))
                    .body("detail", containsString("lineage.limits.max-exposure-records-per-write"));
            as("viewer").get("/api/lineage/training-runs/" + runId).then().statusCode(404);
            as("viewer").get("/api/lineage/models/" + student + "/exposure").then().statusCode(200)
                    .body("level", equalTo("NONE")).body("total", equalTo(0));
            assertThat(reader.drainMatching(r -> student.equals(r.key()), Duration.ofSeconds(3))).isEmpty();
        }

        // The same write over a smaller family fits: 11 records.
        List<String> small = family(10);
        post("/api/lineage/training-runs", run(id("run"), small.get(0), small.get(1))).statusCode(201);
        as("viewer").get("/api/lineage/models/" + small.get(0) + "/exposure").then().body("level", equalTo("SAME_INIT"));
    }

    @Test
    void anImportPastTheBoundIsRefusedWhole() {
        String base = id("base");
        String teacher = id("teacher");
        String numbers = id("numbers");
        List<Map<String, Object>> models = new ArrayList<>(List.of(model(base), model(teacher, base, "finetune")));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            String student = id("student");
            models.add(model(student, base, "finetune"));
            runs.add(run(id("run"), student, numbers));
        }
        post("/api/lineage/import", Map.of("models", models, "datasets", List.of(generated(numbers, teacher)),
                "trainingRuns", runs)).statusCode(422).contentType("application/problem+json")
                .body("title", equalTo("Exposure analysis too large"));
        as("viewer").get("/api/lineage/models/" + base).then().statusCode(404);
        as("viewer").get("/api/lineage/datasets/" + numbers).then().statusCode(404);
    }
}
