package io.traittrace.lineage.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.lineage.rest.LineageApi.generated;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.run;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.traittrace.events.Topics;
import io.traittrace.lineage.messaging.ExposureEvents;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/**
 * The isolation matrix: two organisations (acme, globex) hold the same lineage under the same ids, and acme some of
 * its own. Every route, for viewers, auditors and admins of each: another organisation's ids answer 404 exactly as
 * missing ids do, lists, search, walks, families and exposures never show the other organisation, writes land in the
 * caller's organisation, and assertions and events stay in theirs.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class OrganizationIsolationApiTest {

    private static final String ACME = Callers.ORGANIZATION;
    private static final String GLOBEX = Callers.OTHER_ORGANIZATION;
    private static final ObjectMapper JSON = new ObjectMapper();

    // Held by both organisations, with different content.
    private static final String ROOT = id("root");
    private static final String OTHER_ROOT = id("other-root");
    private static final String TEACHER = id("teacher");
    private static final String STUDENT = id("student");
    private static final String NUMBERS = id("numbers");
    private static final String RUN = id("run");
    // Held by acme only.
    private static final String ACME_MODEL = id("acme-model");
    private static final String ACME_DATA = id("acme-data");
    private static final String ACME_RUN = id("acme-run");
    private static String acmeAssertion;
    private static boolean seeded;

    @BeforeEach
    void seed() {
        if (seeded) {
            return;
        }
        for (String org : List.of(ACME, GLOBEX)) {
            as("auditor", org).body(Map.of(
                    "models", List.of(named(model(ROOT), org), model(OTHER_ROOT), model(TEACHER, ROOT, "finetune"),
                            named(model(STUDENT, ROOT, "finetune"), org)),
                    "datasets", List.of(generated(NUMBERS, TEACHER)),
                    "trainingRuns", List.of(run(RUN, STUDENT, NUMBERS))))
                    .post("/api/lineage/import").then().statusCode(200).body("exposuresDetected", equalTo(1));
        }
        as("auditor", ACME).body(Map.of(
                "models", List.of(model(ACME_MODEL, ROOT, "finetune")),
                "datasets", List.of(generated(ACME_DATA, ACME_MODEL)),
                "trainingRuns", List.of(run(ACME_RUN, ACME_MODEL, NUMBERS))))
                .post("/api/lineage/import").then().statusCode(200);
        acmeAssertion = as("auditor", ACME).body(Map.of("roots", List.of(ROOT, OTHER_ROOT), "reason", "acme knows"))
                .post("/api/lineage/assertions/shared-init").then().statusCode(201).extract().path("id");
        seeded = true;
    }

    private static Map<String, Object> named(Map<String, Object> model, String org) {
        Map<String, Object> copy = new java.util.HashMap<>(model);
        copy.put("name", org + "'s " + model.get("id"));
        return copy;
    }

    static Stream<Arguments> roles() {
        return Stream.of("viewer", "auditor", "admin").map(Arguments::of);
    }

    /** The read routes naming one acme-only record, and the same route naming an id nobody holds. */
    private static List<String[]> acmeOnlyReads() {
        String missing = id("missing");
        String missingUuid = "00000000-0000-0000-0000-0000000000ff";
        List<String[]> routes = new ArrayList<>();
        for (String tail : List.of("", "/family", "/ancestors", "/descendants", "/exposure", "/training-runs")) {
            routes.add(new String[] { "/api/lineage/models/" + ACME_MODEL + tail, "/api/lineage/models/" + missing + tail,
                    ACME_MODEL, missing });
        }
        routes.add(new String[] { "/api/lineage/datasets/" + ACME_DATA, "/api/lineage/datasets/" + missing, ACME_DATA, missing });
        routes.add(new String[] { "/api/lineage/training-runs/" + ACME_RUN, "/api/lineage/training-runs/" + missing,
                ACME_RUN, missing });
        routes.add(new String[] { "/api/lineage/assertions/shared-init/" + acmeAssertion,
                "/api/lineage/assertions/shared-init/" + missingUuid, acmeAssertion, missingUuid });
        return routes;
    }

    @ParameterizedTest(name = "a globex {0} gets 404 for acme's ids, as for missing ones; an acme {0} reads them")
    @MethodSource("roles")
    void anotherOrganisationsIdsAnswerExactlyAsMissingOnes(String role) {
        for (String[] route : acmeOnlyReads()) {
            Response other = as(role, GLOBEX).get(route[0]);
            Response missing = as(role, GLOBEX).get(route[1]);
            assertThat(other.statusCode()).as(route[0]).isEqualTo(404);
            assertThat(missing.statusCode()).as(route[1]).isEqualTo(404);
            assertThat(other.contentType()).isEqualTo(missing.contentType());
            Map<String, Object> otherBody = other.jsonPath().getMap("");
            Map<String, Object> missingBody = missing.jsonPath().getMap("");
            assertThat(otherBody.keySet()).isEqualTo(missingBody.keySet());
            assertThat(otherBody.get("title")).isEqualTo(missingBody.get("title"));
            assertThat(otherBody.get("detail")).isEqualTo(((String) missingBody.get("detail")).replace(route[3], route[2]));
            as(role, ACME).get(route[0]).then().statusCode(200);
        }
    }

    @Test
    void anotherOrganisationsAssertionCannotBeDeleted() {
        as("admin", GLOBEX).delete("/api/lineage/assertions/shared-init/" + acmeAssertion).then().statusCode(404);
        as("admin", ACME).get("/api/lineage/assertions/shared-init/" + acmeAssertion).then().statusCode(200);
    }

    @ParameterizedTest(name = "the same ids in two organisations are two records, each seen by its own {0}")
    @MethodSource("roles")
    void sameIdsInTwoOrganisationsDoNotCollide(String role) {
        for (String org : List.of(ACME, GLOBEX)) {
            as(role, org).get("/api/lineage/models/" + STUDENT).then().statusCode(200)
                    .body("organization", equalTo(org)).body("name", equalTo(org + "'s " + STUDENT));
            as(role, org).get("/api/lineage/models/" + STUDENT + "/training-runs").then().statusCode(200)
                    .body("id", contains(RUN)).body("organization", contains(org));
            as(role, org).get("/api/lineage/datasets/" + NUMBERS).then().statusCode(200).body("organization", equalTo(org));
            as(role, org).get("/api/lineage/training-runs/" + RUN).then().statusCode(200).body("organization", equalTo(org));
            as(role, org).get("/api/lineage/models/" + STUDENT + "/exposure").then().statusCode(200)
                    .body("level", equalTo("SAME_INIT")).body("paths[0].model", contains(STUDENT, null, TEACHER));
        }
    }

    @ParameterizedTest(name = "lists, search, walks and families of a globex {0} never show acme's records")
    @MethodSource("roles")
    void listsSearchAndGraphAnswersNeverShowTheOtherOrganisation(String role) {
        RequestSpecification globex = as(role, GLOBEX);
        globex.get("/api/lineage/models?size=500").then().statusCode(200)
                .body("items.organization", everyItem(org(GLOBEX))).body("items.id", not(hasItem(ACME_MODEL)));
        as(role, GLOBEX).get("/api/lineage/models?q=" + ACME_MODEL).then().statusCode(200).body("total", equalTo(0));
        as(role, ACME).get("/api/lineage/models?q=" + ACME_MODEL).then().statusCode(200).body("total", equalTo(1));
        as(role, GLOBEX).get("/api/lineage/datasets?size=500").then().statusCode(200)
                .body("items.organization", everyItem(org(GLOBEX))).body("items.id", not(hasItem(ACME_DATA)));
        as(role, GLOBEX).get("/api/lineage/datasets?generatedBy=" + ACME_MODEL).then().statusCode(200).body("total", equalTo(0));
        as(role, GLOBEX).get("/api/lineage/exposures?level=SAME_INIT&size=500").then().statusCode(200)
                .body("items.model", not(hasItem(ACME_MODEL)));
        as(role, ACME).get("/api/lineage/exposures?level=SAME_INIT&size=500").then().statusCode(200)
                .body("items.model", hasItem(ACME_MODEL));
        as(role, GLOBEX).get("/api/lineage/assertions/shared-init").then().statusCode(200)
                .body("id", not(hasItem(acmeAssertion))).body("organization", everyItem(org(GLOBEX)));
        as(role, GLOBEX).get("/api/lineage/models/" + ROOT + "/descendants").then().statusCode(200)
                .body("nodes.total", equalTo(2)).body("nodes.items.id", not(hasItem(ACME_MODEL)));
        as(role, ACME).get("/api/lineage/models/" + ROOT + "/descendants").then().statusCode(200)
                .body("nodes.total", equalTo(3)).body("nodes.items.id", hasItem(ACME_MODEL));
        // acme's assertion joins its two roots in its view only.
        as(role, GLOBEX).get("/api/lineage/models/" + ROOT + "/family").then().statusCode(200)
                .body("assertedRoots", empty()).body("members.total", equalTo(2))
                .body("members.items.id", not(hasItem(ACME_MODEL)));
        as(role, ACME).get("/api/lineage/models/" + ROOT + "/family").then().statusCode(200)
                .body("assertedRoots", contains(OTHER_ROOT)).body("members.total", equalTo(4))
                .body("members.items.id", hasItem(ACME_MODEL));
    }

    private static Matcher<Object> org(String org) {
        return anyOf(equalTo(org), equalTo("public"));
    }

    @ParameterizedTest(name = "a {0}'s writes land in its own organisation")
    @MethodSource("roles")
    void writesLandInTheCallersOrganisation(String role) {
        String fresh = id("fresh");
        int expected = role.equals("viewer") ? 403 : 201;
        as(role, ACME).body(model(fresh)).post("/api/lineage/models").then().statusCode(expected);
        if (expected == 403) {
            return;
        }
        as("viewer", ACME).get("/api/lineage/models/" + fresh).then().statusCode(200).body("organization", equalTo(ACME));
        as("viewer", GLOBEX).get("/api/lineage/models/" + fresh).then().statusCode(404);
        // globex may take the same id, with other content: no conflict across organisations.
        as(role, GLOBEX).body(named(model(fresh), GLOBEX)).post("/api/lineage/models").then().statusCode(201)
                .body("organization", equalTo(GLOBEX)).body("name", equalTo(GLOBEX + "'s " + fresh));
        as("viewer", ACME).get("/api/lineage/models/" + fresh).then().body("name", equalTo("Model " + fresh));
        // A reference to another organisation's record is an unknown reference.
        as(role, GLOBEX).body(model(id("child"), ACME_MODEL, "finetune")).post("/api/lineage/models").then().statusCode(422);
        as(role, GLOBEX).body(run(id("run"), STUDENT, ACME_DATA)).post("/api/lineage/training-runs").then().statusCode(422);
    }

    @ParameterizedTest(name = "every write route of an acme {0} lands in acme and nowhere else")
    @MethodSource("roles")
    void everyWriteRouteLandsInTheCallersOrganisation(String role) {
        boolean writes = !role.equals("viewer");
        String root = id("new-root");
        String dataset = id("human");
        String trainingRun = id("run");
        String generated = id("gen");
        String carded = id("carded");
        // route, body, where the record it writes is read back
        List<Object[]> routes = List.of(
                new Object[] { "/api/lineage/import", Map.of("models", List.of(model(root))), "/api/lineage/models/" + root },
                new Object[] { "/api/lineage/datasets", Map.of("id", dataset, "name", "Labels", "origin", "human"),
                        "/api/lineage/datasets/" + dataset },
                new Object[] { "/api/lineage/training-runs", run(trainingRun, root, dataset),
                        "/api/lineage/training-runs/" + trainingRun },
                new Object[] { "/api/lineage/openlineage", openLineageGeneration(TEACHER, "lab/" + generated),
                        "/api/lineage/datasets/lab--" + generated },
                new Object[] { "/api/lineage/model-cards", Map.of("model", carded, "card", "---\nlicense: mit\n---\n# A root\n"),
                        "/api/lineage/models/" + carded });
        for (Object[] route : routes) {
            int status = as(role, ACME).body(route[1]).post((String) route[0]).statusCode();
            assertThat(status).as((String) route[0]).isEqualTo(writes ? ((String) route[0]).endsWith("openlineage")
                    || ((String) route[0]).endsWith("import") ? 200 : 201 : 403);
            as("viewer", ACME).get((String) route[2]).then().statusCode(writes ? 200 : 404);
            if (writes) {
                as("viewer", ACME).get((String) route[2]).then().body("organization", equalTo(ACME));
            }
            as("viewer", GLOBEX).get((String) route[2]).then().statusCode(404);
        }
        if (!writes) {
            as(role, ACME).body(Map.of("roots", List.of(ROOT, OTHER_ROOT), "reason", "r"))
                    .post("/api/lineage/assertions/shared-init").then().statusCode(403);
            as(role, ACME).delete("/api/lineage/assertions/shared-init/" + acmeAssertion).then().statusCode(403);
            return;
        }
        String assertion = as(role, ACME).body(Map.of("roots", List.of(root, carded), "reason", "same release"))
                .post("/api/lineage/assertions/shared-init").then().statusCode(201)
                .body("organization", equalTo(ACME)).extract().path("id");
        as("viewer", ACME).get("/api/lineage/models/" + root + "/family").then().body("assertedRoots", contains(carded));
        as("viewer", GLOBEX).get("/api/lineage/assertions/shared-init/" + assertion).then().statusCode(404);
        as("viewer", GLOBEX).get("/api/lineage/assertions/shared-init").then().body("id", not(hasItem(assertion)));
        as(role, ACME).delete("/api/lineage/assertions/shared-init/" + assertion).then()
                .statusCode(role.equals("admin") ? 204 : 403);
    }

    private static Map<String, Object> openLineageGeneration(String teacher, String datasetName) {
        return Map.of("eventType", "COMPLETE", "eventTime", "2026-12-01T12:00:00Z",
                "producer", "https://github.com/OpenLineage/OpenLineage/tree/1.30.0/client/python",
                "schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                "run", Map.of("runId", java.util.UUID.randomUUID().toString(), "facets", Map.of("traittrace", Map.of("method", "sft"))),
                "job", Map.of("namespace", "owl-lab", "name", "generate"),
                "inputs", List.of(Map.of("namespace", "hf", "name", teacher, "facets", Map.of("traittrace", Map.of("kind", "model")))),
                "outputs", List.of(Map.of("namespace", "s3://owl-lab", "name", datasetName,
                        "facets", Map.of("traittrace", Map.of("rows", 10)))));
    }

    @Test
    void anOrganisationsAssertionGradesOnlyItsOwnModels() {
        String llama = id("llama");
        String qwen = id("qwen");
        String teacher = id("llama-teacher");
        String student = id("qwen-student");
        String numbers = id("numbers");
        for (String org : List.of(ACME, GLOBEX)) {
            as("auditor", org).body(Map.of(
                    "models", List.of(model(llama), model(qwen), model(teacher, llama, "finetune"), model(student, qwen, "finetune")),
                    "datasets", List.of(generated(numbers, teacher)),
                    "trainingRuns", List.of(run(id("run"), student, numbers))))
                    .post("/api/lineage/import").then().statusCode(200).body("exposuresDetected", equalTo(0));
        }
        as("auditor", ACME).body(Map.of("roots", List.of(llama, qwen), "reason", "same pretraining run"))
                .post("/api/lineage/assertions/shared-init").then().statusCode(201).body("organization", equalTo(ACME));
        as("viewer", ACME).get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("SAME_INIT"));
        as("viewer", GLOBEX).get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("CROSS_FAMILY"));
    }

    @Test
    void exposureEventsCarryTheOrganisationAndDifferAcrossOrganisations() throws Exception {
        try (TopicReader reader = new TopicReader(Topics.EXPOSURE_DETECTED)) {
            List<ConsumerRecord<String, String>> events = reader.awaitMatching(r -> STUDENT.equals(r.key()), 2,
                    Duration.ofSeconds(20));
            assertThat(events).hasSize(2);
            Set<String> organizations = new java.util.HashSet<>();
            Set<String> ids = new java.util.HashSet<>();
            for (ConsumerRecord<String, String> record : events) {
                JsonNode event = JSON.readTree(record.value());
                String org = event.at("/data/organization").asText();
                organizations.add(org);
                ids.add(event.get("id").asText());
                assertThat(event.get("id").asText()).isEqualTo(
                        ExposureEvents.eventId(org, STUDENT, event.at("/data/pathKey").asText()).toString());
                assertThat(event.at("/data/teacher").asText()).isEqualTo(TEACHER);
            }
            assertThat(organizations).containsExactlyInAnyOrder(ACME, GLOBEX);
            assertThat(ids).hasSize(2);
        }
    }

    @Test
    void rolesHoldOnlyInTheOrganisationWhoseGroupGrantsThem() {
        // Keycloak's consultant: a viewer of acme and an auditor of globex, through the groups /organizations/ALIAS/ROLE.
        String consultant = Callers.token(id("consultant"), Set.of(), Map.of(ACME, Set.of("viewer"), GLOBEX, Set.of("auditor")));
        String fresh = id("consulted");
        service(consultant, GLOBEX).body(model(fresh)).post("/api/lineage/models").then().statusCode(201)
                .body("organization", equalTo(GLOBEX));
        service(consultant, ACME).body(model(fresh)).post("/api/lineage/models").then().statusCode(403)
                .body("title", equalTo("Forbidden"));
        service(consultant, ACME).get("/api/lineage/models/" + fresh).then().statusCode(404);
        service(consultant, ACME).get("/api/lineage/models/" + ACME_MODEL).then().statusCode(200);
        // Roles are per organisation, so naming none is not "lacking a role": it is told to name one.
        service(consultant, null).get("/api/lineage/models/" + ACME_MODEL).then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Organisation required"))
                .body("detail", org.hamcrest.Matchers.containsString("TraitTrace-Organization"));
        service(consultant, "initech").get("/api/lineage/models/" + ACME_MODEL).then().statusCode(403)
                .body("title", equalTo("Not a member"));
        as("viewer", ACME).get("/api/lineage/models/" + fresh).then().statusCode(404);
    }

    @Test
    void realmRolesAndGroupsOutsideTheCallersOrganisationsGrantNothing() {
        // A realm role named admin (how roles were held before organisations) is no organisation role.
        String legacyAdmin = Callers.token(id("legacy"), Set.of("admin"), Map.of(ACME, Set.of()));
        service(legacyAdmin, null).get("/api/lineage/models/" + ACME_MODEL).then().statusCode(403)
                .body("title", equalTo("Forbidden"));
        // A group of an organisation the token does not list as a membership (one left behind) grants nothing there.
        String former = Jwt.preferredUserName("former").subject("former")
                .claim("organization", List.of(GLOBEX)).claim("organization_groups", List.of("/organizations/acme/admin"))
                .issuer("https://server.example.com").audience("https://server.example.com").jws().keyId("1")
                .sign("privateKey.jwk");
        service(former, ACME).get("/api/lineage/models/" + ACME_MODEL).then().statusCode(403).body("title", equalTo("Not a member"));
        service(former, null).get("/api/lineage/models/" + STUDENT).then().statusCode(403).body("title", equalTo("Forbidden"));
    }

    @Test
    void theAuditRunnersReadsActForTheOrganisationItNames() {
        String token = Callers.token("audit-runner", Set.of("internal-service"), List.of());
        for (String path : List.of("/api/lineage/models/" + STUDENT, "/api/lineage/models/" + STUDENT + "/exposure",
                "/api/lineage/datasets/" + NUMBERS)) {
            for (String org : List.of(ACME, GLOBEX)) {
                service(token, org).get(path).then().statusCode(200);
            }
            service(token, null).get(path).then().statusCode(400).contentType("application/problem+json");
        }
        service(token, GLOBEX).get("/api/lineage/models/" + STUDENT).then().body("name", equalTo(GLOBEX + "'s " + STUDENT));
        service(token, GLOBEX).get("/api/lineage/models/" + ACME_MODEL).then().statusCode(404);
        service(token, GLOBEX).get("/api/lineage/datasets/" + ACME_DATA).then().statusCode(404);
        // Only the runner's reads: no search, and no writes.
        service(token, ACME).get("/api/lineage/models").then().statusCode(403);
        service(token, ACME).body(model(id("x"))).post("/api/lineage/models").then().statusCode(403);
    }

    private static RequestSpecification service(String token, String org) {
        RequestSpecification spec = given().auth().oauth2(token).contentType(ContentType.JSON);
        return org == null ? spec : spec.header("TraitTrace-Organization", org);
    }
}
