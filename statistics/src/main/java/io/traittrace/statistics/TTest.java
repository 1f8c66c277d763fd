package io.traittrace.statistics;

import org.hipparchus.stat.StatUtils;

/**
 * A one-sided t-test of "treatment mean &gt; control mean" (or of a mean above a value), with what a verdict needs
 * beyond the p-value: the standard error and degrees of freedom that give confidence bounds and equivalence tests
 * on the same footing. When the standard error is zero the statistic is undefined (SciPy answers NaN): t, p and
 * the bounds are NaN and {@link #degenerate()} is true; a verdict must not rest on such a test.
 *
 * @param statistic {@link #WELCH_T}, {@link #PAIRED_T} or {@link #ONE_SAMPLE_T}
 * @param difference the estimated effect: mean(treatment) − mean(control), or mean − reference
 * @param standardError its standard error
 * @param t difference / standardError
 * @param df degrees of freedom (Welch–Satterthwaite for Welch; NaN when both Welch groups are constant)
 * @param pValue P(T ≥ t) under "no difference"
 */
public record TTest(String statistic, double difference, double standardError, double t, double df, double pValue) {

    public static final String WELCH_T = "welch-t";
    public static final String PAIRED_T = "paired-t";
    public static final String ONE_SAMPLE_T = "one-sample-t";
    public static final String PAIRED_T_MINIMUM_EFFECT = "paired-t-minimum-effect";

    /** Welch's test with Welch–Satterthwaite degrees of freedom: unequal variances are the rule across arms. */
    public static TTest welchGreater(double[] treatment, double[] control) {
        double[] treated = Distributions.finite("treatment", treatment);
        double[] controls = Distributions.finite("control", control);
        if (treated.length < 2 || controls.length < 2) {
            throw new IllegalArgumentException("Welch's test needs at least 2 scores per group, got " + treated.length + " treatment and "
                    + controls.length + " control");
        }
        double difference = StatUtils.mean(treated) - StatUtils.mean(controls);
        double treatedMeanVariance = StatUtils.variance(treated) / treated.length;
        double controlMeanVariance = StatUtils.variance(controls) / controls.length;
        double differenceVariance = treatedMeanVariance + controlMeanVariance;
        if (differenceVariance == 0) {
            return degenerate(WELCH_T, difference, Double.NaN);
        }
        // Welch–Satterthwaite, written with shares of the variance so that tiny or huge variances cannot under- or overflow.
        double treatedShare = treatedMeanVariance / differenceVariance;
        double controlShare = controlMeanVariance / differenceVariance;
        double df = 1 / (treatedShare * treatedShare / (treated.length - 1) + controlShare * controlShare / (controls.length - 1));
        return of(WELCH_T, difference, Math.sqrt(differenceVariance), df);
    }

    /**
     * The paired t-test: the test of the per-pair differences' mean. Arms trained from one seed's base, teacher and
     * random draws are pairs, and comparing them within the seed removes what the seed shares.
     */
    public static TTest pairedGreater(double[] treatment, double[] control) {
        if (treatment.length != control.length) {
            throw new IllegalArgumentException("a paired test needs one control per treatment score, got " + treatment.length + " and "
                    + control.length);
        }
        return oneSample(PAIRED_T, differences(treatment, control), 0);
    }

    /**
     * The paired t-test of "mean difference &gt; minimumEffect": the difference, its standard error and the bounds are
     * the plain paired test's; t and p test the shifted hypothesis. For many pairs that vary little (items scored on one
     * model), a shift far too small to matter is significant against zero, so a detection is asked to clear a stated
     * minimum effect instead.
     */
    public static TTest pairedGreaterThan(double[] treatment, double[] control, double minimumEffect) {
        if (treatment.length != control.length) {
            throw new IllegalArgumentException("a paired test needs one control per treatment score, got " + treatment.length + " and "
                    + control.length);
        }
        TTest shifted = oneSample(PAIRED_T_MINIMUM_EFFECT, differences(treatment, control), minimumEffect);
        return new TTest(PAIRED_T_MINIMUM_EFFECT, shifted.difference() + minimumEffect, shifted.standardError(), shifted.t(), shifted.df(),
                shifted.pValue());
    }

