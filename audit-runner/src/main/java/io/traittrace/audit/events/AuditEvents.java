package io.traittrace.audit.events;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.repository.AuditEntity;
import io.traittrace.events.EventType;
import io.traittrace.service.outbox.CloudEvents;
import io.traittrace.service.outbox.OutboxRepository;

/**
 * Writes the runner's CloudEvents (1.0, structured JSON, types and data schemas v1 of the event contract) into the outbox, in
 * the caller's transaction; Kafka key = audit id, so one audit's events stay in order. Event ids derive from the
 * fact they announce, so a fact is announced once however often it is re-processed.
 */
@ApplicationScoped
public class AuditEvents {

    private final OutboxRepository outbox;
    private final ObjectMapper mapper;
    private final RunnerConfig config;

    public AuditEvents(OutboxRepository outbox, ObjectMapper mapper, RunnerConfig config) {
        this.outbox = outbox;
        this.mapper = mapper;
        this.config = config;
    }

    /**
     * {@code fact} distinguishes events of one topic and audit (e.g. a run and its state); null for once-per-audit facts.
     * The event continues the trace the audit was requested in, whoever reports the change (a probe, the Job
     * informer, a cancel), so one trace follows the audit to its end; an audit requested outside a trace leaves the
     * event in the trace in progress.
     */
    public Uni<Void> add(EventType type, AuditEntity audit, String fact, Map<String, Object> data, OffsetDateTime at) {
        String topic = type.topic();
        UUID id = UUID.nameUUIDFromBytes((topic + "|" + audit.id + "|" + (fact == null ? "" : fact)).getBytes(StandardCharsets.UTF_8));
        // Every event says whose audit it is: consumers keep the organisation boundary by it.
        Map<String, Object> scoped = new LinkedHashMap<>(data);
        scoped.put("organization", audit.organization);
        Map<String, Object> event = CloudEvents.envelope(id, config.events().source(), type, audit.id.toString(), at, scoped);
        try {
            String payload = mapper.writeValueAsString(event);
            return audit.traceParent == null ? outbox.add(id, topic, audit.id.toString(), payload, at)
                    : outbox.add(id, topic, audit.id.toString(), payload, at, audit.traceParent);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
