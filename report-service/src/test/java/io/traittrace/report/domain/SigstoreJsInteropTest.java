package io.traittrace.report.domain;

import static io.traittrace.report.domain.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.Statements;

/**
 * Proof that others can verify our certificates: stock sigstore-js ({@code @sigstore/verify} 3.1.1 with key
 * trust material, installed by npm from src/test/js's lockfile into target/sigstore-js) and the openssl CLI
 * over a PAE recomputed in the shell. Skipped, with the reason, only when node, npm or openssl is missing.
 */
class SigstoreJsInteropTest {

    private static final Path JS = Path.of("target", "sigstore-js");
    private static Path work;

    @BeforeAll
    static void installSigstoreJs() throws Exception {
        for (String tool : List.of("node", "npm", "openssl", "bash")) {
            assumeTrue(onPath(tool), tool + " is not installed: the sigstore-js/openssl interop checks are skipped");
        }
        Files.createDirectories(JS);
        boolean fresh = false;
        for (String file : List.of("package.json", "package-lock.json", "verify-bundle.mjs")) {
            Path source = Path.of("src", "test", "js", file);
            Path target = JS.resolve(file);
            fresh |= !Files.exists(target) || Files.mismatch(source, target) != -1;
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (fresh || !Files.isDirectory(JS.resolve("node_modules/@sigstore/verify"))) {
            Result npm = run(JS, 240, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
            assertThat(npm.exit).as("npm ci: " + npm.output).isZero();
        }
        work = Files.createTempDirectory("interop");
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void sigstoreJsVerifiesAnIssuedBundle(KeyAlgorithm algorithm) throws Exception {
        SigningKey key = Fixtures.key(algorithm);
        ObjectNode bundle = Fixtures.issuer().issue(Fixtures.sample(), key, Instant.now()).bundle();
        Path dir = Files.createTempDirectory(work, algorithm.name());
        Path bundleFile = write(dir.resolve("bundle.json"), bundle.toString());
        Path pub = write(dir.resolve("pub.pem"), Keys.publicPem(key.publicKey()));

        Result ok = run(JS, 60, "node", "verify-bundle.mjs", bundleFile.toAbsolutePath().toString(), pub.toAbsolutePath().toString());
        assertThat(ok.exit).as(ok.output).isZero();
        JsonNode out = Canonical.JSON.readTree(ok.output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        assertThat(out.get("verified").asBoolean()).isTrue();
        assertThat(out.get("keyid").asText()).isEqualTo(key.keyid());
        assertThat(out.get("hint").asText()).isEqualTo(key.keyid());
        assertThat(out.get("predicateType").asText()).isEqualTo(Statements.PREDICATE_TYPE);

        // one payload byte changed: sigstore-js refuses it too
        byte[] payload = Base64.getDecoder().decode(bundle.at("/dsseEnvelope/payload").asText());
        payload[payload.length / 2] ^= 0x01;
        ((ObjectNode) bundle.get("dsseEnvelope")).put("payload", Base64.getEncoder().encodeToString(payload));
        write(bundleFile, bundle.toString());
        Result tampered = run(JS, 60, "node", "verify-bundle.mjs", bundleFile.toAbsolutePath().toString(), pub.toAbsolutePath().toString());
        assertThat(tampered.exit).as(tampered.output).isEqualTo(1);
        assertThat(tampered.output).contains("\"verified\":false");
    }

    @Test
    void sigstoreJsRefusesAnotherKey() throws Exception {
        SigningKey key = Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256);
        SigningKey other = Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256);
        Path dir = Files.createTempDirectory(work, "other");
        Path bundleFile = write(dir.resolve("bundle.json"), Fixtures.issuer().issue(Fixtures.sample(), key, NOW).bundle().toString());
        Path pub = write(dir.resolve("pub.pem"), Keys.publicPem(other.publicKey()));
        Result refused = run(JS, 60, "node", "verify-bundle.mjs", bundleFile.toAbsolutePath().toString(), pub.toAbsolutePath().toString());
        assertThat(refused.exit).as(refused.output).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void opensslVerifiesTheSignatureOverAPaeRecomputedInTheShell(KeyAlgorithm algorithm) throws Exception {
        SigningKey key = Fixtures.key(algorithm);
        ObjectNode bundle = Fixtures.issuer().issue(Fixtures.sample(), key, NOW).bundle();
        Path dir = Files.createTempDirectory(work, "openssl-" + algorithm.name());
        write(dir.resolve("pub.pem"), Keys.publicPem(key.publicKey()));
        Files.write(dir.resolve("payload.bin"), Base64.getDecoder().decode(bundle.at("/dsseEnvelope/payload").asText()));
        Files.write(dir.resolve("sig.der"), Base64.getDecoder().decode(bundle.at("/dsseEnvelope/signatures/0/sig").asText()));
        write(dir.resolve("type.txt"), bundle.at("/dsseEnvelope/payloadType").asText());

        // PAE = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, built with printf/cat, not with our Dsse class
        String pae = "type=$(cat type.txt); printf 'DSSEv1 %d %s %d ' \"$(printf %s \"$type\" | wc -c)\" \"$type\""
                + " \"$(wc -c < payload.bin)\" > pae.bin && cat payload.bin >> pae.bin";
        assertThat(run(dir, 30, "bash", "-c", pae).exit).isZero();
        String verify = algorithm == KeyAlgorithm.ECDSA_P256_SHA256
                ? "openssl dgst -sha256 -verify pub.pem -signature sig.der pae.bin"
                : "openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in pae.bin -sigfile sig.der";
        Result ok = run(dir, 30, "bash", "-c", verify);
        assertThat(ok.exit).as(ok.output).isZero();
        assertThat(ok.output).contains("Verified");

        // the keyid is the SHA-256 of the DER public key, as openssl sees it
        Result keyid = run(dir, 30, "bash", "-c", "openssl pkey -pubin -in pub.pem -outform DER | sha256sum");
        assertThat(keyid.output.trim()).startsWith(key.keyid());

        // one byte of the PAE changed: openssl refuses
        assertThat(run(dir, 30, "bash", "-c", "printf x >> pae.bin").exit).isZero();
        assertThat(run(dir, 30, "bash", "-c", verify).exit).isNotZero();
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static boolean onPath(String tool) {
        try {
            return run(Path.of("."), 20, "bash", "-c", "command -v " + tool).exit == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
