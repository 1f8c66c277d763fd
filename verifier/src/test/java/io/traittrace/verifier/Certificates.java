package io.traittrace.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Signed certificates for the verifier's tests, built here rather than by the report service's issuer (which depends on
 * this module): statements shaped as the issuer writes them, signed over the DSSE PAE into a Sigstore bundle.
 */
public final class Certificates {

    private Certificates() {
    }

    /** A subliminal-audit statement about the model with this digest ({@code sha256:HEX}), issued now, valid for a year. */
    public static ObjectNode subjectEvaluated(String modelDigest, Instant now) {
        ObjectNode statement = statement("/statement.subject-evaluated.json", now);
        ((ObjectNode) statement.at("/subject/0/digest")).put("sha256", Verifier.normaliseDigest(modelDigest));
        ((ObjectNode) statement.at("/predicate/student")).put("digest", modelDigest);
        return statement;
    }

    /** A pipeline-check statement (a canary) whose subject is the digest of the probe spec its predicate records. */
    public static ObjectNode pipelineCheck(Instant now) {
        ObjectNode statement = statement("/statement.pipeline-check.json", now);
        ((ObjectNode) statement.at("/subject/0/digest")).put("sha256", Scope.specDigest(Scope.spec(statement.get("predicate"))));
        return statement;
    }

    /** The Sigstore bundle of a statement signed with this key. */
    public static ObjectNode sign(ObjectNode statement, KeyPair key) {
        KeyAlgorithm algorithm = KeyAlgorithm.of(key.getPublic());
        byte[] payload = Canonical.bytes(statement);
        byte[] signature = Keys.sign(algorithm, key.getPrivate(), Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        return SigstoreBundle.of(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, Keys.keyid(key.getPublic()), signature);
    }

    public static String certificateId(ObjectNode statement) {
        return statement.at("/predicate/certificate/id").asText();
    }

    private static ObjectNode statement(String resource, Instant now) {
        ObjectNode statement;
        try (InputStream in = Certificates.class.getResourceAsStream(resource)) {
            statement = (ObjectNode) Canonical.JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
        ((ObjectNode) statement.get("predicate")).put("issuedAt", issuedAt.toString())
                .put("expiresAt", issuedAt.plus(Duration.ofDays(365)).toString());
        return statement;
    }
}
