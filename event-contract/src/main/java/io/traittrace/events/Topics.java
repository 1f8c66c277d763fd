package io.traittrace.events;

/**
 * The Kafka topics of the TraitTrace events, as compile-time constants for {@code @Channel} and {@code @Incoming}; each
 * is one {@link EventType}.
 */
public final class Topics {

    public static final String EXPOSURE_DETECTED = "exposure-detected";
    public static final String AUDIT_REQUESTED = "audit-requested";
    public static final String AUDIT_PROGRESS = "audit-progress";
    public static final String AUDIT_COMPLETED = "audit-completed";
    public static final String AUDIT_FAILED = "audit-failed";
    public static final String CERTIFICATE_ISSUED = "certificate-issued";
    public static final String CERTIFICATE_REVOKED = "certificate-revoked";

    private Topics() {
    }
}
