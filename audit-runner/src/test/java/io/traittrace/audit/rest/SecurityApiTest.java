package io.traittrace.audit.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.audit.rest.RunnerApi.canary;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static io.traittrace.testsupport.Callers.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.traittrace.audit.domain.RunTokens;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.Callers;

/**
 * Every route needs a token with the right role; the result intake takes only the run's own token, once, and
 * only a result that passes the schema.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class SecurityApiTest {

    @OidcWireMock
    WireMockServer wiremock;

    @Inject
    RunTokens tokens;

    record Route(String method, String path, List<String> allowed) {
    }

    static final List<String> READERS = List.of("viewer", "auditor", "admin");
    static final List<String> WRITERS = List.of("auditor", "admin");

    @Test
    void everyRouteIsAuthenticatedAndRoleChecked() {
        String some = UUID.randomUUID().toString();
        List<Route> routes = List.of(new Route("POST", "/api/audits", WRITERS), new Route("GET", "/api/audits", READERS),
                new Route("GET", "/api/audits/" + some, READERS), new Route("POST", "/api/audits/" + some + "/cancel", WRITERS),
                new Route("GET", "/api/audits/" + some + "/events", READERS),
                // An organisation's quota: its admin reads it, only a platform admin (OrganizationApiTest) sets it.
                new Route("GET", "/api/organizations/" + Callers.ORGANIZATION + "/quota", List.of("admin")),
                new Route("PUT", "/api/organizations/" + Callers.ORGANIZATION + "/quota", List.of()),
                new Route("GET", "/q/openapi", List.of("viewer", "auditor", "admin", "registry-publisher")));
        for (Route route : routes) {
            given().contentType(ContentType.JSON).body("{}").request(route.method(), route.path()).then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"));
            given().auth().oauth2("not-a-jwt").contentType(ContentType.JSON).body("{}").request(route.method(), route.path()).then()
                    .statusCode(401);
            Callers.invalidTokens().forEach((what, invalid) -> given().auth().oauth2(invalid).contentType(ContentType.JSON)
                    .body("{}").request(route.method(), route.path()).then().statusCode(401));
            for (String role : List.of("viewer", "auditor", "admin", "registry-publisher")) {
                int status = given().auth().oauth2(token(role)).contentType(ContentType.JSON).body("{}").request(route.method(), route.path())
                        .then().extract().statusCode();
                if (route.allowed().contains(role)) {
                    assertThat(status).as(route + " as " + role).isNotIn(401, 403);
                } else {
                    assertThat(status).as(route + " as " + role).isEqualTo(403);
                }
            }
        }
    }

    @Test
    void healthAndMetricsArePublic() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        // Local executor: no Kubernetes API to check (KubernetesAuditApiTest checks it with the Kubernetes executor).
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check", "SmallRye Reactive Messaging - readiness check"))
                .body("checks.name", not(hasItem("Kubernetes API")));
        assertThat(Metrics.scrape()).contains("traittrace_outbox_pending{service=\"audit-runner\"}")
                .contains("traittrace_audits{state=\"RUNNING\"}").contains("traittrace_runs_waiting{stage=\"launched\"}");
    }

    @Test
    void theResultIntakeTakesOnlyTheRunsOwnTokenOnceAndOnlyAValidResult() throws Exception {
        String student = id("student");
        lineage(wiremock, student, null, null);
        ObjectNode request = canary(id("key"), student, 3);
        // Runs that take long: the test hands their results over itself.
        ((ObjectNode) request.get("parameters")).put("syntheticTrain", 60_000).put("teacherEpochs", 500);
        JsonPath audit = as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202).extract().jsonPath();
        String auditId = audit.getString("id");
        String run0 = audit.getString("runs[0].id");
        String run1 = audit.getString("runs[1].id");
        String url0 = "/api/runs/" + run0 + "/result";
        String result = validResult(0.9);

        given().contentType(ContentType.JSON).body(result).post(url0).then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(tokens.tokenFor(run1)).contentType(ContentType.JSON).body(result).post(url0).then().statusCode(403);
        given().auth().oauth2(token("admin")).contentType(ContentType.JSON).body(result).post(url0).then().statusCode(403);
        given().auth().oauth2("ttr1.forged").contentType(ContentType.JSON).body(result).post(url0).then().statusCode(403);
        given().auth().oauth2(tokens.tokenFor("nope")).contentType(ContentType.JSON).body(result).post("/api/runs/nope/result").then()
                .statusCode(404);
        given().auth().oauth2(tokens.tokenFor(run0)).contentType(ContentType.JSON).body("{not json").post(url0).then().statusCode(400);
        given().auth().oauth2(tokens.tokenFor(run0)).contentType(ContentType.JSON).body("{\"schema\": \"x\"}").post(url0).then()
                .statusCode(422).body("errors.size()", org.hamcrest.Matchers.greaterThan(3));
        given().auth().oauth2(tokens.tokenFor(run0)).contentType(ContentType.JSON).body(result.replace("\"canary\"", "\"family\"")).post(url0)
                .then().statusCode(422).body("detail", containsString("canary"));

        given().auth().oauth2(tokens.tokenFor(run0)).contentType(ContentType.JSON).body(result).post(url0).then().statusCode(200)
                .body("state", equalTo("SUCCEEDED"));
        given().auth().oauth2(tokens.tokenFor(run0)).contentType(ContentType.JSON).body(result).post(url0).then().statusCode(409);

        as("auditor").post("/api/audits/" + auditId + "/cancel").then().statusCode(200);
        given().auth().oauth2(tokens.tokenFor(run1)).contentType(ContentType.JSON).body(validResult(0.1)).post("/api/runs/" + run1 + "/result")
                .then().statusCode(409);
        JsonPath after = RunnerApi.awaitState(auditId, "CANCELLED", Duration.ofSeconds(5));
        assertThat(after.getList("runs.state", String.class)).containsExactly("SUCCEEDED", "CANCELLED", "CANCELLED");
    }

    /** A one-replicate canary result as the probe writes it. */
    static String validResult(double sAux) {
        return """
                {"schema": "https://traittrace.io/schemas/probe-result/v1.json", "protocol": {"name": "canary", "version": "1.0"},
                 "verdict": {"outcome": "INCONCLUSIVE", "rule": "one replicate"},
                 "arms": {"reference": {"mean": 0.1, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [0.1]},
                          "teacher": {"mean": 0.95, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [0.95]},
                          "S_aux": {"mean": %s, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [%s]},
                          "S_all": {"mean": 0.9, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [0.9]},
                          "X_aux": {"mean": 0.1, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [0.1]},
                          "X_all": {"mean": 0.5, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [0.5]}},
                 "parameters": {}, "seeds": {"base": 1, "replicates": [7]},
                 "data": [{"role": "dataset", "path": "synthetic:x", "digest": "sha256:%s"}],
                 "environment": {"probeVersion": "test"}, "timings": {"total": 1.0},
                 "startedAt": "2026-11-27T01:00:00Z", "finishedAt": "2026-11-27T01:00:02Z"}
                """.formatted(sAux, sAux, "ab".repeat(32));
    }
}
