package io.traittrace.statistics;

/** Exact (Clopper–Pearson) confidence bounds of a binomial proportion: the honest bounds of a measured error rate. */
public final class ClopperPearson {

    private ClopperPearson() {
    }

    /** The two-sided interval at {@code confidence}: [lower, upper]. */
    public static double[] interval(int successes, int trials, double confidence) {
        requireCounts(successes, trials);
        Distributions.requireLevel("confidence", confidence);
        double tail = (1 - confidence) / 2;
        double lower = successes == 0 ? 0 : Distributions.beta(successes, trials - successes + 1.0).inverseCumulativeProbability(tail);
        double upper = successes == trials ? 1 : Distributions.beta(successes + 1.0, trials - successes).inverseCumulativeProbability(1 - tail);
        return new double[] { lower, upper };
    }

    /** The one-sided upper bound at {@code confidence}: the rate is below it with that confidence. */
    public static double upperBound(int successes, int trials, double confidence) {
        requireCounts(successes, trials);
        Distributions.requireLevel("confidence", confidence);
        return successes == trials ? 1 : Distributions.beta(successes + 1.0, trials - successes).inverseCumulativeProbability(confidence);
    }

    private static void requireCounts(int successes, int trials) {
        if (trials < 1 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 ≤ successes ≤ trials and trials ≥ 1, got " + successes + " of " + trials);
        }
    }
}
