package io.traittrace.audit.rest;

import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.audit.rest.RunnerApi.awaitState;
import static io.traittrace.audit.rest.RunnerApi.canary;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;
import io.traittrace.testsupport.Callers;

/** An audit accepted and ended while Kafka is down: its events arrive once the broker is back, once each. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class KafkaOutageTest {

    @OidcWireMock
    WireMockServer wiremock;

    @Test
    void eventsOfAnAuditDuringAnOutageArriveAfterIt() throws Exception {
        String student = id("student");
        lineage(wiremock, student, null, null);
        ObjectNode request = canary(id("key"), student, 3);
        ((ObjectNode) request.get("parameters")).put("data", "/nonexistent/outage-data");
        String auditId;
        KafkaResource.broker().pause();
        try {
            auditId = as("auditor").body(request.toString()).post("/api/audits").then().statusCode(202).extract().path("id");
            awaitState(auditId, "FAILED", Duration.ofMinutes(2));
            // Let at least one sweep fail against the missing broker.
            Thread.sleep(6000);
        } finally {
            KafkaResource.broker().resume();
        }
        String id = auditId;
        try (TopicReader requested = new TopicReader("audit-requested"); TopicReader progress = new TopicReader("audit-progress");
                TopicReader failed = new TopicReader("audit-failed")) {
            assertThat(failed.awaitMatching(r -> id.equals(r.key()), 1, Duration.ofSeconds(60))).hasSize(1);
            assertThat(requested.awaitMatching(r -> id.equals(r.key()), 1, Duration.ofSeconds(10))).hasSize(1);
            // Three runs, each RUNNING then FAILED, in order.
            var runEvents = progress.awaitMatching(r -> id.equals(r.key()), 6, Duration.ofSeconds(10));
            assertThat(runEvents).hasSize(6);
            assertThat(failed.drainMatching(r -> id.equals(r.key()), Duration.ofSeconds(3))).hasSize(1);
        }
    }
}
