package io.traittrace.audit.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.audit.rest.RunnerApi.canary;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ValidatableResponse;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.Callers;

/** Every bad request gets a 4xx problem and creates nothing. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class BadInputApiTest {

    @OidcWireMock
    WireMockServer wiremock;

    String student;

    @BeforeEach
    void lineageKnowsTheStudent() {
        student = id("student");
        lineage(wiremock, student, null, null);
    }

    private int audits() {
        return as("viewer").get("/api/audits?size=1").then().statusCode(200).extract().path("total");
    }

    /** Posts the canary request as changed by {@code change}; expects {@code status} and that nothing was created. */
    private ValidatableResponse refused(int status, Consumer<ObjectNode> change) {
        ObjectNode request = canary(id("key"), student, 3);
        change.accept(request);
        int before = audits();
        ValidatableResponse response = as("auditor").body(request.toString()).post("/api/audits").then().log().ifValidationFails().statusCode(status)
                .contentType("application/problem+json").body("status", equalTo(status));
        assertThat(audits()).as("audits after a refused request").isEqualTo(before);
        return response;
    }

    @Test
    void unknownProtocolAndUnavailableOnes() {
        refused(400, r -> r.put("protocol", "telepathy")).body("errors", hasItem(containsString("protocol")));
        // A numbers audit with the canary's parameters: refused on the first one numbers does not know.
        refused(400, r -> r.put("protocol", "numbers")).body("detail", containsString("Unknown numbers parameter"))
                .body("errors", hasItem(containsString("parameters.")));
        refused(400, r -> r.remove("protocol"));
    }

    @Test
    void seedsGpusAndDeadlinesOutOfRange() {
        refused(400, r -> r.put("seedsPerArm", -3));
        refused(400, r -> r.put("seedsPerArm", 0));
        refused(400, r -> r.put("seedsPerArm", 1)).body("detail", containsString("at least 2"));
        refused(400, r -> r.put("seedsPerArm", 1_000_000)).body("detail", containsString("seedsPerArm"));
        refused(400, r -> r.put("seedsPerArm", "many"));
        refused(400, r -> r.putObject("resources").put("gpus", -1));
        refused(400, r -> r.putObject("resources").put("gpus", 4096)).body("detail", containsString("GPUs"));
        refused(400, r -> r.putObject("resources").put("deadlineSeconds", 5));
        refused(400, r -> r.putObject("resources").put("deadlineSeconds", 10L * 365 * 86400));
        refused(400, r -> r.putObject("resources").put("gpuType", "A100; rm -rf /"));
    }

    @Test
    void marginsThatAreNotPositiveOrThatTheSeedsCannotSupport() {
        refused(400, r -> r.put("margin", 0)).body("errors", hasItem(containsString("margin")));
        refused(400, r -> r.put("margin", -0.2));
        refused(400, r -> r.put("margin", "wide"));
        refused(400, r -> r.put("margin", 1.5)).body("detail", containsString("(0, 1]"));
        // Three seeds at the canary's default margin 0.2: 6 seeds are needed for 80 % power, and the answer says so.
        refused(400, r -> r.remove("margin")).body("detail", containsString("6 seeds per arm are needed for 80 % power at the margin 0.2"))
                .body("errors", hasItem(containsString("seedsPerArm")));
        refused(400, r -> r.put("margin", 0.5)).body("detail", containsString("seeds per arm are needed"));
    }

    @Test
    void anImageAuditMustDeclareItsMargin() {
        refused(400, r -> {
            r.put("protocol", "image").remove("margin");
            r.putArray("traits").add("owl");
            ObjectNode p = r.putObject("parameters").put("image", "registry.example.com/team/probe@sha256:" + "0a".repeat(32));
            p.putArray("arms").add("treatment").add("control-gen");
        }).body("errors", hasItem(containsString("margin: an image audit declares its margin")));
    }

    /** The family test's checkpoints are read by a local probe process: only under the configured model roots. */
    @Test
    void aFamilyTestReadsCheckpointsOnlyUnderTheModelRoots() {
        refused(400, r -> {
            r.put("protocol", "family").remove("seedsPerArm");
            r.remove("margin");
            r.putObject("parameters").put("a", "/etc").put("b", "/root/.ssh");
        }).body("errors", hasItem(containsString("parameters.a: /etc is not under an allowed model root")));
        refused(400, r -> {
            r.put("protocol", "family").remove("seedsPerArm");
            r.remove("margin");
            String root = java.nio.file.Path.of("target/demo-models").toAbsolutePath().toString();
            r.putObject("parameters").put("a", root + "/student").put("b", root + "/../../../../etc");
        }).body("errors", hasItem(containsString("parameters.b: '")), "errors", hasItem(containsString("no '..'")));
    }

    @Test
    void anImageAuditNamesItsImageByDigest() {
        refused(400, r -> {
            r.put("protocol", "image");
            r.putArray("traits").add("owl");
            ObjectNode p = r.putObject("parameters").put("image", "registry.example.com/team/probe:1");
            p.putArray("arms").add("treatment").add("control-gen");
        }).body("errors", hasItem(containsString("parameters.image: an image audit needs \"image\": a container image pinned by digest")));
    }

    @Test
    void theExposurePolicysKeysAreNotForApiCallers() {
        refused(400, r -> r.put("idempotencyKey", "exposure:" + "ab".repeat(32))).body("errors", hasItem(containsString("idempotencyKey")));
    }

    @Test
    void parametersTheProtocolDoesNotKnowOrThatAreTooLarge() {
        refused(400, r -> ((ObjectNode) r.get("parameters")).put("replicates", 100)).body("detail", containsString("replicates"));
        refused(400, r -> ((ObjectNode) r.get("parameters")).put("rm -rf /", 1));
        refused(400, r -> ((ObjectNode) r.get("parameters")).put("huge", "x".repeat(20_000))).body("detail", containsString("bytes"));
        refused(400, r -> r.putArray("traits").add("owl"));
        refused(400, r -> r.put("parameters", "not an object"));
    }

    @Test
    void canaryDataOtherThanSyntheticOrAConfiguredDirectory() {
        refused(400, r -> ((ObjectNode) r.get("parameters")).put("data", "/etc")).body("detail", containsString("data directories"))
                .body("errors", hasItem(containsString("parameters.data")));
        refused(400, r -> ((ObjectNode) r.get("parameters")).put("data", "/usr/share/datasets/fashion-mnist/../../../../etc"));
        refused(400, r -> ((ObjectNode) r.get("parameters")).put("data", 7));
    }

    @Test
    void idsThatWouldBreakNamesOrQuoting() {
        for (String bad : new String[] { "a/b", "../../etc/passwd", "$(reboot)", "model name", "mödel", "x".repeat(129), "-leading", "a\"b", "a;b",
                "" }) {
            refused(400, r -> r.put("student", bad));
            refused(400, r -> r.put("teacher", bad));
        }
        refused(400, r -> r.put("idempotencyKey", "has space"));
        refused(400, r -> r.put("idempotencyKey", "k".repeat(201)));
        refused(400, r -> r.remove("student"));
    }

    @Test
    void malformedBodies() {
        int before = audits();
        as("auditor").body("{\"idempotencyKey\": ").post("/api/audits").then().statusCode(400).contentType("application/problem+json");
        as("auditor").body("[1, 2]").post("/api/audits").then().statusCode(400);
        as("auditor").body("").post("/api/audits").then().statusCode(400);
        as("auditor").contentType("text/plain").body("canary please").post("/api/audits").then().statusCode(415);
        as("auditor").body("{\"pad\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}").post("/api/audits").then().statusCode(413);
        assertThat(audits()).isEqualTo(before);
    }

    @Test
    void lineageRecordsThatCannotBeAudited() {
        String unknown = id("ghost");
        RunnerApi.unknown(wiremock, "/api/lineage/models/" + unknown);
        RunnerApi.unknown(wiremock, "/api/lineage/models/" + unknown + "/exposure");
        refused(422, r -> r.put("student", unknown)).body("errors", hasItem(containsString("unknown model '" + unknown + "'")));
        String undigested = id("nodigest");
        RunnerApi.model(wiremock, undigested, null, "root");
        RunnerApi.unknown(wiremock, "/api/lineage/models/" + undigested + "/exposure");
        refused(422, r -> r.put("student", undigested)).body("errors", hasItem(containsString("digest")));
        String teacher = id("ghost-teacher");
        RunnerApi.unknown(wiremock, "/api/lineage/models/" + teacher);
        refused(422, r -> r.put("teacher", teacher)).body("errors", hasItem(containsString("teacher")));
    }

    @Test
    void aLineageOutageIsA503AndNothingIsCreated() {
        String down = id("down");
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + down)).willReturn(aResponse().withStatus(500)));
        refused(503, r -> r.put("student", down)).body("detail", containsString("lineage"));
    }

    @Test
    void unknownAuditsAndBadQueries() {
        as("viewer").get("/api/audits/" + java.util.UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        as("viewer").get("/api/audits/not-a-uuid").then().statusCode(404);
        as("auditor").post("/api/audits/" + java.util.UUID.randomUUID() + "/cancel").then().statusCode(404);
        as("viewer").get("/api/audits?state=SLEEPING").then().statusCode(400);
        as("viewer").get("/api/audits?size=100000").then().statusCode(400)
                .body("detail", equalTo("page must be ≥ 0 and size between 1 and 200"));
        as("viewer").get("/api/audits?page=-1").then().statusCode(400)
                .body("detail", equalTo("page must be ≥ 0 and size between 1 and 200"));
    }
}
