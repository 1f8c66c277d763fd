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
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.lineage.domain.ExposurePath;
import io.traittrace.service.outbox.CloudEvents;
import io.traittrace.service.outbox.OutboxRepository;
import io.traittrace.service.outbox.OutboxRepository.NewEvent;

/**
 * Writes {@code exposure-detected} events (CloudEvents 1.0, structured JSON, data schema v1) into the outbox,
 * in the caller's transaction. The event id is derived from the model and the path, so the same exposure is
 * announced once however often it is recomputed.
 */
@ApplicationScoped
public class ExposureEvents {

    public static final String TOPIC = "exposure-detected";
    public static final String TYPE = "io.traittrace.lineage.exposure-detected.v1";

    private final OutboxRepository outbox;
    private final ObjectMapper mapper;
    private final LineageConfig config;

    public ExposureEvents(OutboxRepository outbox, ObjectMapper mapper, LineageConfig config) {
        this.outbox = outbox;
        this.mapper = mapper;
        this.config = config;
    }

    public static UUID eventId(String model, String pathKey) {
        return UUID.nameUUIDFromBytes((TOPIC + "|" + model + "|" + pathKey).getBytes(StandardCharsets.UTF_8));
    }

    public Uni<Void> detected(String model, ExposurePath path, OffsetDateTime at) {
        try {
            NewEvent event = event(model, path, at);
            return outbox.add(event.id(), event.topic(), event.key(), event.payload(), event.at());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** One event per (model, path), written with as few statements as possible. */
    public Uni<Void> detectedAll(List<Map.Entry<String, ExposurePath>> detections, OffsetDateTime at) {
        List<NewEvent> events = new ArrayList<>(detections.size());
        try {
            for (Map.Entry<String, ExposurePath> detection : detections) {
                events.add(event(detection.getKey(), detection.getValue(), at));
            }
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return outbox.addAll(events);
    }

    private NewEvent event(String model, ExposurePath path, OffsetDateTime at) throws JsonProcessingException {
        String pathKey = path.key();
        UUID id = eventId(model, pathKey);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("model", model);
        data.put("level", path.level().name());
        data.put("trainedModel", path.trainedModel());
        data.put("dataset", path.dataset());
        data.put("teacher", path.teacher());
        data.put("origin", path.origin());
        data.put("hops", path.hops().size());
        data.put("pathKey", pathKey);
        data.put("path", path.steps());
        data.put("detectedAt", CloudEvents.utc(at));
        Map<String, Object> event = CloudEvents.envelope(id, config.events().source(), TYPE, TOPIC, model, at, data);
        return new NewEvent(id, TOPIC, model, mapper.writeValueAsString(event), at);
    }
}
