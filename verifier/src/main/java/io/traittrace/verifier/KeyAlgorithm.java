package io.traittrace.verifier;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;

/** Signature algorithms the service signs and verifies with. ECDSA P-256/SHA-256 is what cosign and sigstore-js verify with a plain key. */
public enum KeyAlgorithm {

    /** ECDSA on P-256 with SHA-256; signatures are ASN.1 DER, as DSSE tooling expects. */
    ECDSA_P256_SHA256("EC", "SHA256withECDSA", "ES256"),
    /** Ed25519 (pure EdDSA, 64-byte signatures). */
    ED25519("Ed25519", "Ed25519", "EdDSA");

    private final String keyFactory;
    private final String jca;
    private final String jwa;

    KeyAlgorithm(String keyFactory, String jca, String jwa) {
        this.keyFactory = keyFactory;
        this.jca = jca;
        this.jwa = jwa;
    }

    public String keyFactory() {
        return keyFactory;
    }

    public String jcaSignature() {
        return jca;
    }

    public String jwa() {
        return jwa;
    }

    /** The algorithm of a public key, or an exception for curves and types we do not accept (P-384, RSA...). */
    public static KeyAlgorithm of(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() != 256
                    || !ec.getParams().getOrder().toString(16).startsWith("ffffffff00000000")) {
                throw new IllegalArgumentException("Only the P-256 curve is accepted for ECDSA keys");
            }
            return ECDSA_P256_SHA256;
        }
        if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
            return ED25519;
        }
        throw new IllegalArgumentException("Unsupported key type " + key.getAlgorithm() + " (ECDSA P-256 or Ed25519)");
    }

    public static KeyAlgorithm parse(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ecdsa-p256-sha256", "ecdsa_p256_sha256", "ecdsa", "es256", "p-256" -> ECDSA_P256_SHA256;
            case "ed25519", "eddsa" -> ED25519;
            default -> throw new IllegalArgumentException("Unknown key algorithm '" + name + "' (ecdsa-p256-sha256 or ed25519)");
        };
    }
}
