package io.traittrace.audit.domain.analysis;

import java.util.Arrays;
import java.util.List;

import io.traittrace.statistics.Holm;
import io.traittrace.statistics.Summary;
import io.traittrace.statistics.TTest;

/**
 * The certificate's view of the shared statistics core ({@code statistics} module, where the SciPy and R reference
 * values live): lists in, the records a certificate carries out, nulls where JSON must not hold NaN.
 */
public final class Statistics {

    private Statistics() {
    }

    /** Mean, sample SD and two-sided 95 % t-interval; SD and interval need n ≥ 2. */
    public static ArmSummary summarize(List<Double> scores) {
        Summary summary = Summary.of(finite("scores", scores));
        if (summary.n() == 1) {
            return new ArmSummary(summary.mean(), null, null, 1, scores);
        }
        return new ArmSummary(summary.mean(), summary.sd(), List.of(summary.ciLow(), summary.ciHigh()), summary.n(), scores);
    }

    /**
     * One-sided Welch t-test, alternative "treatment mean &gt; control mean". When both groups have zero variance the
     * statistic is undefined: t and df are null and the p-value is set by the sign of the difference (0 for a positive
     * difference, else 1), and {@link Aggregator} makes such a primary test INCONCLUSIVE rather than read that p.
     */
    public static Welch welchGreater(List<Double> treatment, List<Double> control) {
        TTest test = TTest.welchGreater(finite("treatment", treatment), finite("control", control));
        if (test.degenerate()) {
            return new Welch(test.difference(), null, null, test.difference() > 0 ? 0 : 1);
        }
        return new Welch(test.difference(), test.t(), test.df(), test.pValue());
    }

    /** Holm–Bonferroni adjusted p-values, in input order, as R's {@code p.adjust(p, method = "holm")}. */
    public static List<Double> holm(List<Double> pValues) {
        pValues.forEach(p -> Finite.requireProbability("p-value", p));
        return Arrays.stream(Holm.adjust(pValues.stream().mapToDouble(Double::doubleValue).toArray())).boxed().toList();
    }

    private static double[] finite(String name, List<Double> values) {
        values.forEach(value -> Finite.require(name, value));
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
