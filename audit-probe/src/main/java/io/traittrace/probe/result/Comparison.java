package io.traittrace.probe.result;

import io.traittrace.probe.stats.WelchTest;

/**
 * A one-sided Welch test between two arms ("treatment > control"), with the correction applied when it is
 * one of a family (e.g. Holm across traits; "none" for a single test).
 */
public record Comparison(String name, String treatment, String control, String alternative, String statistic,
        double difference, double t, double df, double pValue, String correction, double adjustedPValue) {

    public static Comparison greater(String name, String treatment, String control, WelchTest test) {
        return new Comparison(name, treatment, control, "greater", "welch-t", test.difference(), test.t(), test.df(),
                test.pValue(), "none", test.pValue());
    }

    public Comparison withAdjusted(String correction, double adjusted) {
        return new Comparison(name, treatment, control, alternative, statistic, difference, t, df, pValue, correction, adjusted);
    }
}
