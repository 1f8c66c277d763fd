package io.traittrace.report.domain;

import java.security.PrivateKey;
import java.security.PublicKey;

import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.KeyStatus;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.VerificationKey;

/** The key that signs new certificates. */
public record SigningKey(String keyid, KeyAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {

    public static SigningKey of(PrivateKey privateKey, PublicKey publicKey) {
        KeyAlgorithm algorithm = KeyAlgorithm.of(publicKey);
        SigningKey key = new SigningKey(Keys.keyid(publicKey), algorithm, privateKey, publicKey);
        byte[] probe = "traittrace key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!Keys.verify(algorithm, publicKey, probe, Keys.sign(algorithm, privateKey, probe))) {
            throw new IllegalArgumentException("The private key does not belong to public key " + key.keyid());
        }
        return key;
    }

    public byte[] sign(byte[] data) {
        return Keys.sign(algorithm, privateKey, data);
    }

    public VerificationKey verificationKey() {
        return new VerificationKey(keyid, algorithm, publicKey, KeyStatus.ACTIVE);
    }
}
