package io.traittrace.probe.stats;

import java.util.Arrays;
import java.util.List;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean, sample SD and a two-sided 95 % t confidence interval of one arm's per-replicate scores. The
 * replicate (an independently trained model) is the unit: with few replicates a t interval is the honest
 * one, wider than the normal ±1.96·SD/√n the paper's script prints.
 */
public record Summary(int n, double mean, double sd, double ciLow, double ciHigh) {

    public static Summary of(double[] scores) {
        int n = scores.length;
        if (n == 0) {
            throw new IllegalArgumentException("An arm needs at least one score");
        }
        double mean = Arrays.stream(scores).average().orElseThrow();
        if (n == 1) {
            return new Summary(1, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double ss = Arrays.stream(scores).map(x -> (x - mean) * (x - mean)).sum();
        double sd = Math.sqrt(ss / (n - 1));
        double half = new TDistribution(n - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(n);
        return new Summary(n, mean, sd, mean - half, mean + half);
    }

    public static Summary of(List<Double> scores) {
        return of(scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Whether {@code value} lies inside the 95 % interval (an interval of zero width contains only the mean). */
    public boolean ciContains(double value) {
        if (Double.isNaN(ciLow)) {
            return value == mean;
        }
        return value >= ciLow && value <= ciHigh;
    }
}
