package io.traittrace.statistics.analysis;

import java.util.Map;
import java.util.Objects;

/**
 * A completed run's scores, as its result reported them. Checked against the plan by the {@link Aggregator}: a
 * missing, null or non-finite score makes the run a failure for the analysis rather than an error.
 *
 * @param runId the run
 * @param seed the replicate; scores are listed in seed order
 * @param scores arm → trait → score
 */
public record RunScores(String runId, int seed, Map<String, Map<String, Double>> scores) {

    public RunScores {
        Names.require("run id", runId);
        Objects.requireNonNull(scores, "scores");
    }
}
