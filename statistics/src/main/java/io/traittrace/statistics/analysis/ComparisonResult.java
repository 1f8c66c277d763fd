package io.traittrace.statistics.analysis;

import io.traittrace.statistics.TTest;

/**
 * One test on one trait, with everything needed to re-derive it. Statistics that are undefined (both arms, or every
 * within-seed difference, without variance) are null: the verdict is then INCONCLUSIVE, and JSON has no NaN.
 *
 * @param name the test
 * @param trait the trait
 * @param treatment the treatment arm
 * @param control the control arm
 * @param alternative always "greater": treatment mean &gt; control mean
 * @param statistic the test that ran: "paired-t" (within seed) or "welch-t" (independent arms)
 * @param n the seeds (pairs, for a paired test) the test read
 * @param difference mean(treatment) − mean(control)
 * @param standardError its standard error, or null when zero
 * @param t the t statistic, or null when undefined
 * @param df the degrees of freedom (Welch–Satterthwaite for Welch), or null when undefined
 * @param pValue the raw one-sided p, or null when undefined
 * @param signFlipPValue for a paired test of at most 20 pairs, the exact sign-flip permutation p (distribution-free; reported, not voted)
 * @param upperBound the one-sided (1 − α) upper confidence bound of the difference, or null when undefined
 * @param correction "holm", or "none" for a comparison outside the Holm family
 * @param adjustedPValue the Holm-adjusted p (equal to pValue with "none"), or null when undefined
 * @param primary whether the test decides the verdict
 */
public record ComparisonResult(String name, String trait, String treatment, String control, String alternative, String statistic, int n,
        double difference, Double standardError, Double t, Double df, Double pValue, Double signFlipPValue, Double upperBound, String correction,
        Double adjustedPValue, boolean primary) {

    public static final String GREATER = "greater";
    public static final String HOLM = "holm";
    public static final String NONE = "none";

    public ComparisonResult {
        Finite.require("difference", difference);
        if ((t == null) != (pValue == null) || (t == null) != (adjustedPValue == null) || (t == null) != (upperBound == null)) {
            throw new IllegalArgumentException("t, p, adjusted p and upper bound are all defined or all undefined");
        }
        if (pValue != null) {
            Finite.requireProbability("pValue", pValue);
            Finite.requireProbability("adjustedPValue", adjustedPValue);
            if (adjustedPValue < pValue) {
                throw new IllegalArgumentException("an adjusted p-value cannot be below the raw one");
            }
        }
        if (signFlipPValue != null) {
            Finite.requireProbability("signFlipPValue", signFlipPValue);
        }
    }

    /** Whether the test could be computed: a comparison without variance cannot carry a verdict. */
    public boolean defined() {
        return pValue != null;
    }

    /**
     * A comparison outside any plan's Holm family, reported beside the verdict and not voted (correction "none"; the
     * adjusted p is the raw one).
     */
    public static ComparisonResult reported(String name, String trait, String treatment, String control, TTest test, int n, double alpha) {
        return of(name, trait, treatment, control, test, n, null, alpha, NONE, test.degenerate() ? null : test.pValue(), false);
    }

    static ComparisonResult of(String name, String trait, String treatment, String control, TTest test, int n, Double signFlipPValue, double alpha,
            String correction, Double adjustedPValue, boolean primary) {
        if (test.degenerate()) {
            return new ComparisonResult(name, trait, treatment, control, GREATER, test.statistic(), n, test.difference(), null, null,
                    Double.isNaN(test.df()) ? null : test.df(), null, signFlipPValue, null, correction, null, primary);
        }
        return new ComparisonResult(name, trait, treatment, control, GREATER, test.statistic(), n, test.difference(), test.standardError(), test.t(),
                test.df(), test.pValue(), signFlipPValue, test.upperBound(alpha), correction, adjustedPValue, primary);
    }
}
