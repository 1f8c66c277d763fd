package io.traittrace.audit.executor;

/**
 * What executors report about runs. Called from executor threads (informers, process watchers): implementations
 * must not block and must tolerate repeats and any order (a restarted runner replays what it finds).
 */
public interface RunListener {

    /** The run's process or pod is running. */
    void running(String runId);

    /**
     * The run ended. {@code succeeded}: the process exited 0 or the Job completed; the result should be in by then
     * (the probe hands it over before it exits). Otherwise {@code reason} says why, for people.
     */
    void finished(String runId, boolean succeeded, String reason);

    /** A local run's result file, handed over as the HTTP intake would receive it, with the run's token. */
    void result(String runId, String token, byte[] body);
}
