package io.traittrace.report.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * A protocol not named here has no known scope and is not certified.
 */
public record Scope(String scopeClass, List<Loaded> loaded, boolean subjectEvaluated) {

    public static final String SUBJECT_EVALUATED = "subject-evaluated";
    public static final String PIPELINE_CHECK = "pipeline-check";
    public static final String SELF_ATTESTED = "self-attested";
    public static final Set<String> CLASSES = Set.of(SUBJECT_EVALUATED, PIPELINE_CHECK, SELF_ATTESTED);

    /** The class of each protocol the audit runner plans; anything else is refused rather than guessed. */
    public static final Map<String, String> PROTOCOL_CLASSES = Map.of(
            "family", SUBJECT_EVALUATED,
            "trait-eval", SUBJECT_EVALUATED,
            "canary", PIPELINE_CHECK,
            "numbers", PIPELINE_CHECK,
            "image", SELF_ATTESTED);

    /** One input the probe loaded: its role (student, base, teacher, control, dataset, …), path and computed digest. */
    public record Loaded(String role, String path, String digest) {
    }

    public static Optional<String> classOf(String protocolName) {
        return Optional.ofNullable(protocolName == null ? null : PROTOCOL_CLASSES.get(protocolName));
    }

    /** The scope of an audit whose protocol is known (see {@link #problems(AuditCompleted)}). */
    public static Scope of(AuditCompleted audit) {
        String scopeClass = classOf(audit.protocol().path("name").asText()).orElseThrow(
                () -> new IllegalArgumentException("unknown protocol " + audit.protocol().path("name")));
        List<Loaded> loaded = loaded(audit.result());
        String subjectDigest = audit.student() == null ? null : audit.student().digest();
        boolean evaluated = subjectDigest != null && loaded.stream().anyMatch(l -> l.digest().equals(subjectDigest));
        return new Scope(scopeClass, loaded, evaluated);
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
        Scope scope = of(audit);
        if (SUBJECT_EVALUATED.equals(scope.scopeClass()) && !scope.subjectEvaluated()) {
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

    /**
     * The probe spec a pipeline check tested, as the predicate records it: {@code {name, version, parameters, data}} from
     * {@code predicate.protocol.name}, {@code predicate.protocol.version}, {@code predicate.parameters} and
     * {@code predicate.data}, absent fields left out (nulls are never written).
     */
    public static ObjectNode spec(JsonNode protocolName, JsonNode protocolVersion, JsonNode parameters, JsonNode data) {
        ObjectNode spec = Canonical.JSON.createObjectNode();
        putIfPresent(spec, "name", protocolName);
        putIfPresent(spec, "version", protocolVersion);
        putIfPresent(spec, "parameters", parameters);
        putIfPresent(spec, "data", data);
        return spec;
    }

    /** The spec of a pipeline-check predicate, recomputed from the predicate itself. */
    public static ObjectNode spec(JsonNode predicate) {
        return spec(predicate.path("protocol").get("name"), predicate.path("protocol").get("version"), predicate.get("parameters"),
                predicate.get("data"));
    }

    /** Lowercase hex SHA-256 of the spec's RFC 8785 canonical JSON: a pipeline-check statement's subject digest. */
    public static String specDigest(JsonNode spec) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Canonical.bytes(spec)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The subject name of a pipeline check: {@code traittrace-probe/<protocol>@<protocol version>}. */
    public static String specName(JsonNode protocol) {
        String version = protocol.path("version").isMissingNode() || protocol.path("version").isNull() ? "unversioned"
                : protocol.path("version").asText();
        return "traittrace-probe/" + protocol.path("name").asText() + "@" + version;
    }

    private static void putIfPresent(ObjectNode spec, String field, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            spec.set(field, value);
        }
    }
}
