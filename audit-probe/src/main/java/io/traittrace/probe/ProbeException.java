package io.traittrace.probe;

/** The test could not run: a bad spec, missing or unreadable data. Ends the process with a non-zero exit code. */
public class ProbeException extends RuntimeException {

    /** Exit code for a spec or option the probe cannot accept. */
    public static final int BAD_SPEC = 2;
    /** Exit code for input data that is missing or unreadable. */
    public static final int BAD_DATA = 3;
    /** Exit code for a completed test whose result the audit runner did not take. */
    public static final int NOT_SUBMITTED = 4;

    private final int exitCode;

    public ProbeException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ProbeException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static ProbeException badSpec(String message) {
        return new ProbeException(BAD_SPEC, message);
    }

    public static ProbeException badData(String message, Throwable cause) {
        return new ProbeException(BAD_DATA, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
