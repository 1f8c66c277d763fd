package io.traittrace.probe.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;

/**
 * The Job's input, schema v1 ({@code probe-contract}'s {@code schemas/probe-spec.v1.json}):
 * {@code { "schema": ".../probe-spec/v1.json", "protocol": "canary", "parameters": { ... } }}.
 * The audit runner writes one per run; {@code parameters} are the protocol's, as documented per command.
 */
public record ProbeSpec(String protocol, ObjectNode parameters) {

    public static final String SCHEMA = io.traittrace.probe.contract.ProbeContract.SPEC_SCHEMA;

    public static ProbeSpec read(Path file, ObjectMapper mapper) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw ProbeException.badSpec("Cannot read the spec " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString(), mapper);
    }

    /** Parses a spec given as text; {@code origin} names where it came from in error messages. */
    public static ProbeSpec parse(String text, String origin, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException e) {
            throw ProbeException.badSpec("Cannot read the spec " + origin + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ProbeException.badSpec("The spec " + origin + " must be a JSON object");
        }
        JsonNode schema = root.get("schema");
        if (schema != null && !SCHEMA.equals(schema.asText())) {
            throw ProbeException.badSpec("Unsupported spec schema '" + schema.asText() + "'; this probe reads " + SCHEMA);
        }
        JsonNode protocol = root.get("protocol");
        if (protocol == null || !protocol.isTextual()) {
            throw ProbeException.badSpec("The spec must name its protocol: \"protocol\": \"canary\" | \"family\" | ...");
        }
        JsonNode parameters = root.get("parameters");
        if (parameters != null && !parameters.isObject()) {
            throw ProbeException.badSpec("\"parameters\" must be a JSON object");
        }
        return new ProbeSpec(protocol.asText(), parameters == null ? mapper.createObjectNode() : (ObjectNode) parameters);
    }
}
