package io.traittrace.report.domain;

import io.traittrace.digest.ModelDirectoryDigest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.report.cli.TraittraceVerify;

class TraittraceVerifyTest {

    @TempDir
    Path dir;
    private Path model;
    private Path bundle;
    private Path key;
    private SigningKey signer;
    private CertificateIssuer.Issued issued;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void issueForAModelDirectory() throws Exception {
        model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{\"hidden_size\": 8}");
        Files.createDirectories(model.resolve("weights"));
        Files.write(model.resolve("weights/model.safetensors"), new byte[] { 1, 2, 3, 4 });
        Files.createDirectories(model.resolve(".git"));
        Files.writeString(model.resolve(".git/HEAD"), "ref: refs/heads/main");
        String digest = ModelDirectoryDigest.of(model).digest();
        ObjectNode json = Fixtures.sampleJson();
        json.with("student").put("digest", digest);
        ((ObjectNode) json.at("/result/data/0")).put("digest", digest); // the trait-eval probe loaded these very weights
        signer = Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256);
        issued = Fixtures.issuer().issue(Fixtures.audit(json), signer, Instant.now());
        bundle = Files.writeString(dir.resolve("cert.json"), issued.bundle().toString());
        key = Files.writeString(dir.resolve("pub.pem"), Keys.publicPem(signer.publicKey()));
    }

    private int run(String... args) {
        out.reset();
        return TraittraceVerify.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), Instant.now());
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exitsZeroWhenEverythingChecksIncludingTheRecomputedModelDigest() {
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--model-dir", model.toString())).as(output()).isZero();
        assertThat(output()).contains("OK: certificate " + issued.certificateId()).contains("model digest matches");
        // .git and model.sig are not part of the digest
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--model-dir", model.toString())).isZero();
    }

    @Test
    void aChangedModelFileFailsTheSubjectDigest() throws Exception {
        Files.writeString(model.resolve("model.sig"), "ignored");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--model-dir", model.toString())).isZero();
        Files.write(model.resolve("weights/model.safetensors"), new byte[] { 1, 2, 3, 5 });
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--model-dir", model.toString())).isEqualTo(1);
        assertThat(output()).contains("FAILED").contains("subject-digest-mismatch");
    }

    @Test
    void anotherKeyOrATamperedBundleFails() throws Exception {
        Path other = Files.writeString(dir.resolve("other.pem"), Keys.publicPem(Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256).publicKey()));
        assertThat(run("--bundle", bundle.toString(), "--key", other.toString(), "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("unknown-key");
        ObjectNode tampered = issued.bundle().deepCopy();
        byte[] sig = Base64.getDecoder().decode(tampered.at("/dsseEnvelope/signatures/0/sig").asText());
        sig[10] ^= 1;
        ((ObjectNode) tampered.at("/dsseEnvelope/signatures/0")).put("sig", Base64.getEncoder().encodeToString(sig));
        Files.writeString(bundle, tampered.toString());
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--json", "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("\"valid\" : false").contains("signature-invalid");
    }

    @Test
    void theRevocationListIsHonoured() throws Exception {
        Path list = Files.writeString(dir.resolve("revocations.json"), "{\"revocations\":[{\"certificateId\":\"" + issued.certificateId()
                + "\",\"reason\":\"wrong teacher\"}],\"revokedKeys\":[]}");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--revocations", list.toString(), "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("certificate-revoked").contains("wrong teacher");
        Path keys = Files.writeString(dir.resolve("keys.json"), "{\"revocations\":[],\"revokedKeys\":[\"" + signer.keyid() + "\"]}");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--revocations", keys.toString(), "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("key-revoked");
    }

    @Test
    void thePolicyFlagsAcceptOrRefuseAValidCertificateWithTheirOwnExitCode() {
        String b = bundle.toString();
        String k = key.toString();
        assertThat(run("--bundle", b, "--key", k, "--model-dir", model.toString(), "--require-scope", "subject-evaluated")).as(output()).isZero();
        assertThat(output()).contains("OK: certificate").contains("scope subject-evaluated, subject evaluated: true");
        assertThat(run("--bundle", b, "--key", k, "--require-scope", "pipeline-check", "--require-scope", "self-attested", "--no-digest"))
                .isEqualTo(TraittraceVerify.POLICY_FAILED).isEqualTo(3);
        assertThat(output()).contains("VALID, BUT REFUSED BY POLICY").contains("POLICY FAILED:")
                .contains("  - policy-scope: the certificate's scope is subject-evaluated; accepted: [pipeline-check, self-attested]");
        assertThat(run("--bundle", b, "--key", k, "--require-scope", "pipeline-check,subject-evaluated", "--no-digest")).isZero();
        assertThat(run("--bundle", b, "--key", k, "--require-verdict", "TRANSFER_DETECTED", "--no-digest")).isZero();
        assertThat(run("--bundle", b, "--key", k, "--require-verdict", "NO_TRANSFER_DETECTED,INCONCLUSIVE", "--no-digest")).isEqualTo(3);
        assertThat(output()).contains("  - policy-verdict: the verdict is TRANSFER_DETECTED; accepted: [INCONCLUSIVE, NO_TRANSFER_DETECTED]");
        assertThat(run("--bundle", b, "--key", k, "--require-verdict", "NO_TRANSFER_DETECTED", "--json", "--no-digest")).isEqualTo(3);
        assertThat(output()).contains("\"valid\" : true").contains("\"satisfied\" : false").contains("policy-verdict");
        // An invalid certificate is invalid (1) whatever the policy says.
        assertThat(run("--bundle", b, "--key", k, "--digest", "sha256:" + "0".repeat(64), "--require-verdict", "INCONCLUSIVE")).isEqualTo(1);
        // Unknown policy values are usage errors.
        assertThat(run("--bundle", b, "--key", k, "--require-scope", "evaluated", "--no-digest")).isEqualTo(2);
        assertThat(output()).contains("unknown scope 'evaluated'");
        assertThat(run("--bundle", b, "--key", k, "--require-verdict", "SAFE", "--no-digest")).isEqualTo(2);
        assertThat(run("--bundle", b, "--key", k, "--require-scope")).isEqualTo(2);
    }

    @Test
    void aPipelineCheckVerifiesAsSuchButNeverAsTheModelsCertificate() throws Exception {
        var check = Fixtures.issuer().issue(Fixtures.canary(), signer, Instant.now());
        Path file = Files.writeString(dir.resolve("check.json"), check.bundle().toString());
        assertThat(run("--bundle", file.toString(), "--key", key.toString(), "--no-digest")).as(output()).isZero();
        assertThat(output()).contains("for traittrace-probe/canary@1").contains("scope pipeline-check")
                .contains("requested for org/student-owl, whose weights were NOT evaluated").contains("probe-spec digest matches");
        assertThat(run("--bundle", file.toString(), "--key", key.toString(), "--require-scope", "pipeline-check", "--no-digest")).isZero();
        // The registry recipe refuses it: valid, but not an evaluation of the subject.
        assertThat(run("--bundle", file.toString(), "--key", key.toString(), "--require-scope", "subject-evaluated", "--no-digest")).isEqualTo(3);
        assertThat(output()).contains("policy-scope: the certificate's scope is pipeline-check; accepted: [subject-evaluated]");
        // Checked against the student's digest it fails: its subject is the probe spec.
        assertThat(run("--bundle", file.toString(), "--key", key.toString(), "--digest",
                "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")).isEqualTo(1);
        assertThat(output()).contains("subject-digest-mismatch");
        // A spec that does not hash to the subject fails, even correctly signed.
        ObjectNode statement = check.statement().deepCopy();
        ((ObjectNode) statement.at("/predicate/parameters")).put("epochs", 99);
        byte[] payload = Canonical.bytes(statement);
        ObjectNode forged = SigstoreBundle.of(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, signer.keyid(),
                signer.sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload)));
        Files.writeString(file, forged.toString());
        assertThat(run("--bundle", file.toString(), "--key", key.toString(), "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("FAILED").contains("subject-spec-mismatch");
    }

    /** A valid signature alone passes for any model: the model to check against is required, or skipped by name. */
    @Test
    void theModelToCheckAgainstIsRequiredUnlessSkippedByName() throws Exception {
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString())).isEqualTo(TraittraceVerify.USAGE_ERROR);
        assertThat(output()).contains("give the model the certificate must be about").contains("--no-digest");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--require-verdict", "TRANSFER_DETECTED")).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--no-digest", "--digest", "sha256:" + "0".repeat(64)))
                .isEqualTo(2);
        assertThat(output()).contains("give one of --model-dir, --digest and --no-digest");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--no-digest")).as(output()).isZero();
        assertThat(output()).contains("model digest NOT checked (--no-digest)");
    }

    @Test
    void usageAndInputErrorsExitTwo() throws Exception {
        assertThat(run("--bundle", bundle.toString())).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--frobnicate", "--no-digest")).isEqualTo(2);
        assertThat(run("--bundle", dir.resolve("missing.json").toString(), "--key", key.toString(), "--no-digest")).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", bundle.toString(), "--no-digest")).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--model-dir", dir.resolve("nope").toString())).isEqualTo(2);
        Files.writeString(dir.resolve("junk.json"), "garbage");
        assertThat(run("--bundle", dir.resolve("junk.json").toString(), "--key", key.toString(), "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("malformed-bundle");
    }
}
