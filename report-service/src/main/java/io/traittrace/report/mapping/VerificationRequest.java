package io.traittrace.report.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.report.service.ReportProblem;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.VerificationPolicy;

/**
 * What a verification request asks: the bundle to check, the digest its subject must have (if any) and the policy
 * it must satisfy. The body is a bundle, or {@code {"bundle": {...}, "modelDigest": "sha256:...", "requireScope":
 * [...], "requireVerdict": [...]}} (each optional; the policy fields take a list or a comma-separated string); the
 * digest may also come as {@code ?digest=}.
 */
public record VerificationRequest(JsonNode bundle, String expectedDigest, VerificationPolicy policy) {

    /** The request the body and {@code ?digest=} make; a body that is no JSON object, or an unknown policy, is a 400. */
    public static VerificationRequest parse(String body, String digest) {
        JsonNode json;
        try {
            json = Canonical.JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new ReportProblem(400, "Malformed bundle", "The body is not JSON: " + e.getOriginalMessage(), List.of());
        }
        if (json == null || !json.isObject()) {
            throw new ReportProblem(400, "Malformed bundle", "The body must be a JSON object: a bundle or {bundle, modelDigest}", List.of());
        }
        JsonNode bundle = json;
        String expected = digest;
        VerificationPolicy policy = VerificationPolicy.NONE;
        if (json.has("bundle")) {
            bundle = json.get("bundle");
            if (json.path("modelDigest").isTextual()) {
                expected = json.get("modelDigest").asText();
            }
            try {
                policy = VerificationPolicy.parse(texts(json.get("requireScope")), texts(json.get("requireVerdict")));
            } catch (IllegalArgumentException e) {
                throw ReportProblem.badRequest("policy: " + e.getMessage(), List.of());
            }
        }
        if (expected != null && !expected.isBlank() && !expected.trim().toLowerCase(Locale.ROOT).matches("(sha256:)?[0-9a-f]{64}")) {
            throw ReportProblem.badRequest("modelDigest must be sha256:<64 hex>", List.of());
        }
        return new VerificationRequest(bundle, expected, policy);
    }

    /** A policy field: absent, a string (comma-separated) or an array of strings. */
    private static List<String> texts(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (node.isArray()) {
            List<String> values = new ArrayList<>();
            for (JsonNode n : node) {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException("requireScope and requireVerdict take strings");
                }
                values.add(n.asText());
            }
            return values;
        }
        throw new IllegalArgumentException("requireScope and requireVerdict take a string or an array of strings");
    }
}
