package io.traittrace.service.outbox;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.traittrace.events.EventType;

/**
 * The one envelope every TraitTrace event travels in: a CloudEvents 1.0 structured-mode JSON object whose
 * {@code type} carries the version and whose {@code dataschema} names the JSON Schema of {@code data}, both as the
 * event contract ({@link EventType}) has them.
 */
public final class CloudEvents {

    private CloudEvents() {
    }

    public static Map<String, Object> envelope(UUID id, String source, EventType type, String subject, OffsetDateTime time, Object data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", EventType.SPEC_VERSION);
        event.put("id", id.toString());
        event.put("source", source);
        event.put("type", type.type());
        event.put("subject", subject);
        event.put("time", utc(time));
        event.put("datacontenttype", "application/json");
        event.put("dataschema", type.dataschema());
        event.put("data", data);
        return event;
    }

    /** Times in events are UTC ISO-8601. */
    public static String utc(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }
}
