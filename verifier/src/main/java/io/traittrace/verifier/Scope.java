package io.traittrace.verifier;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a certificate says it tested ({@code predicate.scope.class}), and the probe spec a pipeline check is about.
 *
 * <ul>
 * <li>{@code subject-evaluated}: the probe loaded the subject's own weights.</li>
 * <li>{@code pipeline-check}: evidence about the audit method, not the subject; certified under its own predicate type
 * whose subject is the probe spec ({@link #specDigest(JsonNode)}).</li>
 * <li>{@code self-attested}: a container the requester supplied.</li>
 * </ul>
 */
public final class Scope {

    public static final String SUBJECT_EVALUATED = "subject-evaluated";
    public static final String PIPELINE_CHECK = "pipeline-check";
    public static final String SELF_ATTESTED = "self-attested";
    public static final Set<String> CLASSES = Set.of(SUBJECT_EVALUATED, PIPELINE_CHECK, SELF_ATTESTED);

    private Scope() {
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

    private static void putIfPresent(ObjectNode spec, String field, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            spec.set(field, value);
        }
    }
}
