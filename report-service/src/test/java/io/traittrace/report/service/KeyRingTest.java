package io.traittrace.report.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.traittrace.report.config.ReportConfig;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.KeyStatus;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.VerificationKey;

/** Rotation without restart: the directory is re-read, the active keyid switches, old keys keep verifying. */
class KeyRingTest {

    @TempDir
    Path dir;
    String active;
    List<String> revoked = List.of();

    private final ReportConfig.Keys keysConfig = new ReportConfig.Keys() {
        public String directory() {
            return dir.toString();
        }

        public Optional<String> activeKeyid() {
            return Optional.ofNullable(active);
        }

        public Optional<List<String>> revoked() {
            return Optional.of(revoked);
        }

        public Duration reloadInterval() {
            return Duration.ofSeconds(30);
        }
    };

    private final ReportConfig config = (ReportConfig) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] { ReportConfig.class }, (proxy, method, args) -> {
                if (method.getName().equals("keys")) {
                    return keysConfig;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private String write(String name, KeyAlgorithm algorithm) throws Exception {
        var pair = Keys.generate(algorithm);
        Files.writeString(dir.resolve(name + ".pub.pem"), Keys.publicPem(pair.getPublic()));
        Files.writeString(dir.resolve(name + ".key.pem"), Keys.privatePem(pair.getPrivate()));
        return Keys.keyid(pair.getPublic());
    }

    private KeyStatus status(KeyRing ring, String keyid) {
        return ring.find(keyid).map(VerificationKey::status).orElseThrow();
    }

    @Test
    void rotationRetirementRevocationAndABrokenReload() throws Exception {
        String first = write("signer-2025", KeyAlgorithm.ECDSA_P256_SHA256);
        KeyRing ring = new KeyRing(config);
        ring.onStart(null);
        assertThat(ring.signer().keyid()).isEqualTo(first); // the only pair: no keyid needed

        String second = write("signer-2026", KeyAlgorithm.ED25519);
        active = second;
        ring.reload();
        assertThat(ring.signer().keyid()).isEqualTo(second);
        assertThat(ring.signer().algorithm()).isEqualTo(KeyAlgorithm.ED25519);
        assertThat(status(ring, first)).isEqualTo(KeyStatus.RETIRED);

        revoked = List.of(first);
        ring.reload();
        assertThat(status(ring, first)).isEqualTo(KeyStatus.REVOKED);

        // a half-written Secret update: the last good key set stays in use
        Files.writeString(dir.resolve("signer-2026.key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        ring.reload();
        assertThat(ring.signer().keyid()).isEqualTo(second);
        assertThatThrownBy(ring::load).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startupRefusesAmbiguousOrMissingSigners() throws Exception {
        KeyRing ring = new KeyRing(config);
        assertThatThrownBy(ring::load).hasMessageContaining("No *.pub.pem");
        write("a", KeyAlgorithm.ECDSA_P256_SHA256);
        write("b", KeyAlgorithm.ECDSA_P256_SHA256);
        assertThatThrownBy(ring::load).hasMessageContaining("Set report.keys.active-keyid");
        active = "0".repeat(64);
        assertThatThrownBy(ring::load).hasMessageContaining("has the active keyid");
        String c = write("c", KeyAlgorithm.ECDSA_P256_SHA256);
        Files.delete(dir.resolve("c.key.pem"));
        active = c;
        assertThatThrownBy(ring::load).hasMessageContaining("no c.key.pem");
        revoked = List.of(c);
        assertThatThrownBy(ring::load).hasMessageContaining("listed as revoked");
    }
}
