package io.traittrace.audit.domain.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;

/**
 * The statistics a verdict rests on, computed as SciPy and R compute them so that anyone can re-derive a
 * certificate's numbers. Distributions come from Commons Math; nothing here is a hand-written approximation.
 */
public final class Statistics {

    /**
     * Commons Math solves t quantiles to 1e-9 by default, too coarse to agree with SciPy to 1e-12; the root search
     * stays cheap at this accuracy.
     */
    private static final double QUANTILE_ACCURACY = 1e-14;

    private Statistics() {
    }

    /** Mean, sample SD and two-sided 95 % t-interval (mean ± t(0.975, n − 1)·sd/√n); SD and interval need n ≥ 2. */
    public static ArmSummary summarize(List<Double> scores) {
        double[] values = finite("scores", scores);
        if (values.length == 0) {
            throw new IllegalArgumentException("An arm summary needs at least one score");
        }
        double mean = StatUtils.mean(values);
        if (values.length == 1) {
            return new ArmSummary(mean, null, null, 1, scores);
        }
        double sd = Math.sqrt(StatUtils.variance(values, mean));
        double halfWidth = tDistribution(values.length - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(values.length);
        return new ArmSummary(mean, sd, List.of(mean - halfWidth, mean + halfWidth), values.length, scores);
    }

    /**
     * One-sided Welch t-test, alternative "treatment mean &gt; control mean", with Welch–Satterthwaite degrees of
     * freedom. When both groups have zero variance the t statistic is undefined (SciPy answers NaN); a certificate
     * needs an answer, so the sign decides: p = 0 for a positive difference, else 1.
     */
    public static Welch welchGreater(List<Double> treatment, List<Double> control) {
        double[] treated = finite("treatment", treatment);
        double[] controls = finite("control", control);
        if (treated.length < 2 || controls.length < 2) {
            throw new IllegalArgumentException("Welch's test needs at least 2 scores per group, got " + treated.length + " treatment and "
                    + controls.length + " control");
        }
        double difference = StatUtils.mean(treated) - StatUtils.mean(controls);
        double treatedMeanVariance = StatUtils.variance(treated) / treated.length;
        double controlMeanVariance = StatUtils.variance(controls) / controls.length;
        double differenceVariance = treatedMeanVariance + controlMeanVariance;
        if (differenceVariance == 0) {
            return new Welch(difference, null, null, difference > 0 ? 0 : 1);
        }
        double t = difference / Math.sqrt(differenceVariance);
        // Welch–Satterthwaite, written with shares of the variance so that tiny or huge variances cannot under- or overflow.
        double treatedShare = treatedMeanVariance / differenceVariance;
        double controlShare = controlMeanVariance / differenceVariance;
        double df = 1 / (treatedShare * treatedShare / (treated.length - 1) + controlShare * controlShare / (controls.length - 1));
        // 1 − T_df(t) equals T_df(−t); the latter keeps its relative precision for small p-values.
        double pValue = tDistribution(df).cumulativeProbability(-t);
        return new Welch(difference, t, df, pValue);
    }

    /**
     * Holm–Bonferroni adjusted p-values, in input order, as R's {@code p.adjust(p, method = "holm")}: the i-th
     * smallest p is multiplied by (m − i + 1), made non-decreasing in that order and capped at 1. Ties get equal
     * adjusted values whatever their order.
     */
    public static List<Double> holm(List<Double> pValues) {
        pValues.forEach(p -> Finite.requireProbability("p-value", p));
        int m = pValues.size();
        List<Integer> ascending = IntStream.range(0, m).boxed().sorted(Comparator.comparing(pValues::get)).toList();
        List<Double> adjusted = new ArrayList<>(pValues);
        double runningMaximum = 0;
        for (int rank = 0; rank < m; rank++) {
            int index = ascending.get(rank);
            runningMaximum = Math.max(runningMaximum, Math.min(1, (m - rank) * pValues.get(index)));
            adjusted.set(index, runningMaximum);
        }
        return List.copyOf(adjusted);
    }

    private static TDistribution tDistribution(double degreesOfFreedom) {
        // No random generator: these distributions are never sampled.
        return new TDistribution(null, degreesOfFreedom, QUANTILE_ACCURACY);
    }

    private static double[] finite(String name, List<Double> values) {
        values.forEach(value -> Finite.require(name, value));
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
