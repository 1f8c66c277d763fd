package io.traittrace.report.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.testsupport.Callers.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

/** While the report database is down, requests are answered 503 with Retry-After (service-support's mapper), and served again after. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DatabaseOutageTest {

    @Test
    void anOutageIsAnswered503WithRetryAfter() {
        String unknown = "/api/certificates/" + UUID.randomUUID();
        PostgresResource.server().pause();
        try {
            as("viewer").get(unknown).then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", equalTo("5"))
                    .body("status", equalTo(503)).body("title", equalTo("Service unavailable"));
        } finally {
            PostgresResource.server().resume();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as("viewer").get(unknown).then().statusCode(404));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    }
}
