package io.traittrace.verifier;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Key plumbing on plain JCA: PEM (SPKI / PKCS#8), keyids, JWKs, generation, sign and verify. */
public final class Keys {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Keys() {
    }

    /** keyid = lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. */
    public static String keyid(PublicKey key) {
        return HexFormat.of().formatHex(sha256(key.getEncoded()));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public static KeyPair generate(KeyAlgorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyFactory());
            if (algorithm == KeyAlgorithm.ECDSA_P256_SHA256) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a " + algorithm + " key", e);
        }
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** Parses an SPKI PEM ("PUBLIC KEY") holding an ECDSA P-256 or Ed25519 key. */
    public static PublicKey parsePublicPem(String pem) {
        byte[] der = der(pem, "PUBLIC KEY");
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            try {
                PublicKey key = KeyFactory.getInstance(algorithm.keyFactory()).generatePublic(new X509EncodedKeySpec(der));
                KeyAlgorithm.of(key);
                return key;
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("Not an ECDSA P-256 or Ed25519 public key");
    }

    /** Parses an unencrypted PKCS#8 PEM ("PRIVATE KEY") for the given algorithm. */
    public static PrivateKey parsePrivatePem(String pem, KeyAlgorithm algorithm) {
        try {
            return KeyFactory.getInstance(algorithm.keyFactory()).generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Not a PKCS#8 " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    private static byte[] der(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("No '" + begin + "' block found");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The PEM block is not valid base64", e);
        }
    }

    public static byte[] sign(KeyAlgorithm algorithm, PrivateKey key, byte[] data) {
        try {
            Signature signature = Signature.getInstance(algorithm.jcaSignature());
            signature.initSign(key);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing failed: " + e.getMessage(), e);
        }
    }

    /** False for a wrong or malformed signature; never throws for bad input. */
    public static boolean verify(KeyAlgorithm algorithm, PublicKey key, byte[] data, byte[] sig) {
        try {
            Signature signature = Signature.getInstance(algorithm.jcaSignature());
            signature.initVerify(key);
            signature.update(data);
            return signature.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** RFC 7517 JWK of a public key (EC P-256 or OKP Ed25519), with kid = keyid. */
    public static Map<String, Object> jwk(PublicKey key, KeyStatus status) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        KeyAlgorithm algorithm = KeyAlgorithm.of(key);
        if (algorithm == KeyAlgorithm.ECDSA_P256_SHA256) {
            ECPublicKey ec = (ECPublicKey) key;
            jwk.put("kty", "EC");
            jwk.put("crv", "P-256");
            jwk.put("x", B64URL.encodeToString(unsigned(ec.getW().getAffineX(), 32)));
            jwk.put("y", B64URL.encodeToString(unsigned(ec.getW().getAffineY(), 32)));
        } else {
            byte[] spki = key.getEncoded();
            jwk.put("kty", "OKP");
            jwk.put("crv", "Ed25519");
            jwk.put("x", B64URL.encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
        }
        jwk.put("kid", keyid(key));
        jwk.put("use", "sig");
        jwk.put("alg", algorithm.jwa());
        jwk.put("status", status.json());
        return jwk;
    }

    private static byte[] unsigned(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }
}
