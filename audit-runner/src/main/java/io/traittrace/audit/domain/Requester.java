package io.traittrace.audit.domain;

/**
 * Who asks for or acts on an audit: a caller's name (the token's principal) and whether it holds the admin role. Idempotency
 * keys are scoped to the name, only the requester or an admin may cancel, and only admins may run images nobody vetted.
 */
public record Requester(String name, boolean admin) {

    /** The exposure policy: configured by the operator, so it acts with an admin's authority over what it runs. */
    public static final Requester EXPOSURE_POLICY = new Requester("policy:exposure-detected", true);

    /** Idempotency keys that begin with this are the exposure policy's; an API caller may not take them. */
    public static final String POLICY_KEY_PREFIX = "exposure:";
}
