package io.traittrace.report.rest;

import static io.traittrace.report.rest.ReportApi.audit;
import static io.traittrace.report.rest.ReportApi.awaitCertificate;
import static io.traittrace.report.rest.ReportApi.cloudEvent;
import static io.traittrace.report.rest.ReportApi.publishTraced;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/**
 * Issuing as an operator and a tracing backend see it (verification and revocation metrics: {@link CertificateApiTest};
 * health: {@link SecurityApiTest}).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ObservabilityApiTest {

    @Test
    void aCertificateIsCountedTimedAndAnnouncedInTheTraceOfItsAudit() throws Exception {
        String traceId = "5b8efff798038103d269b633813fc60c";
        String auditId = id("audit");
        String student = id("student");
        ObjectNode data = audit(auditId, student);
        ((ObjectNode) data.at("/result/verdict")).put("outcome", "NO_TRANSFER_DETECTED");
        String before = Metrics.scrape();
        try (TopicReader issued = new TopicReader("certificate-issued")) {
            // The audit announced twice: one certificate, counted once.
            publishTraced("00-" + traceId + "-eee19b7ec3c1b174-01", auditId, cloudEvent(data, id("e")), cloudEvent(data, id("e")));
            String certId = awaitCertificate(student, 1);

            List<ConsumerRecord<String, String>> events = issued.awaitMatching(r -> certId.equals(r.key()), 1, Duration.ofSeconds(20));
            assertThat(events).hasSize(1);
            Header traceparent = events.get(0).headers().lastHeader("traceparent");
            assertThat(traceparent).as("traceparent header of certificate-issued").isNotNull();
            assertThat(new String(traceparent.value(), StandardCharsets.UTF_8).split("-")[1]).isEqualTo(traceId);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String after = Metrics.scrape();
            assertThat(Metrics.valueIn(after, "traittrace_certificates_issued_total", "verdict", "NO_TRANSFER_DETECTED")
                    - Metrics.valueIn(before, "traittrace_certificates_issued_total", "verdict", "NO_TRANSFER_DETECTED")).isEqualTo(1);
            assertThat(Metrics.valueIn(after, "traittrace_certificate_issue_seconds_count")
                    - Metrics.valueIn(before, "traittrace_certificate_issue_seconds_count")).isEqualTo(1);
        });
    }
}
