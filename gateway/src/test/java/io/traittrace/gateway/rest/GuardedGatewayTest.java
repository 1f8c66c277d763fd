package io.traittrace.gateway.rest;

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
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.Metrics;

/**
 * The gateway protecting itself and the services: a service that cannot be reached gives 502 until its circuit
 * breaker opens (then 503 with Retry-After, without trying), and each client has its own rate limit (429).
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@TestProfile(GuardedGatewayTest.Guarded.class)
class GuardedGatewayTest {

    public static class Guarded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) is closed on test machines: every call is refused at once.
            return Map.of(
                    "gateway.lineage.url", "http://localhost:9",
                    "gateway.runner.url", "http://localhost:9",
                    "gateway.report.url", "http://localhost:9",
                    "gateway.rate-limit.requests-per-second", "0.2",
                    "gateway.rate-limit.burst", "6",
                    // The test client is the ingress: its requests name their callers in X-Forwarded-For.
                    "gateway.trusted-proxies", "127.0.0.1,::1");
        }
    }

    @Test
    void anUnreachableServiceIs502UntilItsBreakerOpensThen503() {
        String before = Metrics.scrape();
        String token = Callers.token("breaker-tester", "viewer");
        // report: no retries, breaker opens after 4 calls with failures (test profile)
        for (int i = 0; i < 4; i++) {
            given().auth().oauth2(token).get("/api/certificates/c-" + i).then().statusCode(502)
                    .contentType("application/problem+json").body("detail", containsString("report service"));
        }
        given().auth().oauth2(token).get("/api/certificates/c-5").then().statusCode(503)
                .header("Retry-After", "2").contentType("application/problem+json")
                .body("detail", containsString("paused"));
        String after = Metrics.scrape();
        assertThat(increase(before, after, "unreachable")).isEqualTo(4);
        assertThat(increase(before, after, "circuit-open")).isEqualTo(1);
    }

    private static double increase(String before, String after, String outcome) {
        String name = "traittrace_gateway_upstream_requests_seconds_count";
        return Metrics.valueIn(after, name, "service", "report", "outcome", outcome)
                - Metrics.valueIn(before, name, "service", "report", "outcome", outcome);
    }

    /** Anonymous callers behind the ingress each have their own bucket, keyed by the hop the ingress appended. */
    @Test
    void anonymousCallersBehindATrustedProxyAreLimitedOneByOne() {
        String client = "203.0.113." + (10 + (int) (Math.random() * 200));
        for (int i = 0; i < 6; i++) {
            given().header("X-Forwarded-For", client).get("/api/audits/a-" + i).then().statusCode(401);
        }
        given().header("X-Forwarded-For", client).get("/api/audits/a-7").then().statusCode(429);
        // What the caller wrote itself, on the left, changes nothing.
        given().header("X-Forwarded-For", "198.51.100.1, " + client).get("/api/audits/a-7").then().statusCode(429);
        given().header("X-Forwarded-For", "198.51.100.2").get("/api/audits/a-7").then().statusCode(401);
    }

    @Test
    void eachClientHasItsOwnRateLimit() {
        String first = Callers.token("first-client", "viewer");
        String second = Callers.token("second-client", "viewer");
        for (int i = 0; i < 6; i++) {
            given().auth().oauth2(first).get("/api/audits/a-" + i).then().statusCode(org.hamcrest.Matchers.not(429));
        }
        // At 0.2 requests per second the next token is at most 5 s away, less by however long the six calls took.
        given().auth().oauth2(first).get("/api/audits/a-7").then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-5]"));
        given().auth().oauth2(second).get("/api/audits/a-7").then().statusCode(org.hamcrest.Matchers.not(429));
    }
}
