package io.traittrace.report.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Scope;

/**
 * What an audit actually tested, derived from its {@code audit-completed} event: the protocol's class, every input the
 * probe loaded with the digest it computed ({@code result.data}), and whether the audited student's own weights were
 * among them.
 *
 * <ul>
 * <li>{@code subject-evaluated} ({@code family}, {@code trait-eval}): the protocol loads the subject's weights; the
 * subject's digest must be among the digests the probe computed, else the audit cannot be certified.</li>
 * <li>{@code pipeline-check} ({@code canary}, {@code numbers}): evidence about the audit method, not the subject;
 * certified under its own predicate type whose subject is the probe spec.</li>
 * <li>{@code self-attested} ({@code image}): a container the requester supplied.</li>
 * </ul>
 * A protocol not named here has no known scope and is not certified. The classes and the probe-spec digest a verifier
 * checks are the verifier's {@link Scope}.
 */
public record AuditScope(String scopeClass, List<Loaded> loaded, boolean subjectEvaluated) {

    /** The class of each protocol the audit runner plans; anything else is refused rather than guessed. */
    public static final Map<String, String> PROTOCOL_CLASSES = Map.of(
            "family", Scope.SUBJECT_EVALUATED,
            "trait-eval", Scope.SUBJECT_EVALUATED,
            "canary", Scope.PIPELINE_CHECK,
            "numbers", Scope.PIPELINE_CHECK,
            "image", Scope.SELF_ATTESTED);

    /** One input the probe loaded: its role (student, base, teacher, control, dataset, …), path and computed digest. */
    public record Loaded(String role, String path, String digest) {
    }

    public static Optional<String> classOf(String protocolName) {
        return Optional.ofNullable(protocolName == null ? null : PROTOCOL_CLASSES.get(protocolName));
    }

    /** The scope of an audit whose protocol is known (see {@link #problems(AuditCompleted)}). */
    public static AuditScope of(AuditCompleted audit) {
        String scopeClass = classOf(audit.protocol().path("name").asText()).orElseThrow(
                () -> new IllegalArgumentException("unknown protocol " + audit.protocol().path("name")));
        List<Loaded> loaded = loaded(audit.result());
        String subjectDigest = audit.student() == null ? null : audit.student().digest();
        boolean evaluated = subjectDigest != null && loaded.stream().anyMatch(l -> l.digest().equals(subjectDigest));
        return new AuditScope(scopeClass, loaded, evaluated);
    }

    /** The rules an event breaks about its scope: an unknown protocol, or a subject-evaluated audit that did not load the subject. */
    static List<String> problems(AuditCompleted audit) {
        List<String> problems = new ArrayList<>();
        if (audit.protocol() == null || !audit.protocol().path("name").isTextual() || audit.result() == null || !audit.result().isObject()
                || audit.student() == null || audit.student().digest() == null || !AuditCompleted.DIGEST.matcher(audit.student().digest()).matches()) {
            return problems; // reported by AuditCompleted.problems() already
        }
        String name = audit.protocol().path("name").asText();
        if (classOf(name).isEmpty()) {
            problems.add("protocol.name: unknown protocol '" + name + "': its scope (which models it evaluated) is not known, so it is not"
                    + " certified (known: " + PROTOCOL_CLASSES.keySet().stream().sorted().toList() + ")");
            return problems;
        }
        AuditScope scope = of(audit);
        if (Scope.SUBJECT_EVALUATED.equals(scope.scopeClass()) && !scope.subjectEvaluated()) {
            problems.add("scope: protocol " + name + " is subject-evaluated but the student's digest " + audit.student().digest()
                    + " is not among the digests the probe computed (result.data: "
                    + scope.loaded().stream().map(l -> l.role() + "=" + l.digest()).toList() + "); its weights were not evaluated");
        }
        return problems;
    }

    /** Every {@code result.data} entry that carries a well-formed digest, in the order the probe reported them. */
    static List<Loaded> loaded(JsonNode result) {
        List<Loaded> loaded = new ArrayList<>();
        if (result != null) {
            for (JsonNode d : result.path("data")) {
                String digest = d.path("digest").asText("");
                if (AuditCompleted.DIGEST.matcher(digest).matches()) {
                    loaded.add(new Loaded(d.path("role").asText(null), d.path("path").asText(null), digest));
                }
            }
        }
        return List.copyOf(loaded);
    }

    public ObjectNode json() {
        ObjectNode scope = Canonical.JSON.createObjectNode();
        scope.put("class", scopeClass);
        ArrayNode list = scope.putArray("loaded");
        loaded.forEach(l -> list.addObject().put("role", l.role()).put("path", l.path()).put("digest", l.digest()));
        scope.put("subjectEvaluated", subjectEvaluated);
        return scope;
    }
}
