package io.traittrace.audit.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-run bearer tokens: HMAC-SHA256 of the run id under the runner's key, base64url. A token opens exactly one
 * run's result intake; checking it needs no stored secret and a restarted runner re-issues the same token.
 */
public final class RunTokens {

    private static final String PREFIX = "ttr1.";
    private final SecretKeySpec key;

    public RunTokens(String base64Key) {
        byte[] raw = Base64.getDecoder().decode(base64Key.trim());
        if (raw.length < 32) {
            throw new IllegalArgumentException("runner.run-token-key must be at least 32 bytes (base64), got " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "HmacSHA256");
    }

    public String tokenFor(String runId) {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(runId));
    }

    /** Constant-time check that {@code token} is this run's token. */
    public boolean matches(String runId, String token) {
        if (token == null) {
            return false;
        }
        return MessageDigest.isEqual(tokenFor(runId).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(String runId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(("run|" + runId).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
