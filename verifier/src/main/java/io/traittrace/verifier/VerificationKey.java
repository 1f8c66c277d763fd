package io.traittrace.verifier;

import java.security.PublicKey;

/** A public key certificates may be verified with, and its status. */
public record VerificationKey(String keyid, KeyAlgorithm algorithm, PublicKey publicKey, KeyStatus status) {

    public static VerificationKey of(PublicKey key, KeyStatus status) {
        return new VerificationKey(Keys.keyid(key), KeyAlgorithm.of(key), key, status);
    }

    public String pem() {
        return Keys.publicPem(publicKey);
    }
}
