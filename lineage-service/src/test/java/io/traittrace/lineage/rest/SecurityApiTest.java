package io.traittrace.lineage.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.Callers;

/** Every route refuses callers without a valid token (401) and callers whose roles do not allow it (403). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class SecurityApiTest {

    private static final String ANY_UUID = "00000000-0000-0000-0000-000000000000";

    /** method, path, the weakest role allowed. */
    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("POST", "/api/lineage/models", "auditor"),
                Arguments.of("GET", "/api/lineage/models", "viewer"),
                Arguments.of("GET", "/api/lineage/models/m", "viewer"),
                Arguments.of("GET", "/api/lineage/models/m/family", "viewer"),
                Arguments.of("GET", "/api/lineage/models/m/ancestors", "viewer"),
                Arguments.of("GET", "/api/lineage/models/m/descendants", "viewer"),
                Arguments.of("GET", "/api/lineage/models/m/exposure", "viewer"),
                Arguments.of("GET", "/api/lineage/models/m/training-runs", "viewer"),
                Arguments.of("POST", "/api/lineage/datasets", "auditor"),
                Arguments.of("GET", "/api/lineage/datasets", "viewer"),
                Arguments.of("GET", "/api/lineage/datasets/d", "viewer"),
                Arguments.of("POST", "/api/lineage/training-runs", "auditor"),
                Arguments.of("GET", "/api/lineage/training-runs/r", "viewer"),
                Arguments.of("GET", "/api/lineage/exposures", "viewer"),
                Arguments.of("POST", "/api/lineage/import", "auditor"),
                Arguments.of("POST", "/api/lineage/openlineage", "auditor"),
                Arguments.of("POST", "/api/lineage/model-cards", "auditor"),
                Arguments.of("POST", "/api/lineage/assertions/shared-init", "auditor"),
                Arguments.of("GET", "/api/lineage/assertions/shared-init", "viewer"),
                Arguments.of("GET", "/api/lineage/assertions/shared-init/" + ANY_UUID, "viewer"),
                Arguments.of("DELETE", "/api/lineage/assertions/shared-init/" + ANY_UUID, "admin"));
    }

    private static RequestSpecification request(String token) {
        RequestSpecification spec = given().contentType(ContentType.JSON).body("{}");
        return token == null ? spec : spec.auth().oauth2(token);
    }

    @ParameterizedTest(name = "{0} {1} without a token is 401")
    @MethodSource("routes")
    void withoutTokenIs401(String method, String path, String role) {
        request(null).request(method, path).then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
    }

    @ParameterizedTest(name = "{0} {1} with a token of a lower role is 403")
    @MethodSource("routes")
    void belowTheRoleIs403(String method, String path, String role) {
        List<String> lower = switch (role) {
            case "viewer" -> List.of("registry-publisher");
            case "auditor" -> List.of("viewer");
            default -> List.of("viewer", "auditor");
        };
        for (String weaker : lower) {
            request(Callers.token(weaker)).request(method, path).then().statusCode(403)
                    .contentType("application/problem+json");
        }
    }

    @ParameterizedTest(name = "{0} {1} with the right role passes the security check")
    @MethodSource("routes")
    void theRightRolePasses(String method, String path, String role) {
        request(Callers.token(role)).request(method, path).then()
                .statusCode(not(401)).statusCode(not(403));
    }

    @ParameterizedTest(name = "{0} {1} with an invalid token is 401")
    @MethodSource("routes")
    void invalidTokensAre401(String method, String path, String role) {
        Callers.invalidTokens().forEach((what, token) -> request(token).request(method, path).then()
                .statusCode(401).contentType("application/problem+json"));
    }

    @Test
    void healthAndMetricsArePublicAndOpenApiIsNot() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check", "SmallRye Reactive Messaging - readiness check"));
        assertThat(Metrics.scrape()).contains("traittrace_outbox_pending{service=\"lineage-service\"}");
        given().get("/q/openapi").then().statusCode(401);
    }

    @Test
    void problemBodiesNameTheRequestPath() {
        Callers.as("viewer").get("/api/lineage/models/" + "does-not-exist").then().statusCode(404)
                .body("instance", equalTo("/api/lineage/models/does-not-exist"))
                .body("type", equalTo("https://traittrace.io/problems/not-found"));
        Callers.as("viewer").body(Map.of()).get("/api/lineage/nowhere").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
