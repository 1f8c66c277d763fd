package io.traittrace.statistics;

import org.hipparchus.stat.StatUtils;

/**
 * Mean, sample SD and two-sided 95 % t-interval (mean ± t(0.975, n − 1)·sd/√n) of one arm's per-seed scores. The
 * seed (an independently trained model) is the unit: with few seeds a t-interval is the honest one. SD and interval
 * are NaN below two scores.
 */
public record Summary(int n, double mean, double sd, double ciLow, double ciHigh) {

    public static Summary of(double[] scores) {
        double[] values = Distributions.finite("scores", scores);
        if (values.length == 0) {
            throw new IllegalArgumentException("a summary needs at least one score");
        }
        double mean = StatUtils.mean(values);
        if (values.length == 1) {
            return new Summary(1, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double sd = Math.sqrt(StatUtils.variance(values, mean));
        double halfWidth = Distributions.tCritical(values.length - 1, 0.025) * sd / Math.sqrt(values.length);
        return new Summary(values.length, mean, sd, mean - halfWidth, mean + halfWidth);
    }

    /** Whether the scores vary at all: a test on an arm without spread has no standard error to rest on. */
    public boolean hasSpread() {
        return n >= 2 && sd > 0;
    }
}
