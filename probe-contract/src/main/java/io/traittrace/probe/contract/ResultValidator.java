package io.traittrace.probe.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates a probe result against the result schema v1 (JSON Schema 2020-12, formats asserted). Thread-safe;
 * the schema is compiled once.
 */
public final class ResultValidator {

    private final JsonSchema schema;

    public ResultValidator() {
        this.schema = load(ProbeContract.RESULT_SCHEMA_RESOURCE);
    }

    /** The schema violations, each "/json/pointer: message", in document order; empty when valid. */
    public List<String> problems(JsonNode result) {
        return schema.validate(result).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString()).thenComparing(ValidationMessage::getMessage))
                .map(m -> m.getMessage())
                .toList();
    }

    private static JsonSchema load(String resource) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = ResultValidator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + resource);
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
