package io.traittrace.probe.result;

import io.traittrace.statistics.TTest;

/**
 * A one-sided Welch test between two arms ("treatment > control"), with the correction applied when it is
 * one of a family (e.g. Holm across traits; "none" for a single test). t and p are NaN when both arms are
 * constant: no verdict rests on such a test.
 */
public record Comparison(String name, String treatment, String control, String alternative, String statistic,
        double difference, double t, double df, double pValue, String correction, double adjustedPValue) {

    public static Comparison greater(String name, String treatment, String control, TTest test) {
        return new Comparison(name, treatment, control, "greater", "welch-t", test.difference(), test.t(), test.df(),
                test.pValue(), "none", test.pValue());
    }

    /** Whether the test could be computed (some variance in either arm). */
    public boolean defined() {
        return !Double.isNaN(pValue);
    }

    public Comparison withAdjusted(String correction, double adjusted) {
        return new Comparison(name, treatment, control, alternative, statistic, difference, t, df, pValue, correction, adjusted);
    }
}