    /** The one-sample t-test of "mean &gt; reference". */
    public static TTest oneSampleGreater(double[] values, double reference) {
        return oneSample(ONE_SAMPLE_T, values, reference);
    }

    /** treatment[i] − control[i]. */
    public static double[] differences(double[] treatment, double[] control) {
        double[] treated = Distributions.finite("treatment", treatment);
        double[] controls = Distributions.finite("control", control);
        double[] differences = new double[treated.length];
        for (int i = 0; i < differences.length; i++) {
            differences[i] = treated[i] - controls[i];
        }
        return differences;
    }

    public boolean degenerate() {
        return standardError == 0;
    }

    /** The one-sided (1 − α) upper confidence bound of the difference: NO_TRANSFER_DETECTED needs it below the margin. */
    public double upperBound(double alpha) {
        Distributions.requireLevel("alpha", alpha);
        return degenerate() ? Double.NaN : difference + Distributions.tCritical(df, alpha) * standardError;
    }

    /** The one-sided (1 − α) lower confidence bound of the difference. */
    public double lowerBound(double alpha) {
        Distributions.requireLevel("alpha", alpha);
        return degenerate() ? Double.NaN : difference - Distributions.tCritical(df, alpha) * standardError;
    }

    /**
     * TOST: whether the difference lies inside (low, high). The p-value is the larger of the two one-sided tests
     * "difference ≤ low" and "difference ≥ high"; equivalence is shown when it is below α, which is the (1 − 2α)
     * interval lying inside the bounds.
     */
    public Equivalence equivalence(double low, double high) {
        if (!(low < high)) {
            throw new IllegalArgumentException("an equivalence interval needs low < high, got [" + low + ", " + high + "]");
        }
        if (degenerate()) {
            return new Equivalence(low, high, Double.NaN, Double.NaN);
        }
        double aboveLow = Distributions.t(df).cumulativeProbability(-(difference - low) / standardError);
        double belowHigh = Distributions.t(df).cumulativeProbability((difference - high) / standardError);
        return new Equivalence(low, high, aboveLow, belowHigh);
    }

    private static TTest oneSample(String statistic, double[] values, double reference) {
        double[] checked = Distributions.finite("scores", values);
        if (checked.length < 2) {
            throw new IllegalArgumentException("a " + statistic + " test needs at least 2 values, got " + checked.length);
        }
        double mean = StatUtils.mean(checked);
        double standardError = Math.sqrt(StatUtils.variance(checked, mean) / checked.length);
        if (standardError == 0) {
            return degenerate(statistic, mean - reference, checked.length - 1);
        }
        return of(statistic, mean - reference, standardError, checked.length - 1);
    }

    private static TTest of(String statistic, double difference, double standardError, double df) {
        double t = difference / standardError;
        // 1 − T_df(t) equals T_df(−t); the latter keeps its relative precision for small p-values.
        return new TTest(statistic, difference, standardError, t, df, Distributions.t(df).cumulativeProbability(-t));
    }

    private static TTest degenerate(String statistic, double difference, double df) {
        return new TTest(statistic, difference, 0, Double.NaN, df, Double.NaN);
    }

    /**
     * A two one-sided tests (TOST) result.
     *
     * @param low the lower equivalence bound
     * @param high the upper equivalence bound
     * @param pAboveLow p of "difference ≤ low"
     * @param pBelowHigh p of "difference ≥ high"
     */
    public record Equivalence(double low, double high, double pAboveLow, double pBelowHigh) {

        /** The TOST p-value: the larger of the two; NaN when the test is degenerate. */
        public double pValue() {
            return Math.max(pAboveLow, pBelowHigh);
        }

        public boolean shown(double alpha) {
            return pValue() < alpha;
        }
    }
}
