package io.traittrace.verifier;

import java.util.Base64;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sigstore bundle v0.3 (protobuf-specs JSON) around a DSSE envelope, for a plain public key: the key is named
 * by {@code verificationMaterial.publicKey.hint} (= the DSSE keyid), no transparency-log entries, no timestamps.
 */
public final class SigstoreBundle {

    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private SigstoreBundle() {
    }

    public static ObjectNode of(String payloadType, byte[] payload, String keyid, byte[] signature) {
        ObjectNode bundle = Canonical.JSON.createObjectNode();
        bundle.put("mediaType", MEDIA_TYPE);
        ObjectNode material = bundle.putObject("verificationMaterial");
        material.putObject("publicKey").put("hint", keyid);
        material.putArray("tlogEntries");
        ObjectNode envelope = bundle.putObject("dsseEnvelope");
        envelope.put("payload", Base64.getEncoder().encodeToString(payload));
        envelope.put("payloadType", payloadType);
        envelope.putArray("signatures").addObject()
                .put("sig", Base64.getEncoder().encodeToString(signature))
                .put("keyid", keyid);
        return bundle;
    }
}
