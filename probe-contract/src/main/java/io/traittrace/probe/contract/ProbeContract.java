package io.traittrace.probe.contract;

/**
 * The contract between the audit runner and whatever runs a probe Job — the built-in probe or a team's own
 * image ({@code protocol: image}). The runner gives the container three environment variables; the container
 * runs the spec and POSTs one result JSON (schema v1) to the URL with the token as a bearer credential.
 */
public final class ProbeContract {

    public static final String SPEC_SCHEMA = "https://traittrace.io/schemas/probe-spec/v1.json";
    public static final String RESULT_SCHEMA = "https://traittrace.io/schemas/probe-result/v1.json";

    /** The spec, JSON text (schema {@link #SPEC_SCHEMA}). */
    public static final String SPEC_ENV = "TRAITTRACE_SPEC";
    /** Where to POST the result. */
    public static final String RESULT_URL_ENV = "TRAITTRACE_RESULT_URL";
    /** The bearer token that authenticates the POST; valid for this one run only. */
    public static final String RUN_TOKEN_ENV = "TRAITTRACE_RUN_TOKEN";
    /**
     * Set by a runner that starts the probe as its child process (the local executor): the runner's process id. The
     * probe stops when that process is gone, so a runner killed outright leaves no probe running.
     */
    public static final String PARENT_PID_ENV = "TRAITTRACE_PARENT_PID";

    /** Classpath locations of the two schemas. */
    public static final String SPEC_SCHEMA_RESOURCE = "/schemas/probe-spec.v1.json";
    public static final String RESULT_SCHEMA_RESOURCE = "/schemas/probe-result.v1.json";

    private ProbeContract() {
    }
}
