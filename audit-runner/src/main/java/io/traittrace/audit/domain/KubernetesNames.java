package io.traittrace.audit.domain;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Kubernetes names and label values derived from ids that come from users: whatever the input, the output is
 * valid, and distinct inputs give distinct outputs. A readable prefix is kept for people; a hash of the raw
 * input carries the uniqueness.
 */
public final class KubernetesNames {

    /** DNS-1123 label: Job, Secret and most other object names. */
    public static final int MAX_DNS_LABEL = 63;
    public static final int MAX_LABEL_VALUE = 63;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final Pattern NOT_DNS = Pattern.compile("[^a-z0-9]+");
    private static final Pattern NOT_LABEL_VALUE = Pattern.compile("[^A-Za-z0-9_.-]+");

    /**
     * 64 bits of SHA-256. A collision between two Jobs would make the second run look "already launched", so
     * the hash is long enough that tens of thousands of live names stay collision-free with room to spare.
     */
    private static final int HASH_CHARS = 16;

    private KubernetesNames() {
    }

    /**
     * The name of a run's Job: {@code tt-<hint>-<runIndex>-<hash>}, a DNS-1123 label. The hash covers the raw
     * audit id and run index, so the name is unique per (audit, run index) however the readable part was
     * shortened or cleaned; the hint (a protocol, an arm) is for people only.
     */
    public static String jobName(String auditId, int runIndex, String hint) {
        Objects.requireNonNull(auditId, "auditId");
        if (runIndex < 0) {
            throw new IllegalArgumentException("runIndex must not be negative: " + runIndex);
        }
        // The index is last and never contains the separator, so (auditId, runIndex) maps to one hashed text.
        String hash = hash(auditId + '\0' + runIndex);
        return readableName("tt", hint == null ? "" : hint, "-" + runIndex + "-" + hash);
    }

    /** The name of an audit's token Secret: {@code tt-tokens-<audit>-<hash>}, a DNS-1123 label. */
    public static String tokenSecretName(String auditId) {
        Objects.requireNonNull(auditId, "auditId");
        return readableName("tt-tokens", auditId, "-" + hash(auditId));
    }

    /**
     * A label value for any text: the text itself when it already is a valid value (63 characters at most,
     * {@code [A-Za-z0-9._-]}, alphanumeric at both ends, or empty); otherwise a cleaned, shortened prefix and a
     * hash of the raw text, so two different texts never share a value.
     */
    public static String labelValue(String raw) {
        Objects.requireNonNull(raw, "raw");
        if (isLabelValue(raw)) {
            return raw;
        }
        String hash = hash(raw);
        String cleaned = trimToAlphanumeric(NOT_LABEL_VALUE.matcher(raw).replaceAll("-"));
        int room = MAX_LABEL_VALUE - 1 - hash.length();
        String prefix = trimToAlphanumeric(cleaned.substring(0, Math.min(cleaned.length(), room)));
        return prefix.isEmpty() ? hash : prefix + "-" + hash;
    }

    public static boolean isDnsLabel(String name) {
        return name != null && name.length() <= MAX_DNS_LABEL && DNS_LABEL.matcher(name).matches();
    }

    public static boolean isLabelValue(String value) {
        return value != null && value.length() <= MAX_LABEL_VALUE && LABEL_VALUE.matcher(value).matches();
    }

    /** {@code <prefix>-<cleaned readable part><suffix>}, the readable part cut to what the label has room for. */
    private static String readableName(String prefix, String readable, String suffix) {
        String cleaned = trimToAlphanumeric(NOT_DNS.matcher(readable.toLowerCase(Locale.ROOT)).replaceAll("-"));
        int room = MAX_DNS_LABEL - prefix.length() - 1 - suffix.length();
        String kept = trimToAlphanumeric(cleaned.substring(0, Math.max(0, Math.min(cleaned.length(), room))));
        return kept.isEmpty() ? prefix + suffix : prefix + "-" + kept + suffix;
    }

    private static String trimToAlphanumeric(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && !isAsciiAlphanumeric(text.charAt(start))) {
            start++;
        }
        while (end > start && !isAsciiAlphanumeric(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String hash(String raw) {
        // Each UTF-16 unit as two bytes: unlike a charset encoder, this never folds malformed text together.
        ByteBuffer units = ByteBuffer.allocate(raw.length() * 2);
        raw.chars().forEach(c -> units.putChar((char) c));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(units.array());
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
