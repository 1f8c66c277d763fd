package io.traittrace.report.publishing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures: {@code X-TraitTrace-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))}
 * with {@code X-TraitTrace-Timestamp} (epoch seconds), so receivers can reject replays and altered bodies.
 */
public final class Webhooks {

    public static final String SIGNATURE_HEADER = "X-TraitTrace-Signature";
    public static final String TIMESTAMP_HEADER = "X-TraitTrace-Timestamp";
    public static final String EVENT_ID_HEADER = "X-TraitTrace-Event-Id";

    private Webhooks() {
    }

    public static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is always available", e);
        }
    }

    /** Constant-time check, for receivers (and tests). */
    public static boolean valid(String secret, String timestamp, String body, String signature) {
        return signature != null && MessageDigest.isEqual(sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8),
                signature.getBytes(StandardCharsets.UTF_8));
    }
}
