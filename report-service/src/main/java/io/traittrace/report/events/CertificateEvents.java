package io.traittrace.report.events;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.traittrace.events.EventType;
import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.service.outbox.CloudEvents;
import io.traittrace.service.outbox.OutboxRepository;

/**
 * Writes {@code certificate-issued} and {@code certificate-revoked} events (CloudEvents 1.0, structured JSON,
 * data schemas v1) into the outbox, in the caller's transaction. Event ids derive from the certificate, so a
 * fact is announced once however often it is re-processed.
 */
@ApplicationScoped
public class CertificateEvents {

    private final OutboxRepository outbox;
    private final ObjectMapper mapper;
    private final ReportConfig config;

    public CertificateEvents(OutboxRepository outbox, ObjectMapper mapper, ReportConfig config) {
        this.outbox = outbox;
        this.mapper = mapper;
        this.config = config;
    }

    public static UUID eventId(String topic, UUID certificateId) {
        return UUID.nameUUIDFromBytes((topic + "|" + certificateId).getBytes(StandardCharsets.UTF_8));
    }

    public Uni<Void> issued(CertificateEntity c) {
        Map<String, Object> data = common(c);
        data.put("keyid", c.keyid);
        data.put("issuedAt", CloudEvents.utc(c.issuedAt));
        data.put("expiresAt", CloudEvents.utc(c.expiresAt));
        return add(EventType.CERTIFICATE_ISSUED, c, data, c.issuedAt);
    }

    public Uni<Void> revoked(CertificateEntity c) {
        Map<String, Object> data = common(c);
        data.put("reason", c.revocationReason);
        data.put("revokedBy", c.revokedBy);
        data.put("revokedAt", CloudEvents.utc(c.revokedAt));
        return add(EventType.CERTIFICATE_REVOKED, c, data, c.revokedAt);
    }

    private Map<String, Object> common(CertificateEntity c) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("organization", c.organization);
        data.put("certificateId", c.id.toString());
        data.put("auditId", c.auditId);
        data.put("model", Map.of("id", c.modelId, "name", c.modelName, "digest", c.modelDigest));
        data.put("subject", Map.of("name", c.subjectName, "digest", c.subjectDigest));
        if (c.scopeClass != null) {
            data.put("scope", Map.of("class", c.scopeClass, "subjectEvaluated", Boolean.TRUE.equals(c.subjectEvaluated)));
        }
        data.put("verdict", c.verdict);
        data.put("bundleUrl", config.certificates().publicUrl() + "/api/certificates/" + c.id);
        return data;
    }

    private Uni<Void> add(EventType type, CertificateEntity c, Map<String, Object> data, OffsetDateTime at) {
        UUID id = eventId(type.topic(), c.id);
        Map<String, Object> event = CloudEvents.envelope(id, config.events().source(), type, c.id.toString(), at, data);
        try {
            return outbox.add(id, type.topic(), c.id.toString(), mapper.writeValueAsString(event), at);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
