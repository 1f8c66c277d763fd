package io.traittrace.verifier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Verifies a certificate bundle completely, offline: media type, DSSE shape, hint == keyid, a known and
 * unrevoked key, the signature over PAE, statement and predicate types, expiry, the certificate revocation
 * list and, optionally, the subject digest. Every failed check adds a reason; none throws on bad input.
 *
 * <p>Reason codes: {@code malformed-bundle}, {@code media-type}, {@code hint-mismatch}, {@code unknown-key},
 * {@code key-revoked}, {@code payload-type}, {@code signature-invalid}, {@code malformed-statement},
 * {@code statement-type}, {@code predicate-type}, {@code subject-digest-mismatch}, {@code subject-spec-mismatch},
 * {@code expired}, {@code not-yet-valid}, {@code certificate-revoked}; a {@link VerificationPolicy} adds
 * {@code policy-scope} and {@code policy-verdict} to {@link VerificationResult#policy()}, never to the validity reasons.
 *
 * <p>Two predicate types verify: {@link Statements#PREDICATE_TYPE subliminal-audit} (the subject is the audited model)
 * and {@link Statements#PIPELINE_CHECK_PREDICATE_TYPE pipeline-check}, whose subject digest must equal the SHA-256 of
 * the RFC 8785 JSON of the probe spec recomputed from the predicate ({@link Scope#spec(JsonNode)}).
 */
public final class Verifier {

    /** Clock skew tolerated for an issued-at slightly in the future. */
    static final Duration SKEW = Duration.ofMinutes(5);

    private final Function<String, Optional<VerificationKey>> keys;
    private final Function<String, Optional<String>> revocationReason;

    /**
     * @param keys the verification key for a keyid
     * @param revocationReason the revocation reason of a certificate id, empty when it is not revoked
     */
    public Verifier(Function<String, Optional<VerificationKey>> keys, Function<String, Optional<String>> revocationReason) {
        this.keys = keys;
        this.revocationReason = revocationReason;
    }

    public static Verifier of(List<VerificationKey> keys, Map<String, String> revocations) {
        return new Verifier(id -> keys.stream().filter(k -> k.keyid().equals(id)).findFirst(),
                id -> Optional.ofNullable(revocations.get(id)));
    }

    public VerificationResult verify(byte[] bundleJson, String expectedDigest, VerificationPolicy policy, Instant now) {
        return verify(bundleJson, expectedDigest, now).withPolicy(policy);
    }

    public VerificationResult verify(JsonNode bundle, String expectedDigest, VerificationPolicy policy, Instant now) {
        return verify(bundle, expectedDigest, now).withPolicy(policy);
    }

    public VerificationResult verify(byte[] bundleJson, String expectedDigest, Instant now) {
        JsonNode bundle;
        try {
            bundle = Canonical.JSON.readTree(bundleJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return invalid("malformed-bundle: not JSON (" + e.getOriginalMessage() + ")");
        } catch (java.io.IOException e) {
            return invalid("malformed-bundle: not JSON");
        }
        return verify(bundle, expectedDigest, now);
    }

    public VerificationResult verify(JsonNode bundle, String expectedDigest, Instant now) {
        if (bundle == null || !bundle.isObject()) {
            return invalid("malformed-bundle: the bundle must be a JSON object");
        }
        List<String> reasons = new ArrayList<>();
        String mediaType = bundle.path("mediaType").asText("");
        if (!SigstoreBundle.MEDIA_TYPE.equals(mediaType)) {
            reasons.add("media-type: expected " + SigstoreBundle.MEDIA_TYPE + ", got '" + clip(mediaType) + "'");
        }
        JsonNode envelope = bundle.path("dsseEnvelope");
        JsonNode signatures = envelope.path("signatures");
        if (!envelope.isObject() || !envelope.path("payload").isTextual() || !envelope.path("payloadType").isTextual()
                || !signatures.isArray() || signatures.size() != 1 || !signatures.get(0).path("sig").isTextual()) {
            reasons.add("malformed-bundle: expected dsseEnvelope {payload, payloadType, signatures: [exactly one {keyid, sig}]}");
            return new VerificationResult(false, reasons, null);
        }
        byte[] payload;
        byte[] sig;
        try {
            payload = Base64.getDecoder().decode(envelope.get("payload").asText());
            sig = Base64.getDecoder().decode(signatures.get(0).get("sig").asText());
        } catch (IllegalArgumentException e) {
            reasons.add("malformed-bundle: payload or signature is not base64");
            return new VerificationResult(false, reasons, null);
        }
        String payloadType = envelope.get("payloadType").asText();
        String keyid = signatures.get(0).path("keyid").asText("");
        JsonNode hintNode = bundle.path("verificationMaterial").path("publicKey").path("hint");
        String hint = hintNode.asText("");
        if (!hintNode.isTextual()) {
            reasons.add("malformed-bundle: verificationMaterial.publicKey.hint is required (certificate chains are not used)");
        } else if (!hint.equals(keyid)) {
            reasons.add("hint-mismatch: verificationMaterial.publicKey.hint " + clip(hint) + " != DSSE keyid " + clip(keyid));
        }
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(payloadType)) {
            reasons.add("payload-type: expected " + Dsse.IN_TOTO_PAYLOAD_TYPE + ", got '" + clip(payloadType) + "'");
        }

        Optional<VerificationKey> key = keys.apply(hint.isEmpty() ? keyid : hint);
        if (key.isEmpty()) {
            reasons.add("unknown-key: no verification key with keyid " + clip(hint.isEmpty() ? keyid : hint));
        } else {
            if (key.get().status() == KeyStatus.REVOKED) {
                reasons.add("key-revoked: key " + key.get().keyid() + " is revoked");
            }
            if (!Keys.verify(key.get().algorithm(), key.get().publicKey(), Dsse.pae(payloadType, payload), sig)) {
                reasons.add("signature-invalid: the signature does not match the PAE of the payload under key " + key.get().keyid());
            }
        }

        JsonNode statement;
        try {
            statement = Canonical.JSON.readTree(new String(payload, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            reasons.add("malformed-statement: the payload is not JSON");
            return new VerificationResult(false, reasons, null);
        }
        if (statement == null || !statement.isObject()) {
            reasons.add("malformed-statement: the payload is not a JSON object");
            return new VerificationResult(false, reasons, null);
        }
        checkStatement(statement, expectedDigest, now, reasons);
        return new VerificationResult(reasons.isEmpty(), List.copyOf(reasons), statement);
    }

    private void checkStatement(JsonNode statement, String expectedDigest, Instant now, List<String> reasons) {
        if (!Statements.STATEMENT_TYPE.equals(statement.path("_type").asText())) {
            reasons.add("statement-type: expected _type " + Statements.STATEMENT_TYPE);
        }
        String predicateType = statement.path("predicateType").asText();
        if (!Statements.PREDICATE_TYPES.contains(predicateType)) {
            reasons.add("predicate-type: expected " + Statements.PREDICATE_TYPE + " or " + Statements.PIPELINE_CHECK_PREDICATE_TYPE
                    + ", got '" + clip(predicateType) + "'");
        }
        boolean pipelineCheck = Statements.PIPELINE_CHECK_PREDICATE_TYPE.equals(predicateType);
        JsonNode predicate = statement.path("predicate");
        String scopeClass = predicate.path("scope").path("class").asText("");
        if (pipelineCheck && !Scope.PIPELINE_CHECK.equals(scopeClass)) {
            reasons.add("malformed-statement: a pipeline-check statement must have predicate.scope.class pipeline-check, got '"
                    + clip(scopeClass) + "'");
        } else if (!pipelineCheck && Scope.PIPELINE_CHECK.equals(scopeClass)) {
            reasons.add("malformed-statement: a pipeline check is never certified as " + Statements.PREDICATE_TYPE);
        }
        JsonNode subject = statement.path("subject");
        String subjectDigest = subject.path(0).path("digest").path("sha256").asText("");
        if (!subject.isArray() || subject.size() != 1 || !subjectDigest.matches("[0-9a-f]{64}")) {
            reasons.add("malformed-statement: expected exactly one subject with a sha256 digest");
        } else {
            if (pipelineCheck) {
                String spec = Scope.specDigest(Scope.spec(predicate));
                if (!spec.equals(subjectDigest)) {
                    reasons.add("subject-spec-mismatch: the subject sha256:" + subjectDigest
                            + " is not the digest of the probe spec the predicate records (sha256:" + spec + ")");
                }
            }
            if (expectedDigest != null && !expectedDigest.isBlank()) {
                String expected = normaliseDigest(expectedDigest);
                if (!expected.equals(subjectDigest)) {
                    reasons.add("subject-digest-mismatch: the certificate is for sha256:" + subjectDigest + ", not sha256:" + clip(expected)
                            + (pipelineCheck ? " (a pipeline check: its subject is the probe spec; no model's weights were evaluated)" : ""));
                }
            }
        }
        Instant expiresAt = instant(predicate.path("expiresAt"));
        Instant issuedAt = instant(predicate.path("issuedAt"));
        if (expiresAt == null || issuedAt == null) {
            reasons.add("malformed-statement: predicate.issuedAt and predicate.expiresAt must be RFC 3339 instants");
        } else {
            if (!now.isBefore(expiresAt)) {
                reasons.add("expired: the certificate expired at " + expiresAt);
            }
            if (issuedAt.isAfter(now.plus(SKEW))) {
                reasons.add("not-yet-valid: the certificate is issued at " + issuedAt + ", in the future");
            }
        }
        String certificateId = predicate.path("certificate").path("id").asText("");
        if (certificateId.isEmpty()) {
            reasons.add("malformed-statement: predicate.certificate.id is required");
        } else {
            revocationReason.apply(certificateId)
                    .ifPresent(reason -> reasons.add("certificate-revoked: certificate " + certificateId + " is revoked (" + reason + ")"));
        }
    }

    /** "sha256:HEX" or "HEX" → lowercase hex. */
    public static String normaliseDigest(String digest) {
        String d = digest.trim().toLowerCase(Locale.ROOT);
        return d.startsWith("sha256:") ? d.substring(7) : d;
    }

    private static Instant instant(JsonNode node) {
        try {
            return node.isTextual() ? Instant.parse(node.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static VerificationResult invalid(String reason) {
        return new VerificationResult(false, List.of(reason), null);
    }
}
