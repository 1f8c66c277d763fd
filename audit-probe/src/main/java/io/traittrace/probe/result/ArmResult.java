package io.traittrace.probe.result;

import java.util.List;

import io.traittrace.statistics.Summary;

/** One arm across replicates: per-replicate scores (replicate order) and their summary. */
public record ArmResult(double mean, double sd, double[] ci95, int n, List<Double> scores) {

    public static ArmResult of(List<Double> scores) {
        Summary s = Summary.of(scores.stream().mapToDouble(Double::doubleValue).toArray());
        return new ArmResult(s.mean(), s.sd(), new double[] { s.ciLow(), s.ciHigh() }, s.n(), List.copyOf(scores));
    }
}
