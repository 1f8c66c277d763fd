package io.traittrace.report.messaging;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.traittrace.events.EventType;
import io.traittrace.events.Topics;
import io.traittrace.report.domain.AuditCompleted;
import io.traittrace.report.service.CertificateService;

/**
 * Consumes {@code audit-completed} v1 CloudEvents (structured JSON), checked against the audit runner's event contract, and
 * issues one certificate per audit.
 * Duplicates (redelivery, a replayed topic, the same audit announced twice) are no-ops. An event that cannot
 * be certified is logged and skipped; a database failure is retried, then the record goes to the dead-letter
 * topic ({@code audit-completed-dlq}) instead of blocking the partition.
 */
@ApplicationScoped
public class AuditCompletedConsumer {

    private static final Logger LOG = Logger.getLogger(AuditCompletedConsumer.class);

    private final CertificateService certificates;
    private final ObjectMapper mapper;

    public AuditCompletedConsumer(CertificateService certificates, ObjectMapper mapper) {
        this.certificates = certificates;
        this.mapper = mapper;
    }

    @Incoming(Topics.AUDIT_COMPLETED)
    public Uni<Void> consume(String payload) {
        AuditCompleted audit;
        String eventId;
        try {
            JsonNode event = mapper.readTree(payload);
            eventId = event.path("id").asText("?");
            // Read as the audit runner writes it: its contract's type and data schema.
            List<String> contract = EventType.AUDIT_COMPLETED.problems(event);
            if (!contract.isEmpty()) {
                LOG.warnf("Skipping event %s: not a %s CloudEvent 1.0: %s", eventId, EventType.AUDIT_COMPLETED.type(), String.join("; ", contract));
                return Uni.createFrom().voidItem();
            }
            audit = mapper.treeToValue(event.get("data"), AuditCompleted.class);
        } catch (Exception e) {
            LOG.warnf("Skipping an audit-completed record that is not valid JSON: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        var problems = audit.problems();
        if (!problems.isEmpty()) {
            LOG.warnf("Skipping event %s: it cannot be certified: %s", eventId, String.join("; ", problems));
            return Uni.createFrom().voidItem();
        }
        return certificates.issue(audit)
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(5)).atMost(4)
                .invoke(issued -> LOG.infof(issued ? "Issued the certificate of audit %s (event %s)"
                        : "Audit %s already has a certificate; event %s ignored", audit.auditId(), eventId))
                .replaceWithVoid();
    }
}
