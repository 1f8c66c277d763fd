package io.traittrace.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Every event the services exchange, once: its topic, its versioned CloudEvent {@code type}, the {@code dataschema} URI the
 * envelope names and the JSON Schema (2020-12, formats asserted) of its {@code data}, kept in {@code schemas/<topic>.v1.json}.
 * Producers write events of these types; consumers check what they read with {@link #problems}. Thread-safe; each schema
 * is compiled once.
 */
public enum EventType {

    EXPOSURE_DETECTED(Topics.EXPOSURE_DETECTED, "lineage"),
    AUDIT_REQUESTED(Topics.AUDIT_REQUESTED, "audits"),
    AUDIT_PROGRESS(Topics.AUDIT_PROGRESS, "audits"),
    AUDIT_COMPLETED(Topics.AUDIT_COMPLETED, "audits"),
    AUDIT_FAILED(Topics.AUDIT_FAILED, "audits"),
    CERTIFICATE_ISSUED(Topics.CERTIFICATE_ISSUED, "report"),
    CERTIFICATE_REVOKED(Topics.CERTIFICATE_REVOKED, "report");

    /** The CloudEvents version of every envelope. */
    public static final String SPEC_VERSION = "1.0";
    /** Where the data schemas are published; {@link #dataschema()} is {@code <SCHEMA_BASE><topic>/v1.json}. */
    public static final String SCHEMA_BASE = "https://traittrace.io/schemas/events/";

    private final String topic;
    private final String type;
    private final JsonSchema schema;

    EventType(String topic, String domain) {
        this.topic = topic;
        this.type = "io.traittrace." + domain + "." + topic + ".v1";
        this.schema = load(schemaResource(topic));
    }

    /** The Kafka topic, and the event's name. */
    public String topic() {
        return topic;
    }

    /** The CloudEvent {@code type}, which carries the version (e.g. {@code io.traittrace.lineage.exposure-detected.v1}). */
    public String type() {
        return type;
    }

    /** The CloudEvent {@code dataschema}: the {@code $id} of the data schema. */
    public String dataschema() {
        return SCHEMA_BASE + topic + "/v1.json";
    }

    /** The classpath resource holding the data schema. */
    public String schemaResource() {
        return schemaResource(topic);
    }

    /**
     * Why a structured-mode CloudEvent is not one of this type: not CloudEvents 1.0, another {@code type}, or {@code data}
     * that breaks the data schema (each violation "/json/pointer: message", in document order). Empty when it conforms.
     */
    public List<String> problems(JsonNode event) {
        List<String> problems = new ArrayList<>();
        if (!SPEC_VERSION.equals(event.path("specversion").asText())) {
            problems.add("specversion: " + SPEC_VERSION + " required");
        }
        if (!type.equals(event.path("type").asText())) {
            problems.add("type: " + type + " required");
        }
        problems.addAll(dataProblems(event.path("data")));
        return problems;
    }

    /** The violations of the data schema by an event's {@code data}; empty when it conforms. */
    public List<String> dataProblems(JsonNode data) {
        return schema.validate(data).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString()).thenComparing(ValidationMessage::getMessage))
                .map(ValidationMessage::getMessage)
                .toList();
    }

    private static String schemaResource(String topic) {
        return "/schemas/" + topic + ".v1.json";
    }

    private static JsonSchema load(String resource) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = EventType.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + resource);
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
