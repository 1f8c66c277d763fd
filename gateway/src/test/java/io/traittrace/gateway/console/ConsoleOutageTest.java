package io.traittrace.gateway.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.test.security.TestSecurity;

/**
 * Services the console cannot reach: a clear 503 page (with Retry-After once the circuit breaker pauses calls),
 * and a home page that still orients. Its own profile, so that the breakers it opens stay out of other tests.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@TestProfile(ConsoleOutageTest.ServicesDown.class)
class ConsoleOutageTest {

    public static class ServicesDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) is closed on test machines: every call is refused at once.
            return Map.of(
                    "gateway.lineage.url", "http://localhost:9",
                    "gateway.runner.url", "http://localhost:9",
                    "gateway.report.url", "http://localhost:9");
        }
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void anUnreachableServiceGivesTheServiceUnavailablePage() {
        String html = given().get("/console/datasets/numbers-owl").then().statusCode(503)
                .contentType(containsString("text/html")).header("Content-Security-Policy", containsString("script-src 'self'"))
                .extract().asString();
        Html.assertCspClean(html);
        assertThat(Html.textOf(html, "error-title")).isEqualTo("Service unavailable");
        assertThat(Html.textOf(html, "error-detail")).isEqualTo("The lineage service could not be reached. Nothing was changed; try again in a little while.");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void onceTheBreakerOpensThePageSaysWhenToRetry() {
        // The report service's breaker (test profile: 4 calls, 2 s) opens after a few refused calls.
        for (int i = 0; i < 4; i++) {
            given().get("/console/certificates").then().statusCode(503);
        }
        String html = given().get("/console/certificates").then().statusCode(503).header("Retry-After", "2").extract().asString();
        assertThat(Html.textOf(html, "error-detail")).contains("report service is failing, so calls to it are paused");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void theHomePageStillOrientsWhenTheRunnerIsDown() {
        String html = given().get("/console").then().statusCode(200).extract().asString();
        assertThat(Html.textOf(html, "runner-down")).isEqualTo("The audit runner could not be reached. Nothing was changed; try again in a little while.");
        assertThat(html).contains("id=\"orientation\"");
    }
}
