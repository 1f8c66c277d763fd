package io.traittrace.verifier;

import java.io.IOException;

import org.erdtman.jcs.JsonCanonicalizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * RFC 8785 (JCS) canonical JSON bytes, through the reference implementation (erdtman/java-json-canonicalization):
 * sorted keys by UTF-16 code units, ECMAScript number formatting, minimal string escaping. Sorting keys in
 * Jackson is not enough (numbers and escapes differ).
 */
public final class Canonical {

    /** A plain mapper for the domain layer; it never depends on the service's configured one. */
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private Canonical() {
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return new JsonCanonicalizer(JSON.writeValueAsString(node)).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot canonicalise JSON: " + e.getMessage(), e);
        }
    }
}
