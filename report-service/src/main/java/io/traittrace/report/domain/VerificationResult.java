package io.traittrace.report.domain;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The verdict on a bundle. Each reason is {@code "<code>: <detail>"}; the codes are stable
 * ({@link Verifier} lists them). {@code statement} is the decoded statement when the payload could be read,
 * whether or not it verified: never trust it when {@code valid} is false.
 */
public record VerificationResult(boolean valid, List<String> reasons, JsonNode statement) {

    public List<String> codes() {
        return reasons.stream().map(r -> r.contains(":") ? r.substring(0, r.indexOf(':')) : r).toList();
    }
}
