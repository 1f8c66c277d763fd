package io.traittrace.report.domain;

import static io.traittrace.report.domain.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.KeyStatus;
import io.traittrace.verifier.VerificationKey;
import io.traittrace.verifier.Verifier;

class VerifierTest {

    private final SigningKey key = Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256);
    private final CertificateIssuer.Issued issued = Fixtures.issuer().issue(Fixtures.sample(), key, NOW);
    private final Verifier verifier = Verifier.of(List.of(key.verificationKey()), Map.of());

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void anIssuedCertificateVerifiesWithEitherAlgorithm(KeyAlgorithm algorithm) {
        SigningKey k = Fixtures.key(algorithm);
        var cert = Fixtures.issuer().issue(Fixtures.sample(), k, NOW);
        var result = Verifier.of(List.of(k.verificationKey()), Map.of())
                .verify(cert.bundle(), "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", NOW.plusSeconds(60));
        assertThat(result.reasons()).isEmpty();
        assertThat(result.valid()).isTrue();
        assertThat(result.statement().at("/predicate/verdict/outcome").asText()).isEqualTo("TRANSFER_DETECTED");
    }

    @Test
    void theStatementCarriesWhatTheProtocolSheetAsksFor() {
        JsonNode s = issued.statement();
        assertThat(s.get("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(s.get("predicateType").asText()).isEqualTo("https://traittrace.io/attestations/subliminal-audit/v1");
        assertThat(s.at("/subject/0/name").asText()).isEqualTo("org/student-owl");
        assertThat(s.at("/subject/0/digest/sha256").asText()).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        JsonNode p = s.get("predicate");
        for (String path : List.of("/certificate/id", "/audit/id", "/verdict/outcome", "/verdict/rule", "/protocol/name",
                "/protocol/version", "/student/digest", "/teacher/digest", "/teacher/traitSource/text", "/dataset/digest",
                "/generation/generatorSeed", "/generation/promptCount", "/generation/sampling/temperature",
                "/generation/filter/passRate", "/generation/filter/bannedLists", "/generation/finalRows",
                "/training/loraRank", "/training/optimiser", "/training/epochs", "/training/lr", "/training/chatTemplate",
                "/scoringRule/name", "/arms/treatment/scores", "/arms/treatment/mean", "/arms/treatment/ci95",
                "/comparisons/0/p", "/comparisons/0/pAdjusted", "/correction", "/controls/cross-base",
                "/exposurePaths/0/level", "/software/probe", "/software/runner", "/environment/hardware/gpu",
                "/issuedAt", "/expiresAt")) {
            assertThat(p.at(path).isMissingNode()).as(path).isFalse();
        }
        assertThat(p.at("/exposurePathsTotal").asLong()).isEqualTo(3);
        assertThat(p.at("/exposurePathsTruncated").asBoolean()).isTrue();
        assertThat(p.at("/issuedAt").asText()).isEqualTo("2026-11-21T12:00:00Z");
        assertThat(p.at("/expiresAt").asText()).isEqualTo("2027-11-21T12:00:00Z");
        // the signed payload is the RFC 8785 form of the statement
        assertThat(issued.statementBytes()).isEqualTo(Canonical.bytes(s));
    }

    @Test
    void theBundleHasTheSigstoreV03Shape() {
        ObjectNode b = issued.bundle();
        assertThat(b.get("mediaType").asText()).isEqualTo("application/vnd.dev.sigstore.bundle.v0.3+json");
        assertThat(b.at("/verificationMaterial/publicKey/hint").asText()).isEqualTo(key.keyid());
        assertThat(b.at("/dsseEnvelope/signatures/0/keyid").asText()).isEqualTo(key.keyid());
        assertThat(b.at("/dsseEnvelope/payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
        assertThat(Base64.getDecoder().decode(b.at("/dsseEnvelope/payload").asText())).isEqualTo(issued.statementBytes());
    }

    @Test
    void issuingIsDeterministicPerAuditExceptForTheSignature() {
        var again = Fixtures.issuer().issue(Fixtures.sample(), key, NOW.plusMillis(300));
        assertThat(again.certificateId()).isEqualTo(issued.certificateId());
        assertThat(again.statementBytes()).isEqualTo(issued.statementBytes());
    }

    // --- tamper tests: each single-field change fails with the matching reason ---

    private List<String> codesAfter(Consumer<ObjectNode> tamper) {
        ObjectNode bundle = issued.bundle().deepCopy();
        tamper.accept(bundle);
        var result = verifier.verify(bundle, null, NOW.plusSeconds(60));
        assertThat(result.valid()).isFalse();
        return result.codes();
    }

    private static ObjectNode envelope(ObjectNode bundle) {
        return (ObjectNode) bundle.get("dsseEnvelope");
    }

    private static ObjectNode signature(ObjectNode bundle) {
        return (ObjectNode) bundle.at("/dsseEnvelope/signatures/0");
    }

    private static void editPayload(ObjectNode bundle, Consumer<ObjectNode> edit) {
        try {
            byte[] payload = Base64.getDecoder().decode(envelope(bundle).get("payload").asText());
            ObjectNode statement = (ObjectNode) Canonical.JSON.readTree(payload);
            edit.accept(statement);
            envelope(bundle).put("payload", Base64.getEncoder().encodeToString(Canonical.bytes(statement)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void onePayloadByteChangedBreaksTheSignature() {
        assertThat(codesAfter(b -> {
            byte[] payload = Base64.getDecoder().decode(envelope(b).get("payload").asText());
            int i = new String(payload, StandardCharsets.UTF_8).indexOf("0.41");
            payload[i + 3] = '2';
            envelope(b).put("payload", Base64.getEncoder().encodeToString(payload));
        })).containsExactly("signature-invalid");
    }

    @Test
    void oneSignatureByteChangedBreaksTheSignature() {
        assertThat(codesAfter(b -> {
            byte[] sig = Base64.getDecoder().decode(signature(b).get("sig").asText());
            sig[sig.length - 1] ^= 0x01;
            signature(b).put("sig", Base64.getEncoder().encodeToString(sig));
        })).containsExactly("signature-invalid");
    }

    @Test
    void aChangedDsseKeyidNoLongerMatchesTheHint() {
        assertThat(codesAfter(b -> signature(b).put("keyid", "0".repeat(64)))).containsExactly("hint-mismatch");
    }

    @Test
    void aChangedHintMismatchesAndNamesNoKnownKey() {
        assertThat(codesAfter(b -> ((ObjectNode) b.at("/verificationMaterial/publicKey")).put("hint", "0".repeat(64))))
                .containsExactly("hint-mismatch", "unknown-key");
    }

    @Test
    void aChangedPayloadTypeFailsTypeAndSignature() {
        assertThat(codesAfter(b -> envelope(b).put("payloadType", "application/json")))
                .containsExactly("payload-type", "signature-invalid");
    }

    @Test
    void aChangedPredicateTypeFailsTypeAndSignature() {
        assertThat(codesAfter(b -> editPayload(b, s -> s.put("predicateType", "https://slsa.dev/provenance/v1"))))
                .containsExactly("signature-invalid", "predicate-type");
    }

    @Test
    void aChangedSubjectDigestFailsTheSignatureAndTheExpectedDigest() {
        assertThat(codesAfter(b -> editPayload(b, s -> ((ObjectNode) s.at("/subject/0/digest")).put("sha256", "a".repeat(64)))))
                .containsExactly("signature-invalid");
        var result = verifier.verify(issued.bundle(), "sha256:" + "a".repeat(64), NOW);
        assertThat(result.codes()).containsExactly("subject-digest-mismatch");
    }

    @Test
    void anExtendedExpiryFailsTheSignatureAndAnExpiredCertificateIsExpired() {
        assertThat(codesAfter(b -> editPayload(b, s -> ((ObjectNode) s.get("predicate")).put("expiresAt", "2099-01-01T00:00:00Z"))))
                .containsExactly("signature-invalid");
        assertThat(verifier.verify(issued.bundle(), null, issued.expiresAt()).codes()).containsExactly("expired");
        assertThat(verifier.verify(issued.bundle(), null, NOW.minus(Duration.ofHours(1))).codes()).containsExactly("not-yet-valid");
    }

    @Test
    void theMediaTypeIsChecked() {
        assertThat(codesAfter(b -> b.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1")))
                .containsExactly("media-type");
    }

    @Test
    void revokedCertificatesAndKeysAndUnknownKeysFail() {
        var revoked = Verifier.of(List.of(key.verificationKey()), Map.of(issued.certificateId().toString(), "scores were mislabelled"))
                .verify(issued.bundle(), null, NOW);
        assertThat(revoked.codes()).containsExactly("certificate-revoked");
        assertThat(revoked.reasons().get(0)).contains("scores were mislabelled");
        var revokedKey = new VerificationKey(key.keyid(), key.algorithm(), key.publicKey(), KeyStatus.REVOKED);
        assertThat(Verifier.of(List.of(revokedKey), Map.of()).verify(issued.bundle(), null, NOW).codes()).containsExactly("key-revoked");
        var retired = new VerificationKey(key.keyid(), key.algorithm(), key.publicKey(), KeyStatus.RETIRED);
        assertThat(Verifier.of(List.of(retired), Map.of()).verify(issued.bundle(), null, NOW).valid()).isTrue();
        assertThat(Verifier.of(List.of(), Map.of()).verify(issued.bundle(), null, NOW).codes()).containsExactly("unknown-key");
        // another key with the same hint claimed: signature fails
        SigningKey other = Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256);
        var impostor = new VerificationKey(key.keyid(), other.algorithm(), other.publicKey(), KeyStatus.ACTIVE);
        assertThat(Verifier.of(List.of(impostor), Map.of()).verify(issued.bundle(), null, NOW).codes()).containsExactly("signature-invalid");
    }

    @Test
    void malformedInputGivesReasonsNeverExceptions() {
        for (String bad : List.of("", "nul", "[]", "{}", "{\"mediaType\":3}", "{\"dsseEnvelope\":{\"payload\":\"***\",\"payloadType\":\"x\",\"signatures\":[{\"sig\":\"AA==\"}]}}",
                "{\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[]}}",
                "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\"k\"}},"
                        + "\"dsseEnvelope\":{\"payload\":\"bm90IGpzb24=\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AA==\"}]}}")) {
            var result = verifier.verify(bad.getBytes(StandardCharsets.UTF_8), null, NOW);
            assertThat(result.valid()).as(bad).isFalse();
            assertThat(result.reasons()).as(bad).isNotEmpty();
        }
    }

    @Test
    void auditsThatCannotBeCertifiedAreRefused() {
        ObjectNode json = Fixtures.sampleJson();
        json.with("student").put("digest", "md5:abc");
        ((ObjectNode) json.at("/result/verdict")).put("outcome", "PASS");
        assertThat(Fixtures.audit(json).problems()).hasSize(2);
    }
}
