package io.traittrace.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sample events as their producers write them, checked against the contract by {@code EventSamplesTest}; consumers' tests
 * read them from the test-jar instead of keeping copies of their own.
 */
public final class EventSamples {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventSamples() {
    }

    /** The data of an {@code audit-completed} event of a trait-eval audit (subject-evaluated: the probe loaded the student, its base and its teacher). */
    public static ObjectNode auditCompleted() {
        return resource("/samples/audit-completed.sample.json");
    }

    /** The data of an {@code audit-completed} event of a canary audit (a pipeline check: the student was never loaded). */
    public static ObjectNode auditCompletedCanary() {
        return resource("/samples/audit-completed.canary.json");
    }

    /** A structured-mode CloudEvent of {@code event} around {@code data}, as the outbox sends it. */
    public static ObjectNode cloudEvent(EventType event, String id, String source, String subject, ObjectNode data) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("specversion", EventType.SPEC_VERSION);
        envelope.put("id", id);
        envelope.put("source", source);
        envelope.put("type", event.type());
        envelope.put("subject", subject);
        envelope.put("time", Instant.now().toString());
        envelope.put("datacontenttype", "application/json");
        envelope.put("dataschema", event.dataschema());
        envelope.set("data", data);
        return envelope;
    }

    private static ObjectNode resource(String resource) {
        try (InputStream in = EventSamples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing sample " + resource);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
