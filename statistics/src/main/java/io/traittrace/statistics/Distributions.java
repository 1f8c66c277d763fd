package io.traittrace.statistics;

import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;

/** The distributions the tests read, built once with the accuracy a certificate's numbers need. */
final class Distributions {

    /**
     * Hipparchus solves t and beta quantiles to 1e-9 by default, too coarse to agree with SciPy to 1e-12; the root search
     * stays cheap at this accuracy.
     */
    private static final double QUANTILE_ACCURACY = 1e-14;

    static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(0, 1);

    private Distributions() {
    }

    static TDistribution t(double degreesOfFreedom) {
        return new TDistribution(degreesOfFreedom, QUANTILE_ACCURACY);
    }

    static BetaDistribution beta(double alpha, double beta) {
        return new BetaDistribution(alpha, beta, QUANTILE_ACCURACY);
    }

    /** The (1 − α) quantile of t with {@code df} degrees of freedom: the one-sided critical value. */
    static double tCritical(double degreesOfFreedom, double alpha) {
        return t(degreesOfFreedom).inverseCumulativeProbability(1 - alpha);
    }

    static double[] finite(String name, double[] values) {
        for (double value : values) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException(name + " must be finite, got " + value);
            }
        }
        return values.clone();
    }

    static void requireLevel(String name, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), got " + level);
        }
    }
}
