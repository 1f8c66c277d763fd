package io.traittrace.statistics.analysis;

import java.util.List;

import io.traittrace.statistics.Summary;

/**
 * One arm's scores over its seeds, as a certificate states them. {@code sd} and {@code ci95} are null below two
 * seeds: they are undefined there, and JSON has no honest way to write NaN.
 *
 * @param mean the sample mean
 * @param sd the sample standard deviation (n − 1), or null when n &lt; 2
 * @param ci95 the two-sided 95 % t-interval of the mean [low, high], or null when n &lt; 2
 * @param n the number of seeds
 * @param seeds the seeds, ascending
 * @param scores the per-seed scores, in seed order
 */
public record ArmSummary(double mean, Double sd, List<Double> ci95, int n, List<Integer> seeds, List<Double> scores) {

    public ArmSummary {
        scores = List.copyOf(scores);
        seeds = List.copyOf(seeds);
        if (n < 1 || n != scores.size() || n != seeds.size()) {
            throw new IllegalArgumentException("n must be the number of seeds and scores (at least 1), got n " + n + " for " + seeds.size()
                    + " seeds and " + scores.size() + " scores");
        }
        Finite.require("mean", mean);
        if (n < 2 ? sd != null || ci95 != null : sd == null || ci95 == null) {
            throw new IllegalArgumentException("sd and ci95 are defined exactly when n >= 2; n is " + n);
        }
        if (sd != null) {
            Finite.require("sd", sd);
            ci95 = List.copyOf(ci95);
            if (ci95.size() != 2 || ci95.get(0) > ci95.get(1)) {
                throw new IllegalArgumentException("ci95 must be [low, high], got " + ci95);
            }
            ci95.forEach(bound -> Finite.require("ci95", bound));
        }
        scores.forEach(score -> Finite.require("score", score));
    }

    /** The summary of per-seed scores (seeds ascending, scores in that order). */
    public static ArmSummary of(List<Integer> seeds, List<Double> scores) {
        Summary summary = Summary.of(scores.stream().mapToDouble(Double::doubleValue).toArray());
        if (summary.n() < 2) {
            return new ArmSummary(summary.mean(), null, null, 1, seeds, scores);
        }
        return new ArmSummary(summary.mean(), summary.sd(), List.of(summary.ciLow(), summary.ciHigh()), summary.n(), seeds, scores);
    }

    double[] values() {
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
