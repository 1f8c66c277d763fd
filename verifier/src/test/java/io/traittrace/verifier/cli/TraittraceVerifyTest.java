package io.traittrace.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.digest.ModelDirectoryDigest;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Certificates;
import io.traittrace.verifier.Dsse;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.SigstoreBundle;

class TraittraceVerifyTest {

    @TempDir
    Path dir;
    private Path model;
    private Path bundle;
    private Path key;
    private KeyPair signer;
    private ObjectNode statement;
    private ObjectNode issued;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void issueForAModelDirectory() throws Exception {
        model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{\"hidden_size\": 8}");
        Files.createDirectories(model.resolve("weights"));
        Files.write(model.resolve("weights/model.safetensors"), new byte[] { 1, 2, 3, 4 });
        Files.createDirectories(model.resolve(".git"));
        Files.writeString(model.resolve(".git/HEAD"), "ref: refs/heads/main");
        statement = Certificates.subjectEvaluated(ModelDirectoryDigest.of(model).digest(), Instant.now());
        signer = Keys.generate(KeyAlgorithm.ECDSA_P256_SHA256);
        issued = Certificates.sign(statement, signer);
        bundle = Files.writeString(dir.resolve("cert.json"), issued.toString());
        key = Files.writeString(dir.resolve("pub.pem"), Keys.publicPem(signer.getPublic()));
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
        assertThat(output()).contains("OK: certificate " + Certificates.certificateId(statement)).contains("model digest matches");
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
        Path other = Files.writeString(dir.resolve("other.pem"), Keys.publicPem(Keys.generate(KeyAlgorithm.ECDSA_P256_SHA256).getPublic()));
        assertThat(run("--bundle", bundle.toString(), "--key", other.toString(), "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("unknown-key");
        ObjectNode tampered = issued.deepCopy();
        byte[] sig = Base64.getDecoder().decode(tampered.at("/dsseEnvelope/signatures/0/sig").asText());
        sig[10] ^= 1;
        ((ObjectNode) tampered.at("/dsseEnvelope/signatures/0")).put("sig", Base64.getEncoder().encodeToString(sig));
        Files.writeString(bundle, tampered.toString());
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--json", "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("\"valid\" : false").contains("signature-invalid");
    }

    @Test
    void theRevocationListIsHonoured() throws Exception {
        Path list = Files.writeString(dir.resolve("revocations.json"), "{\"revocations\":[{\"certificateId\":\"" + Certificates.certificateId(statement)
                + "\",\"reason\":\"wrong teacher\"}],\"revokedKeys\":[]}");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--revocations", list.toString(), "--no-digest")).isEqualTo(1);
        assertThat(output()).contains("certificate-revoked").contains("wrong teacher");
        Path keys = Files.writeString(dir.resolve("keys.json"), "{\"revocations\":[],\"revokedKeys\":[\"" + Keys.keyid(signer.getPublic()) + "\"]}");
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
        ObjectNode check = Certificates.pipelineCheck(Instant.now());
        Path file = Files.writeString(dir.resolve("check.json"), Certificates.sign(check, signer).toString());
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
        ObjectNode changed = check.deepCopy();
        ((ObjectNode) changed.at("/predicate/parameters")).put("epochs", 99);
        byte[] payload = Canonical.bytes(changed);
        ObjectNode forged = SigstoreBundle.of(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, Keys.keyid(signer.getPublic()),
                Keys.sign(KeyAlgorithm.ECDSA_P256_SHA256, signer.getPrivate(), Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload)));
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

    @Test
    void helpListsTheOptionsAndTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(output()).contains("traittrace-verify --bundle FILE --key PUB.pem")
                .contains("(--model-dir DIR | --digest sha256:HEX | --no-digest)")
                .contains("--revocations").contains("--require-scope").contains("--require-verdict").contains("--json")
                .contains("--version").contains("Exit codes:")
                .containsPattern("0\\s+valid, and accepted by the --require-\\* policy")
                .containsPattern("1\\s+not valid")
                .containsPattern("2\\s+usage or input error")
                .containsPattern("3\\s+valid, but refused by the --require-\\* policy");
        assertThat(run("-h")).isZero();
    }

    @Test
    void versionIsTheProjectVersion() {
        assertThat(run("--version")).isZero();
        // Filtered from the Maven project version: never the unexpanded placeholder, never unknown.
        assertThat(output().strip()).matches("traittrace-verify \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void badUsageExitsTwoWithTheReasonAndTheUsage() {
        assertThat(run()).isEqualTo(TraittraceVerify.USAGE_ERROR);
        assertThat(output()).contains("Missing required options").contains("--bundle").contains("--key").contains("Exit codes:");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--no-digest", "--frobnicate")).isEqualTo(2);
        assertThat(output()).contains("--frobnicate");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--no-digest", "extra")).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--no-digest", "--require-verdict")).isEqualTo(2);
        assertThat(output()).contains("--require-verdict");
    }
}
