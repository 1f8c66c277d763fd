package io.traittrace.probe.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * One-sided Welch t-test of "treatment mean > control mean" with Welch–Satterthwaite degrees of freedom.
 * Unequal variances are the rule here (a control arm near chance varies far less than a transfer arm).
 */
public record WelchTest(double difference, double t, double df, double pValue) {

    public static WelchTest greater(double[] treatment, double[] control) {
        if (treatment.length < 2 || control.length < 2) {
            throw new IllegalArgumentException("Welch's test needs at least two replicates per arm");
        }
        Summary a = Summary.of(treatment);
        Summary b = Summary.of(control);
        double va = a.sd() * a.sd() / a.n();
        double vb = b.sd() * b.sd() / b.n();
        double difference = a.mean() - b.mean();
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            // Both arms constant: the difference is exact, not estimated.
            double p = difference > 0 ? 0.0 : 1.0;
            return new WelchTest(difference, difference > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY,
                    a.n() + b.n() - 2, p);
        }
        double t = difference / se;
        double df = (va + vb) * (va + vb)
                / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
        double p = 1.0 - new TDistribution(df).cumulativeProbability(t);
        return new WelchTest(difference, t, df, p);
    }
}
