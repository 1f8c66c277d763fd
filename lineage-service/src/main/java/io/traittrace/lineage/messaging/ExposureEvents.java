package io.traittrace.lineage.messaging;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.traittrace.events.EventType;
import io.traittrace.events.Topics;
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.lineage.domain.ExposurePath;
import io.traittrace.lineage.repository.ExposureRepository.StoredExposure;
import io.traittrace.service.outbox.CloudEvents;
import io.traittrace.service.outbox.OutboxRepository.NewEvent;
import io.traittrace.service.outbox.OutboxRepository;

/**
 * Writes {@code exposure-detected} events (CloudEvents 1.0, structured JSON, data schema v1 of the event contract) into the outbox,
 * in the caller's transaction: one per model and source (the teacher at the far end of the chain) that reaches
 * SAME_INIT, citing its shortest path. The event id is derived from the organisation, the model and the exposure's key,
 * so the same exposure is announced once however often it is recomputed or whichever path represents it, and the same
 * model id in two organisations makes two events. Each event carries the organisation of the exposed model: what it
 * causes happens there.
 */
@ApplicationScoped
public class ExposureEvents {

    private final OutboxRepository outbox;
    private final ObjectMapper mapper;
    private final LineageConfig config;

    public ExposureEvents(OutboxRepository outbox, ObjectMapper mapper, LineageConfig config) {
        this.outbox = outbox;
        this.mapper = mapper;
        this.config = config;
    }

    public static UUID eventId(String organization, String model, String pathKey) {
        return UUID.nameUUIDFromBytes((Topics.EXPOSURE_DETECTED + "|" + organization + "|" + model + "|" + pathKey).getBytes(StandardCharsets.UTF_8));
    }

    /** One event per stored exposure, written with as few statements as possible. */
    public Uni<Void> detectedAll(List<StoredExposure> exposures) {
        List<NewEvent> events = new ArrayList<>(exposures.size());
        try {
            for (StoredExposure exposure : exposures) {
                events.add(event(exposure));
            }
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return outbox.addAll(events);
    }

    private NewEvent event(StoredExposure exposure) throws JsonProcessingException {
        String model = exposure.model();
        UUID id = eventId(exposure.organization(), model, exposure.pathKey());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("organization", exposure.organization());
        data.put("model", model);
        data.put("level", exposure.level().name());
        data.put("trainedModel", exposure.trainedModel());
        data.put("dataset", exposure.dataset());
        data.put("teacher", exposure.teacher());
        data.put("origin", ExposurePath.ofSteps(exposure.level(), exposure.steps()).origin());
        data.put("hops", exposure.hopCount());
        data.put("pathKey", exposure.pathKey());
        data.put("path", exposure.steps());
        data.put("detectedAt", CloudEvents.utc(exposure.detectedAt()));
        OffsetDateTime at = exposure.detectedAt();
        Map<String, Object> event = CloudEvents.envelope(id, config.events().source(), EventType.EXPOSURE_DETECTED, model, at, data);
        return new NewEvent(id, Topics.EXPOSURE_DETECTED, model, mapper.writeValueAsString(event), at);
    }
}
