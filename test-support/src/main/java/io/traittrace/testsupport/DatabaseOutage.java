package io.traittrace.testsupport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.awaitility.core.ThrowingRunnable;

import io.restassured.response.ValidatableResponse;

/**
 * What every service owes its callers while its database is down ({@link PostgresResource}'s server paused): a 503
 * problem with Retry-After instead of a 500 or a hang, and normal answers and readiness once the database is back.
 */
public final class DatabaseOutage {

    private static final Duration RECOVERY = Duration.ofSeconds(30);

    private DatabaseOutage() {
    }

    /** Runs {@code calls} while the database is down, and brings it back whatever they do. */
    public static void whileDown(Runnable calls) {
        PostgresResource.server().pause();
        try {
            calls.run();
        } finally {
            PostgresResource.server().resume();
        }
    }

    /** Asserts the service's outage answer: 503, problem+json, Retry-After as configured by default (5 s). */
    public static ValidatableResponse assertUnavailable(ValidatableResponse response) {
        return response.statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("5"))
                .body("status", equalTo(503)).body("title", equalTo("Service unavailable"));
    }

    /** Waits until {@code answered} passes again and the service reports itself ready: the pools reconnected. */
    public static void awaitRecovery(ThrowingRunnable answered) {
        await().atMost(RECOVERY).untilAsserted(answered);
        await().atMost(RECOVERY).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    }
}
