package io.traittrace.report.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.util.List;
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

/** Protected routes refuse callers without a token (401) and with the wrong roles (403); public ones are public. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class SecurityApiTest {

    private static final String ANY = "00000000-0000-0000-0000-000000000000";

    /** method, path, roles allowed. */
    static Stream<Arguments> routes() {
        List<String> readers = List.of("viewer", "auditor", "admin", "registry-publisher");
        return Stream.of(
                Arguments.of("GET", "/api/certificates", readers),
                Arguments.of("GET", "/api/registries", readers),
                Arguments.of("GET", "/api/certificates/" + ANY, readers),
                Arguments.of("GET", "/api/certificates/" + ANY + "/statement", readers),
                Arguments.of("GET", "/api/certificates/" + ANY + "/model-card", readers),
                Arguments.of("POST", "/api/certificates/" + ANY + "/model-card/readme", readers),
                Arguments.of("POST", "/api/certificates/" + ANY + "/revoke", List.of("admin")));
    }

    /** A JSON body, except for the README patch, which takes the README itself. */
    private static RequestSpecification request(String token, String path) {
        RequestSpecification spec = path.endsWith("/readme")
                ? given().contentType("text/markdown").body("# model\n")
                : given().contentType(ContentType.JSON).body("{\"reason\":\"test\"}");
        return token == null ? spec : spec.auth().oauth2(token);
    }

    @ParameterizedTest(name = "{0} {1} without a token is 401")
    @MethodSource("routes")
    void withoutTokenIs401(String method, String path, List<String> roles) {
        request(null, path).request(method, path).then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        request("not.a.token", path).request(method, path).then().statusCode(401);
        Callers.invalidTokens().forEach((what, token) -> request(token, path).request(method, path).then()
                .statusCode(401).contentType("application/problem+json"));
    }

    @ParameterizedTest(name = "{0} {1} with another role is 403")
    @MethodSource("routes")
    void otherRolesAre403(String method, String path, List<String> roles) {
        for (String role : List.of("viewer", "auditor", "admin", "registry-publisher", "nobody")) {
            if (!roles.contains(role)) {
                request(Callers.token(role), path).request(method, path).then().statusCode(403).contentType("application/problem+json");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} with an allowed role passes the security check")
    @MethodSource("routes")
    void allowedRolesPass(String method, String path, List<String> roles) {
        for (String role : roles) {
            request(Callers.token(role), path).request(method, path).then().statusCode(not(401)).statusCode(not(403));
        }
    }

    @Test
    void verifyKeysRevocationsHealthAndMetricsArePublicAndOpenApiIsNot() {
        given().get("/api/keys").then().statusCode(200);
        given().get("/api/revocations").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{}").post("/api/certificates/verify").then().statusCode(400);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check", "SmallRye Reactive Messaging - readiness check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        assertThat(Metrics.scrape()).contains("traittrace_outbox_pending{service=\"report-service\"}")
                .contains("traittrace_certificate_verifications_total{outcome=\"valid\"}");
        given().get("/q/openapi").then().statusCode(401);
    }
}
