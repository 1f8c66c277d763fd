package io.traittrace.report.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.traittrace.report.domain.SigningKey;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.Keys;

/**
 * Test-only config source: generates the service's keys into target/test-keys on first use (never into the
 * repository) and points the service at them. Three keys: the active ECDSA signer, a retired ECDSA key that
 * still verifies, and a revoked Ed25519 key. Also each test organisation's registry secrets, as files.
 */
public class TestKeys implements ConfigSource {

    public static final Path DIR = Path.of("target", "test-keys").toAbsolutePath();
    public static final String ACTIVE = "signer-2026";
    public static final String RETIRED = "signer-2025";
    public static final String REVOKED = "old-ed25519";
    /** Registry secrets, as mounted Secret files: each organisation's own. */
    public static final Path SECRETS = Path.of("target", "test-registry-secrets").toAbsolutePath();
    public static final Map<String, String> MLFLOW_TOKENS = Map.of("acme", "acme-mlflow-token", "globex", "globex-mlflow-token");
    public static final Map<String, String> WEBHOOK_SECRETS = Map.of("acme", "acme-webhook-secret", "globex", "globex-webhook-secret");

    static synchronized void ensure() {
        try {
            Files.createDirectories(SECRETS);
            for (String org : MLFLOW_TOKENS.keySet()) {
                // Written as kubectl writes a Secret key from a file: a trailing line break is common and ignored.
                Files.writeString(SECRETS.resolve(org + "-mlflow-token"), MLFLOW_TOKENS.get(org) + "\n");
                Files.writeString(SECRETS.resolve(org + "-webhook-secret"), WEBHOOK_SECRETS.get(org) + "\n");
            }
            if (Files.exists(DIR.resolve("complete"))) {
                return;
            }
            Files.createDirectories(DIR);
            write(ACTIVE, KeyAlgorithm.ECDSA_P256_SHA256);
            write(RETIRED, KeyAlgorithm.ECDSA_P256_SHA256);
            write(REVOKED, KeyAlgorithm.ED25519);
            Files.writeString(DIR.resolve("complete"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(String name, KeyAlgorithm algorithm) throws IOException {
        var pair = Keys.generate(algorithm);
        Files.writeString(DIR.resolve(name + ".pub.pem"), Keys.publicPem(pair.getPublic()));
        Files.writeString(DIR.resolve(name + ".key.pem"), Keys.privatePem(pair.getPrivate()));
    }

    /** A key pair from the test directory, to sign bundles the way an older deployment did. */
    public static SigningKey key(String name) {
        ensure();
        try {
            var pub = Keys.parsePublicPem(Files.readString(DIR.resolve(name + ".pub.pem")));
            return SigningKey.of(Keys.parsePrivatePem(Files.readString(DIR.resolve(name + ".key.pem")), io.traittrace.verifier.KeyAlgorithm.of(pub)), pub);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        ensure();
        Map<String, String> properties = new java.util.HashMap<>(Map.of("report.keys.directory", DIR.toString(),
                "report.keys.active-keyid", key(ACTIVE).keyid(),
                "report.keys.revoked", key(REVOKED).keyid()));
        for (String org : MLFLOW_TOKENS.keySet()) {
            properties.put("report.registries.\"" + org + "\".mlflow.token-file", SECRETS.resolve(org + "-mlflow-token").toString());
            properties.put("report.registries.\"" + org + "\".webhook.secret-file", SECRETS.resolve(org + "-webhook-secret").toString());
        }
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return getProperties().keySet();
    }

    @Override
    public String getValue(String name) {
        return getProperties().get(name);
    }

    @Override
    public String getName() {
        return "traittrace-test-keys";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
