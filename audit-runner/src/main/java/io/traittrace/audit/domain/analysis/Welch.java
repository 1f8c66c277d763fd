package io.traittrace.audit.domain.analysis;

/**
 * A one-sided Welch t-test of "treatment mean &gt; control mean". {@code t} and {@code df} are null when both groups
 * have zero variance: the statistic is undefined there and the p-value is decided by the sign of the difference.
 *
 * @param difference mean(treatment) − mean(control)
 * @param t the Welch t statistic, or null when undefined
 * @param df the Welch–Satterthwaite degrees of freedom, or null when undefined
 * @param pValue P(T ≥ t) under the null hypothesis of equal means
 */
public record Welch(double difference, Double t, Double df, double pValue) {

    public Welch {
        validate(difference, t, df, pValue);
    }

    /** The invariants of a Welch test, shared with {@link ComparisonResult}, which reports one. */
    static void validate(double difference, Double t, Double df, double pValue) {
        Finite.require("difference", difference);
        if ((t == null) != (df == null)) {
            throw new IllegalArgumentException("t and df are both defined or both undefined");
        }
        if (t != null) {
            Finite.require("t", t);
            Finite.require("df", df);
        }
        Finite.requireProbability("pValue", pValue);
    }
}
