package io.traittrace.audit.rest;

import static io.traittrace.testsupport.Callers.as;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.DatabaseOutage;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

/** While the audit database is down, requests are answered 503 with Retry-After (service-support's mapper), and served again after. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DatabaseOutageTest {

    @Test
    void anOutageIsAnswered503WithRetryAfter() {
        String unknown = "/api/audits/" + UUID.randomUUID();
        DatabaseOutage.whileDown(() -> DatabaseOutage.assertUnavailable(as("viewer").get(unknown).then()));
        DatabaseOutage.awaitRecovery(() -> as("viewer").get(unknown).then().statusCode(404));
    }
}
