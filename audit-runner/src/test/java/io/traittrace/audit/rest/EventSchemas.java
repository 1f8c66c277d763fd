package io.traittrace.audit.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The runner's published event schemas ({@code schemas/<topic>.v1.json}), checked against what it really sends. */
final class EventSchemas {

    private EventSchemas() {
    }

    /** Violations of the topic's data schema by a CloudEvent's {@code data}; empty when it conforms. */
    static List<String> problems(String topic, JsonNode event) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = EventSchemas.class.getResourceAsStream("/schemas/" + topic + ".v1.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config).validate(event.path("data")).stream()
                    .map(ValidationMessage::getMessage).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
