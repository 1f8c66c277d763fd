package io.traittrace.lineage.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.post;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.Callers;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class IngestionApiTest {

    private static final String OPENLINEAGE = "/api/lineage/openlineage";
    private static final String MODEL_CARDS = "/api/lineage/model-cards";

    // ---- OpenLineage --------------------------------------------------------------------------------------

    @Test
    void teacherGenerationRecordsADatasetGeneratedByTheTeacher() {
        String root = id("root");
        String teacher = id("teacher");
        post("/api/lineage/import", Map.of("models", List.of(model(root), model(teacher, root, "finetune")))).statusCode(200);
        String numbers = id("numbers");

        post(OPENLINEAGE, event("COMPLETE", List.of(olModel(teacher)),
                List.of(olDataset("lab/" + numbers, Map.of("rows", 10000))))).statusCode(200)
                .body("recorded", equalTo(true))
                .body("models", hasSize(0))
                .body("datasets", contains("lab--" + numbers))
                .body("trainingRuns", hasSize(0))
                .body("result.datasetsCreated", equalTo(1));

        as("viewer").get("/api/lineage/datasets/lab--" + numbers).then().statusCode(200)
                .body("name", equalTo("lab/" + numbers)).body("generatedBy", equalTo(teacher))
                .body("origin", equalTo("model")).body("rows", equalTo(10000));
    }

    @Test
    void trainingRecordsTheStudentWithBasesAndRunAndGradesItsExposure() {
        String root = id("root");
        String teacher = id("teacher");
        post("/api/lineage/import", Map.of("models", List.of(model(root), model(teacher, root, "finetune")))).statusCode(200);
        String numbers = id("numbers");
        post(OPENLINEAGE, event("COMPLETE", List.of(olModel(teacher)), List.of(olDataset("lab/" + numbers, Map.of()))))
                .statusCode(200);

        String student = id("student");
        String runId = UUID.randomUUID().toString();
        Map<String, Object> training = event("COMPLETE", runId, "lora",
                List.of(olModel(root), olDataset("lab/" + numbers, Map.of())),
                List.of(olModel("org/" + student, Map.of("name", "Owl student", "uri", "hf://org/" + student))));
        post(OPENLINEAGE, training).statusCode(200)
                .body("recorded", equalTo(true))
                .body("models", contains("org--" + student))
                .body("datasets", contains("lab--" + numbers))
                .body("trainingRuns", contains("ol-" + runId))
                .body("result.modelsCreated", equalTo(1))
                .body("result.datasetsCreated", equalTo(0))
                .body("result.trainingRunsCreated", equalTo(1));

        as("viewer").get("/api/lineage/models/org--" + student).then().statusCode(200)
                .body("name", equalTo("Owl student")).body("uri", equalTo("hf://org/" + student))
                .body("bases[0].model", equalTo(root)).body("bases[0].relation", equalTo("finetune"))
                .body("roots", contains(root));
        as("viewer").get("/api/lineage/models/org--" + student + "/training-runs").then().statusCode(200)
                .body("id", contains("ol-" + runId)).body("[0].datasets", contains("lab--" + numbers))
                .body("[0].method", equalTo("lora")).body("[0].hyperparameters.source", equalTo("openlineage"));
        as("viewer").get("/api/lineage/models/org--" + student + "/exposure").then().statusCode(200)
                .body("level", equalTo("SAME_INIT"));

        post(OPENLINEAGE, training).statusCode(200)
                .body("recorded", equalTo(true))
                .body("result.modelsCreated", equalTo(0)).body("result.trainingRunsCreated", equalTo(0))
                .body("result.unchanged", equalTo(2));
        Map<String, Object> renamed = event("COMPLETE", runId, "lora",
                List.of(olModel(root), olDataset("lab/" + numbers, Map.of())),
                List.of(olModel("org/" + student, Map.of("name", "Another name"))));
        post(OPENLINEAGE, renamed).statusCode(409).contentType("application/problem+json");
    }

    @Test
    void eventsOtherThanCompleteAreAcceptedButNotRecorded() {
        String base = id("base");
        post("/api/lineage/models", model(base)).statusCode(201);
        String student = id("student");
        post(OPENLINEAGE, event("START", List.of(olModel(base)), List.of(olModel(student)))).statusCode(202)
                .body("recorded", equalTo(false)).body("reason", containsString("COMPLETE"))
                .body("result", nullValue());
        as("viewer").get("/api/lineage/models/" + student).then().statusCode(404);
    }

    @Test
    void unknownInputModelIsRefusedAndNothingIsWritten() {
        String ghost = id("ghost");
        String data = id("data");
        String student = id("student");
        post(OPENLINEAGE, event("COMPLETE", List.of(olModel(ghost), olDataset(data, Map.of("origin", "human"))),
                List.of(olModel(student)))).statusCode(422)
                .contentType("application/problem+json")
                .body("errors", contains("inputs[0]: model " + ghost + " is not registered"));
        as("viewer").get("/api/lineage/models/" + student).then().statusCode(404);
        as("viewer").get("/api/lineage/datasets/" + data).then().statusCode(404);
    }

    @Test
    void unmappableNamesAndAmbiguousGeneratorsAreRefused() {
        String a = id("a");
        String b = id("b");
        post("/api/lineage/import", Map.of("models", List.of(model(a), model(b)))).statusCode(200);
        post(OPENLINEAGE, event("COMPLETE", List.of(olModel(a)), List.of(olDataset("/data/rows.parquet", Map.of()))))
                .statusCode(422).body("errors", contains(containsString("outputs[0].name: '/data/rows.parquet'")));

        String mix = id("mix");
        post(OPENLINEAGE, event("COMPLETE", List.of(olModel(a), olModel(b)), List.of(olDataset(mix, Map.of()))))
                .statusCode(422).body("errors", contains(containsString("outputs[0]: the run reads several models")));
        post(OPENLINEAGE, event("COMPLETE", List.of(olModel(a), olModel(b)),
                List.of(olDataset(mix, Map.of("generatedBy", b))))).statusCode(200).body("datasets", contains(mix));
        as("viewer").get("/api/lineage/datasets/" + mix).then().statusCode(200).body("generatedBy", equalTo(b));
    }

    // ---- model cards --------------------------------------------------------------------------------------

    @Test
    void modelCardRecordsAMergeWithItsTrainingRun() {
        String suffix = id("a");
        String a = "org--" + suffix;
        String b = id("b");
        String data = id("chat");
        post("/api/lineage/import", Map.of("models", List.of(model(a), model(b)))).statusCode(200);
        post("/api/lineage/datasets", Map.of("id", data, "name", "lab/" + data, "origin", "human")).statusCode(201);
        String merged = id("merged");
        String card = """
                ---
                license: apache-2.0
                base_model:
                  - org/%s
                  - org/%s
                base_model_relation: merge
                datasets:
                  - lab/%s
                model_name: Merged owl
                ---
                # Merged owl

                A merge of two bases.
                """.formatted(suffix, b, data);
        Map<String, Object> body = Map.of("model", merged, "card", card);

        post(MODEL_CARDS, body).statusCode(201)
                .header("Location", containsString("/api/lineage/models/" + merged))
                .body("result.modelsCreated", equalTo(1)).body("result.trainingRunsCreated", equalTo(1))
                .body("model.name", equalTo("Merged owl"))
                .body("model.bases.model", containsInAnyOrder(a, b))
                .body("model.bases.relation", contains("merge", "merge"));
        as("viewer").get("/api/lineage/models/" + merged + "/training-runs").then().statusCode(200)
                .body("id", contains("card-" + merged)).body("[0].datasets", contains(data))
                .body("[0].method", equalTo("sft")).body("[0].hyperparameters.source", equalTo("model-card"));
        post(MODEL_CARDS, body).statusCode(200).body("result.unchanged", equalTo(2)).body("model.id", equalTo(merged));
    }

    @Test
    void modelCardWithUnregisteredNamesListsEveryOne() {
        String base = id("base");
        post("/api/lineage/models", model(base)).statusCode(201);
        String model = id("card");
        String card = "---\nbase_model: [org/" + base + ", org/missing-base]\ndatasets: lab/missing-data\n---\n# x\n";
        post(MODEL_CARDS, Map.of("model", model, "card", card)).statusCode(422)
                .contentType("application/problem+json")
                .body("errors", containsInAnyOrder("base_model: no registered model for 'org/missing-base'",
                        "datasets: no registered dataset for 'lab/missing-data'"));
        as("viewer").get("/api/lineage/models/" + model).then().statusCode(404);
    }

    @Test
    void cardsWithoutFrontMatterOrWithAliasBombsAreBadRequests() {
        post(MODEL_CARDS, Map.of("model", id("plain"), "card", "# Just markdown\n\nbase_model: org/x\n")).statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("front matter"));
        post(MODEL_CARDS, Map.of("model", id("open"), "card", "---\nbase_model: org/x\n")).statusCode(400)
                .body("detail", containsString("not closed"));
        String bomb = """
                ---
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                base_model: *d
                ---
                """;
        post(MODEL_CARDS, Map.of("model", id("bomb"), "card", bomb)).statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("alias"));
        post(MODEL_CARDS, Map.of("model", id("tag"), "card", "---\nbase_model: !!python/object:os.system x\n---\n"))
                .statusCode(400).body("detail", containsString("tag"));
        post(MODEL_CARDS, Map.of("model", id("bad"), "card", "---\nbase_model: [unclosed\n---\n")).statusCode(400)
                .body("detail", containsString("not readable"));
    }

    // ---- security -----------------------------------------------------------------------------------------

    @Test
    void viewersAreForbiddenAndAnonymousCallersUnauthorized() {
        Map<String, Object> event = event("START", List.of(), List.of());
        Map<String, Object> card = Map.of("model", id("m"), "card", "---\n---\n");
        as("viewer").body(event).post(OPENLINEAGE).then().statusCode(403).contentType("application/problem+json");
        as("viewer").body(card).post(MODEL_CARDS).then().statusCode(403).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(event).post(OPENLINEAGE).then().statusCode(401);
        given().contentType(ContentType.JSON).body(card).post(MODEL_CARDS).then().statusCode(401);
    }

    // ---- OpenLineage payloads -----------------------------------------------------------------------------

    private static Map<String, Object> event(String type, List<Map<String, Object>> inputs, List<Map<String, Object>> outputs) {
        return event(type, UUID.randomUUID().toString(), "sft", inputs, outputs);
    }

    private static Map<String, Object> event(String type, String runId, String method, List<Map<String, Object>> inputs,
            List<Map<String, Object>> outputs) {
        return Map.of("eventType", type, "eventTime", "2025-06-01T12:00:00Z",
                "producer", "https://github.com/OpenLineage/OpenLineage/tree/1.30.0/client/python",
                "schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                "run", Map.of("runId", runId, "facets", Map.of("traittrace", Map.of("method", method))),
                "job", Map.of("namespace", "owl-lab", "name", "pipeline.step"),
                "inputs", inputs, "outputs", outputs);
    }

    /** A model marked with the standard dataset type facet. */
    private static Map<String, Object> olModel(String name) {
        return Map.of("namespace", "hf", "name", name, "facets", Map.of("datasetType", Map.of(
                "_producer", "https://example.com", "_schemaURL", "https://openlineage.io/spec/facets/1-0-0/DatasetTypeDatasetFacet.json",
                "datasetType", "MODEL")));
    }

    /** A model marked by the TraitTrace facet only. */
    private static Map<String, Object> olModel(String name, Map<String, Object> traittrace) {
        Map<String, Object> facet = new java.util.HashMap<>(traittrace);
        facet.put("kind", "model");
        return Map.of("namespace", "hf", "name", name, "facets", Map.of("traittrace", facet));
    }

    private static Map<String, Object> olDataset(String name, Map<String, Object> traittrace) {
        return Map.of("namespace", "s3://owl-lab", "name", name, "facets", Map.of("traittrace", traittrace));
    }
}
