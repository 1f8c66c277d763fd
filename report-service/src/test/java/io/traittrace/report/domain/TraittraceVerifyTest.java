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
        assertThat(run("--bundle", bundle.toString(), "--key", other.toString())).isEqualTo(1);
        assertThat(output()).contains("unknown-key");
        ObjectNode tampered = issued.bundle().deepCopy();
        byte[] sig = Base64.getDecoder().decode(tampered.at("/dsseEnvelope/signatures/0/sig").asText());
        sig[10] ^= 1;
        ((ObjectNode) tampered.at("/dsseEnvelope/signatures/0")).put("sig", Base64.getEncoder().encodeToString(sig));
        Files.writeString(bundle, tampered.toString());
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--json")).isEqualTo(1);
        assertThat(output()).contains("\"valid\" : false").contains("signature-invalid");
    }

    @Test
    void theRevocationListIsHonoured() throws Exception {
        Path list = Files.writeString(dir.resolve("revocations.json"), "{\"revocations\":[{\"certificateId\":\"" + issued.certificateId()
                + "\",\"reason\":\"wrong teacher\"}],\"revokedKeys\":[]}");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--revocations", list.toString())).isEqualTo(1);
        assertThat(output()).contains("certificate-revoked").contains("wrong teacher");
        Path keys = Files.writeString(dir.resolve("keys.json"), "{\"revocations\":[],\"revokedKeys\":[\"" + signer.keyid() + "\"]}");
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--revocations", keys.toString())).isEqualTo(1);
        assertThat(output()).contains("key-revoked");
    }

    @Test
    void usageAndInputErrorsExitTwo() throws Exception {
        assertThat(run("--bundle", bundle.toString())).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--frobnicate")).isEqualTo(2);
        assertThat(run("--bundle", dir.resolve("missing.json").toString(), "--key", key.toString())).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", bundle.toString())).isEqualTo(2);
        assertThat(run("--bundle", bundle.toString(), "--key", key.toString(), "--model-dir", dir.resolve("nope").toString())).isEqualTo(2);
        Files.writeString(dir.resolve("junk.json"), "garbage");
        assertThat(run("--bundle", dir.resolve("junk.json").toString(), "--key", key.toString())).isEqualTo(1);
        assertThat(output()).contains("malformed-bundle");
    }
}
