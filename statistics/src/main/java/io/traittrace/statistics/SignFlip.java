package io.traittrace.statistics;

/**
 * The exact sign-flip permutation test of "the paired differences' mean &gt; 0": under the null each difference is
 * as likely negative as positive, so the p-value is the share of the 2^n sign assignments whose sum reaches the
 * observed one. It assumes only symmetry, not normality, which matters with five seeds; its smallest possible p is
 * 2^−n.
 */
public final class SignFlip {

    /** 2^20 assignments: exact and fast; beyond it the paired t's normality is no longer the weak point. */
    public static final int MAX_PAIRS = 20;
    /** Sums that differ by rounding only count as equal. */
    private static final double TIE_TOLERANCE = 1e-12;

    private SignFlip() {
    }

    /** The exact one-sided p-value. */
    public static double greater(double[] differences) {
        double[] d = Distributions.finite("differences", differences);
        int n = d.length;
        if (n < 1 || n > MAX_PAIRS) {
            throw new IllegalArgumentException("the exact sign-flip test takes 1.." + MAX_PAIRS + " pairs, got " + n);
        }
        double observed = 0;
        double scale = 0;
        for (double value : d) {
            observed += value;
            scale += Math.abs(value);
        }
        double threshold = observed - TIE_TOLERANCE * Math.max(scale, 1);
        // Walk the assignments in Gray-code order: each step flips one sign, so each sum costs one addition.
        double sum = scale;
        long reaching = sum >= threshold ? 1 : 0;
        boolean[] negative = new boolean[n];
        long assignments = 1L << n;
        for (long step = 1; step < assignments; step++) {
            int flip = Long.numberOfTrailingZeros(step);
            double magnitude = Math.abs(d[flip]);
            sum += negative[flip] ? 2 * magnitude : -2 * magnitude;
            negative[flip] = !negative[flip];
            if (sum >= threshold) {
                reaching++;
            }
        }
        return (double) reaching / assignments;
    }
}
