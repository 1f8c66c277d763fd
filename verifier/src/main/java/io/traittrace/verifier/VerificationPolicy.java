package io.traittrace.verifier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a relying party accepts beyond validity: the scope classes ({@code subject-evaluated}, {@code pipeline-check},
 * {@code self-attested}) and the verdict outcomes. An empty set accepts anything. A registry that attaches certificates
 * to models requires {@code subject-evaluated}: only that says the model's own weights were evaluated.
 *
 * <p>Reason codes: {@code policy-scope}, {@code policy-verdict}.
 */
public record VerificationPolicy(Set<String> scopes, Set<String> verdicts) {

    public static final VerificationPolicy NONE = new VerificationPolicy(Set.of(), Set.of());

    public VerificationPolicy {
        scopes = Set.copyOf(scopes);
        verdicts = Set.copyOf(verdicts);
    }

    /**
     * A policy from repeated or comma-separated values ({@code "subject-evaluated,self-attested"}); throws
     * {@link IllegalArgumentException} naming an unknown value.
     */
    public static VerificationPolicy parse(Collection<String> scopes, Collection<String> verdicts) {
        Set<String> s = split(scopes, false);
        for (String scope : s) {
            if (!Scope.CLASSES.contains(scope)) {
                throw new IllegalArgumentException("unknown scope '" + scope + "': one of " + Scope.CLASSES.stream().sorted().toList());
            }
        }
        Set<String> v = split(verdicts, true);
        for (String verdict : v) {
            if (!Statements.VERDICT_OUTCOMES.contains(verdict)) {
                throw new IllegalArgumentException("unknown verdict '" + verdict + "': one of " + Statements.VERDICT_OUTCOMES.stream().sorted().toList());
            }
        }
        return new VerificationPolicy(s, v);
    }

    public boolean isEmpty() {
        return scopes.isEmpty() && verdicts.isEmpty();
    }

    /** The policy's reasons against a decoded statement; empty when it is accepted. */
    public List<String> check(JsonNode statement) {
        List<String> reasons = new ArrayList<>();
        JsonNode predicate = statement == null ? null : statement.path("predicate");
        if (!scopes.isEmpty()) {
            String scope = predicate == null ? "" : predicate.path("scope").path("class").asText("");
            if (!scopes.contains(scope)) {
                reasons.add("policy-scope: the certificate's scope is " + (scope.isEmpty() ? "not stated" : scope) + "; accepted: "
                        + sorted(scopes) + (Scope.PIPELINE_CHECK.equals(scope)
                                ? " (a pipeline check is evidence about the audit method; the model's weights were not evaluated)" : ""));
            }
        }
        if (!verdicts.isEmpty()) {
            String outcome = predicate == null ? "" : predicate.path("verdict").path("outcome").asText("");
            if (!verdicts.contains(outcome)) {
                reasons.add("policy-verdict: the verdict is " + (outcome.isEmpty() ? "not stated" : outcome) + "; accepted: " + sorted(verdicts));
            }
        }
        return List.copyOf(reasons);
    }

    public List<String> sortedScopes() {
        return sorted(scopes);
    }

    public List<String> sortedVerdicts() {
        return sorted(verdicts);
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static Set<String> split(Collection<String> values, boolean upper) {
        Set<String> out = new LinkedHashSet<>();
        if (values != null) {
            for (String value : values) {
                if (value == null) {
                    continue;
                }
                for (String part : value.split(",")) {
                    String p = part.trim();
                    if (!p.isEmpty()) {
                        out.add(upper ? p.toUpperCase(Locale.ROOT) : p.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }
}
