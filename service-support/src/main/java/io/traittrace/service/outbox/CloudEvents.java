package io.traittrace.service.outbox;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one envelope every TraitTrace event travels in: a CloudEvents 1.0 structured-mode JSON object whose
 * {@code type} carries the version and whose {@code dataschema} names the JSON Schema of {@code data}.
 */
public final class CloudEvents {

    public static final String SCHEMA_BASE = "https://traittrace.io/schemas/events/";

    private CloudEvents() {
    }

    /**
     * @param topic the Kafka topic, which also names the data schema ({@code <SCHEMA_BASE><topic>/v1.json})
     * @param type the versioned type, e.g. {@code io.traittrace.lineage.exposure-detected.v1}
     */
    public static Map<String, Object> envelope(UUID id, String source, String type, String topic, String subject, OffsetDateTime time,
            Object data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", id.toString());
        event.put("source", source);
        event.put("type", type);
        event.put("subject", subject);
        event.put("time", utc(time));
        event.put("datacontenttype", "application/json");
        event.put("dataschema", SCHEMA_BASE + topic + "/v1.json");
        event.put("data", data);
        return event;
    }

    /** Times in events are UTC ISO-8601. */
    public static String utc(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }
}
