package io.traittrace.lineage.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.lineage.rest.LineageApi.generated;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.run;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.traittrace.events.Topics;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/**
 * The public catalogue: records a platform admin publishes for everyone, usable as bases, teachers and training data
 * by every organisation; exposure analysis follows lineage through them without showing one organisation's records to
 * another.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PublicCatalogueApiTest {

    private static final String ACME = Callers.ORGANIZATION;
    private static final String GLOBEX = Callers.OTHER_ORGANIZATION;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A platform admin acting for the public catalogue (no organisation of its own). */
    private static RequestSpecification platform() {
        return given().auth().oauth2(Callers.token("platform", Set.of("platform-admin"), List.of()))
                .header("TraitTrace-Organization", "public").contentType(ContentType.JSON);
    }

    @Test
    void aSharedPublicBaseAndATeacherThroughItExposeOnlyTheOwnersStudent() throws Exception {
        String base = id("pub-base");
        String teacher = id("pub-teacher");
        String numbers = id("pub-numbers");
        String acmeStudent = id("acme-student");
        String globexStudent = id("globex-student");
        platform().body(Map.of("models", List.of(model(base), model(teacher, base, "finetune")),
                "datasets", List.of(generated(numbers, teacher)))).post("/api/lineage/import").then().statusCode(200);

        as("auditor", ACME).body(Map.of("models", List.of(model(acmeStudent, base, "finetune")),
                "trainingRuns", List.of(run(id("run"), acmeStudent, numbers))))
                .post("/api/lineage/import").then().statusCode(200).body("exposuresDetected", equalTo(1));
        as("auditor", GLOBEX).body(model(globexStudent, base, "finetune")).post("/api/lineage/models").then().statusCode(201);

        for (String org : List.of(ACME, GLOBEX)) {
            as("viewer", org).get("/api/lineage/models/" + base).then().statusCode(200).body("organization", equalTo("public"));
            as("viewer", org).get("/api/lineage/datasets/" + numbers).then().statusCode(200).body("organization", equalTo("public"));
        }
        as("viewer", ACME).get("/api/lineage/models/" + acmeStudent + "/exposure").then().statusCode(200)
                .body("level", equalTo("SAME_INIT"))
                .body("paths[0].model", contains(acmeStudent, null, teacher))
                .body("paths[0].dataset", contains(null, numbers, null));
        // The public base's page: each organisation sees its own descendants and the public ones, never the other's.
        as("viewer", ACME).get("/api/lineage/models/" + base + "/descendants").then().statusCode(200)
                .body("nodes.total", equalTo(2)).body("nodes.items.id", containsInAnyOrder(teacher, acmeStudent));
        as("viewer", GLOBEX).get("/api/lineage/models/" + base + "/descendants").then().statusCode(200)
                .body("nodes.total", equalTo(2)).body("nodes.items.id", containsInAnyOrder(teacher, globexStudent));
        as("viewer", GLOBEX).get("/api/lineage/models/" + base + "/family").then().statusCode(200)
                .body("members.total", equalTo(2)).body("members.items.id", containsInAnyOrder(teacher, globexStudent));
        platform().get("/api/lineage/models/" + base + "/descendants").then().statusCode(200)
                .body("nodes.items.id", contains(teacher));
        // globex sees nothing of acme's exposure through the public teacher.
        as("viewer", GLOBEX).get("/api/lineage/models/" + acmeStudent + "/exposure").then().statusCode(404);
        as("viewer", GLOBEX).get("/api/lineage/exposures?size=500").then().body("items.model", not(hasItem(acmeStudent)));
        as("viewer", GLOBEX).get("/api/lineage/models/" + teacher + "/exposure").then().body("level", equalTo("NONE"));
        as("viewer", GLOBEX).get("/api/lineage/models/" + globexStudent + "/exposure").then().body("level", equalTo("NONE"));

        try (TopicReader reader = new TopicReader(Topics.EXPOSURE_DETECTED)) {
            List<ConsumerRecord<String, String>> events = reader.awaitMatching(r -> acmeStudent.equals(r.key()), 1,
                    Duration.ofSeconds(20));
            assertThat(events).hasSize(1);
            assertThat(JSON.readTree(events.get(0).value()).at("/data/organization").asText()).isEqualTo(ACME);
        }
    }

    @Test
    void aPublicWriteRegradesDescendantsInEveryOrganisationEachInItsOwn() throws Exception {
        String base = id("pub-base");
        String teacher = id("pub-teacher");
        String numbers = id("pub-numbers");
        String tuned = id("pub-tuned");
        String child = id("child"); // the same id in both organisations
        platform().body(Map.of("models", List.of(model(base), model(teacher, base, "finetune"), model(tuned, base, "finetune")),
                "datasets", List.of(generated(numbers, teacher)))).post("/api/lineage/import").then().statusCode(200);
        for (String org : List.of(ACME, GLOBEX)) {
            as("auditor", org).body(model(child, tuned, "quantized")).post("/api/lineage/models").then().statusCode(201);
            as("viewer", org).get("/api/lineage/models/" + child + "/exposure").then().body("level", equalTo("NONE"));
        }

        // The public fine-tune turns out to be trained on the public teacher's numbers.
        platform().body(run(id("run"), tuned, numbers)).post("/api/lineage/training-runs").then().statusCode(201);

        for (String org : List.of(ACME, GLOBEX)) {
            as("viewer", org).get("/api/lineage/models/" + child + "/exposure").then().statusCode(200)
                    .body("level", equalTo("SAME_INIT"))
                    .body("paths[0].model", contains(child, tuned, null, teacher));
            as("viewer", org).get("/api/lineage/exposures?size=500").then().body("items.model", hasItem(child));
        }
        try (TopicReader reader = new TopicReader(Topics.EXPOSURE_DETECTED)) {
            List<ConsumerRecord<String, String>> events = reader.awaitMatching(
                    r -> child.equals(r.key()) || tuned.equals(r.key()), 3, Duration.ofSeconds(20));
            assertThat(events).hasSize(3);
            Map<String, String> orgByModelAndOrg = new java.util.HashMap<>();
            for (ConsumerRecord<String, String> record : events) {
                JsonNode data = JSON.readTree(record.value()).get("data");
                orgByModelAndOrg.put(record.key() + "@" + data.get("organization").asText(), data.get("teacher").asText());
            }
            assertThat(orgByModelAndOrg).containsOnlyKeys(tuned + "@public", child + "@" + ACME, child + "@" + GLOBEX);
        }
    }

    @Test
    void publicAssertionsGradeEveryonesModelsAndAnOrganisationCannotJoinPublicRoots() {
        String llama = id("pub-llama");
        String qwen = id("pub-qwen");
        String teacher = id("pub-llama-teacher");
        String numbers = id("pub-numbers");
        String student = id("acme-qwen-student");
        platform().body(Map.of("models", List.of(model(llama), model(qwen), model(teacher, llama, "finetune")),
                "datasets", List.of(generated(numbers, teacher)))).post("/api/lineage/import").then().statusCode(200);
        as("auditor", ACME).body(Map.of("models", List.of(model(student, qwen, "finetune")),
                "trainingRuns", List.of(run(id("run"), student, numbers)))).post("/api/lineage/import").then().statusCode(200);
        as("viewer", ACME).get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("CROSS_FAMILY"));

        // Whether two public models share an init is the public catalogue's to say.
        as("admin", ACME).body(Map.of("roots", List.of(llama, qwen), "reason", "we think so"))
                .post("/api/lineage/assertions/shared-init").then().statusCode(422)
                .body("detail", containsString("public roots"));
        String assertion = platform().body(Map.of("roots", List.of(llama, qwen), "reason", "one pretraining run"))
                .post("/api/lineage/assertions/shared-init").then().statusCode(201)
                .body("organization", equalTo("public")).extract().path("id");
        as("viewer", ACME).get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("SAME_INIT"));
        as("viewer", GLOBEX).get("/api/lineage/assertions/shared-init/" + assertion).then().statusCode(200);
        as("admin", ACME).delete("/api/lineage/assertions/shared-init/" + assertion).then().statusCode(403);

        // acme may say what the catalogue says; the catalogue then cannot take it back under acme.
        String acmes = as("admin", ACME).body(Map.of("roots", List.of(qwen, llama), "reason", "as the catalogue says"))
                .post("/api/lineage/assertions/shared-init").then().statusCode(201).extract().path("id");
        platform().delete("/api/lineage/assertions/shared-init/" + assertion).then().statusCode(409)
                .body("detail", containsString("1 organisation(s)"));
        as("viewer", GLOBEX).get("/api/lineage/assertions/shared-init/" + assertion).then().statusCode(200);
        as("admin", ACME).delete("/api/lineage/assertions/shared-init/" + acmes).then().statusCode(204);
        as("viewer", ACME).get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("SAME_INIT"));

        platform().delete("/api/lineage/assertions/shared-init/" + assertion).then().statusCode(204);
        as("viewer", ACME).get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("CROSS_FAMILY"));
    }

    @Test
    void onlyAPlatformAdminWritesPublicAndIdsAreNeverOnBothSides() {
        String base = id("pub-base");
        String numbers = id("pub-numbers");
        String acmeModel = id("acme-model");
        platform().body(Map.of("models", List.of(model(base)), "datasets", List.of(generated(numbers, base))))
                .post("/api/lineage/import").then().statusCode(200);
        as("auditor", ACME).body(model(acmeModel, base, "finetune")).post("/api/lineage/models").then().statusCode(201);

        // An organisation's admin is not a platform admin.
        as("admin", ACME).header("TraitTrace-Organization", "public").body(model(id("x"))).post("/api/lineage/models")
                .then().statusCode(403).contentType("application/problem+json");
        // A platform admin acting for an organisation needs a role there like anyone.
        given().auth().oauth2(Callers.token("platform-member", Set.of("platform-admin"), List.of(ACME)))
                .get("/api/lineage/models/" + acmeModel).then().statusCode(403).contentType("application/problem+json");
        // An id the public catalogue holds is not an organisation's to take, and the other way round.
        as("auditor", GLOBEX).body(model(base)).post("/api/lineage/models").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("public catalogue"));
        as("auditor", GLOBEX).body(generated(numbers, base)).post("/api/lineage/datasets").then().statusCode(409);
        platform().body(model(acmeModel)).post("/api/lineage/models").then().statusCode(409)
                .body("detail", containsString("an organisation"));
        // A public record references public records only; an organisation adds no training data to a public model.
        platform().body(model(id("pub-child"), acmeModel, "finetune")).post("/api/lineage/models").then().statusCode(422);
        as("auditor", ACME).body(run(id("run"), base, numbers)).post("/api/lineage/training-runs").then().statusCode(422)
                .body("errors", hasItem(containsString("public catalogue")));
        // Nothing of those refused writes landed anywhere.
        as("viewer", GLOBEX).get("/api/lineage/models/" + base).then().body("organization", equalTo("public"));
        platform().get("/api/lineage/models/" + acmeModel).then().statusCode(404);
    }

    @Test
    void anOrganisationAndThePublicCatalogueRacingForOneIdNeverBothGetIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String contested = id("contested");
                CountDownLatch start = new CountDownLatch(1);
                Future<Integer> acme = pool.submit(() -> {
                    start.await();
                    return as("auditor", ACME).body(model(contested)).post("/api/lineage/models").statusCode();
                });
                Future<Integer> catalogue = pool.submit(() -> {
                    start.await();
                    return platform().body(model(contested)).post("/api/lineage/models").statusCode();
                });
                start.countDown();
                List<Integer> statuses = List.of(acme.get(30, TimeUnit.SECONDS), catalogue.get(30, TimeUnit.SECONDS));
                assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(201, 409);
                String holder = statuses.get(0) == 201 ? ACME : "public";
                as("viewer", ACME).get("/api/lineage/models/" + contested).then().statusCode(200)
                        .body("organization", equalTo(holder));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Two halves of a join of public roots asserted at once (acme root R with public P, and R with public Q): each alone
     * is allowed, together they would join P and Q in acme's view. Never both.
     */
    @Test
    void twoHalvesOfAJoinOfPublicRootsAssertedAtOnceNeverBothLand() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String p = id("pub-p");
                String q = id("pub-q");
                String r = id("acme-r");
                platform().body(Map.of("models", List.of(model(p), model(q)))).post("/api/lineage/import").then().statusCode(200);
                as("auditor", ACME).body(model(r)).post("/api/lineage/models").then().statusCode(201);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> halves = new ArrayList<>();
                for (String publicRoot : List.of(p, q)) {
                    halves.add(pool.submit(() -> {
                        start.await();
                        return as("auditor", ACME).body(Map.of("roots", List.of(r, publicRoot), "reason", "same run"))
                                .post("/api/lineage/assertions/shared-init").statusCode();
                    }));
                }
                start.countDown();
                List<Integer> statuses = List.of(halves.get(0).get(30, TimeUnit.SECONDS), halves.get(1).get(30, TimeUnit.SECONDS));
                assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(201, 422);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
