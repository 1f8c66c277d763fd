package io.traittrace.verifier;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The verdict on a bundle. Each reason is {@code "<code>: <detail>"}; the codes are stable
 * ({@link Verifier} lists them). {@code statement} is the decoded statement when the payload could be read,
 * whether or not it verified: never trust it when {@code valid} is false. {@code policy} is present only when a
 * {@link VerificationPolicy} was asked for: {@code valid} says the certificate is genuine and current, {@code policy}
 * whether it is what the caller accepts; a relying party needs both.
 */
public record VerificationResult(boolean valid, List<String> reasons, JsonNode statement,
        @JsonInclude(JsonInclude.Include.NON_NULL) PolicyResult policy) {

    public VerificationResult(boolean valid, List<String> reasons, JsonNode statement) {
        this(valid, reasons, statement, null);
    }

    /** The policy asked for and its reasons ({@code policy-scope: …}, {@code policy-verdict: …}); satisfied when there are none. */
    public record PolicyResult(boolean satisfied, List<String> reasons, List<String> requireScope, List<String> requireVerdict) {
    }

    public List<String> codes() {
        return reasons.stream().map(r -> r.contains(":") ? r.substring(0, r.indexOf(':')) : r).toList();
    }

    /** Valid and, when a policy was asked for, satisfying it. */
    public boolean accepted() {
        return valid && (policy == null || policy.satisfied());
    }

    public VerificationResult withPolicy(VerificationPolicy requested) {
        if (requested == null || requested.isEmpty()) {
            return this;
        }
        List<String> policyReasons = requested.check(statement);
        return new VerificationResult(valid, reasons, statement,
                new PolicyResult(policyReasons.isEmpty(), policyReasons, requested.sortedScopes(), requested.sortedVerdicts()));
    }
}
