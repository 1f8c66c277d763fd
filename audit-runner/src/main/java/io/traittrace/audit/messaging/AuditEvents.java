package io.traittrace.audit.messaging;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.service.outbox.CloudEvents;
import io.traittrace.service.outbox.OutboxRepository;

/**
 * Writes the runner's CloudEvents (1.0, structured JSON, data schemas v1 in {@code schemas/}) into the outbox, in
 * the caller's transaction; Kafka key = audit id, so one audit's events stay in order. Event ids derive from the
 * fact they announce, so a fact is announced once however often it is re-processed.
 */
@ApplicationScoped
public class AuditEvents {

    public static final String REQUESTED = "audit-requested";
    public static final String PROGRESS = "audit-progress";
    public static final String COMPLETED = "audit-completed";
    public static final String FAILED = "audit-failed";

    private final OutboxRepository outbox;
    private final ObjectMapper mapper;
    private final RunnerConfig config;

    public AuditEvents(OutboxRepository outbox, ObjectMapper mapper, RunnerConfig config) {
        this.outbox = outbox;
        this.mapper = mapper;
        this.config = config;
    }

    public static String type(String topic) {
        return "io.traittrace.audits." + topic + ".v1";
    }

    /** {@code fact} distinguishes events of one topic and audit (e.g. a run and its state); null for once-per-audit facts. */
    public Uni<Void> add(String topic, UUID auditId, String fact, Map<String, Object> data, OffsetDateTime at) {
        UUID id = UUID.nameUUIDFromBytes((topic + "|" + auditId + "|" + (fact == null ? "" : fact)).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> event = CloudEvents.envelope(id, config.events().source(), type(topic), topic, auditId.toString(), at, data);
        try {
            return outbox.add(id, topic, auditId.toString(), mapper.writeValueAsString(event), at);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
