package io.traittrace.statistics.analysis;

/**
 * A run that ended without a usable result (final attempts only: a retried run that then completed is not a
 * failure).
 *
 * @param runId the run
 * @param reason why, for people
 */
public record RunFailure(String runId, String reason) {

    public RunFailure {
        Names.require("run id", runId);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a failed run needs a reason");
        }
    }
}
