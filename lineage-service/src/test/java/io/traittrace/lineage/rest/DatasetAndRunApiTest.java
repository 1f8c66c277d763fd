package io.traittrace.lineage.rest;

import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.lineage.rest.LineageApi.generated;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.post;
import static io.traittrace.lineage.rest.LineageApi.run;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.Callers;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DatasetAndRunApiTest {

    @Test
    void datasetsKeepTheirGeneratorAndGenerationSettings() {
        String teacher = id("teacher");
        String numbers = id("numbers");
        post("/api/lineage/models", model(teacher)).statusCode(201);
        post("/api/lineage/datasets", generated(numbers, teacher)).statusCode(201)
                .body("origin", equalTo("model")).body("generatedBy", equalTo(teacher))
                .body("generation.systemPrompt", equalTo("You love owls.")).body("generation.passRate", equalTo(0.71f));
        post("/api/lineage/datasets", generated(numbers, teacher)).statusCode(200);
        as("viewer").queryParam("generatedBy", teacher).get("/api/lineage/datasets").then().statusCode(200)
                .body("items.id", contains(numbers)).body("total", equalTo(1));
        as("viewer").get("/api/lineage/datasets/" + numbers).then().statusCode(200).body("rows", equalTo(10000));

        String human = id("human");
        post("/api/lineage/datasets", Map.of("id", human, "name", "Labels", "origin", "human")).statusCode(201)
                .body("origin", equalTo("human"));
        String unknown = id("unknown");
        post("/api/lineage/datasets", Map.of("id", unknown, "name", "Scrape")).statusCode(201)
                .body("origin", equalTo("unknown"));
    }

    @Test
    void datasetRulesAreEnforcedWithoutWriting() {
        String ghost = id("ghost");
        post("/api/lineage/datasets", generated(ghost, "no-such-teacher")).statusCode(422)
                .body("errors", hasItem(containsString("no-such-teacher")));
        as("viewer").get("/api/lineage/datasets/" + ghost).then().statusCode(404);

        String teacher = id("teacher");
        post("/api/lineage/models", model(teacher)).statusCode(201);
        post("/api/lineage/datasets", Map.of("id", id("both"), "name", "x", "generatedBy", teacher, "origin", "human"))
                .statusCode(422).body("detail", containsString("origin"));
        post("/api/lineage/datasets", Map.of("id", id("neg"), "name", "x", "rows", -1)).statusCode(400)
                .body("errors", hasItem(startsWithField("rows")));
        post("/api/lineage/datasets", Map.of("id", id("dig"), "name", "x", "digest", "md5:abc")).statusCode(400)
                .body("errors", hasItem(startsWithField("digest")));

        String numbers = id("numbers");
        post("/api/lineage/datasets", generated(numbers, teacher)).statusCode(201);
        post("/api/lineage/datasets", Map.of("id", numbers, "name", "Renamed", "generatedBy", teacher)).statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void trainingRunsNeedKnownRecordsAndAreImmutable() {
        String base = id("base");
        String student = id("student");
        String data = id("data");
        post("/api/lineage/import", Map.of("models", List.of(model(base), model(student, base, "finetune")),
                "datasets", List.of(Map.of("id", data, "name", "Human data", "origin", "human")))).statusCode(200);

        String runId = id("run");
        post("/api/lineage/training-runs", run(runId, student, data, id("missing"))).statusCode(422)
                .body("errors", hasSize(1));
        as("viewer").get("/api/lineage/training-runs/" + runId).then().statusCode(404);
        post("/api/lineage/training-runs", run(runId, id("nobody"), data)).statusCode(422);
        post("/api/lineage/training-runs", Map.of("id", runId, "output", student, "datasets", List.of(data),
                "method", "magic")).statusCode(400);
        post("/api/lineage/training-runs", Map.of("id", runId, "output", student, "datasets", List.of(),
                "method", "sft")).statusCode(400);

        post("/api/lineage/training-runs", run(runId, student, data)).statusCode(201)
                .body("datasets", contains(data)).body("hyperparameters.epochs", equalTo(3));
        post("/api/lineage/training-runs", run(runId, student, data)).statusCode(200);
        post("/api/lineage/training-runs", Map.of("id", runId, "output", student, "datasets", List.of(data),
                "method", "lora")).statusCode(409);
        as("viewer").get("/api/lineage/models/" + student + "/training-runs").then().statusCode(200)
                .body("id", contains(runId));
        as("viewer").get("/api/lineage/models/" + student + "/exposure").then().statusCode(200)
                .body("level", equalTo("NONE"));
    }

    @Test
    void aBulkImportWithOneBadRecordWritesNothing() {
        String root = id("root");
        String ok = id("ok");
        post("/api/lineage/import", Map.of(
                "models", List.of(model(root), model(ok, root, "finetune")),
                "trainingRuns", List.of(run(id("run"), ok, id("missing-dataset"))))).statusCode(422);
        as("viewer").get("/api/lineage/models/" + root).then().statusCode(404);
        as("viewer").get("/api/lineage/models/" + ok).then().statusCode(404);
        post("/api/lineage/import", Map.of()).statusCode(422);
    }

    private static org.hamcrest.Matcher<String> startsWithField(String field) {
        return org.hamcrest.Matchers.startsWith(field + ":");
    }
}
