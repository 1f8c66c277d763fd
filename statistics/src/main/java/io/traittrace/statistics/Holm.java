package io.traittrace.statistics;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm–Bonferroni adjusted p-values, as R's {@code p.adjust(p, method = "holm")}: the i-th smallest p is multiplied
 * by (m − i + 1), made non-decreasing in that order and capped at 1; results in input order. Ties get equal
 * adjusted values whatever their order.
 */
public final class Holm {

    private Holm() {
    }

    public static double[] adjust(double[] pValues) {
        for (double p : pValues) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("a p-value must be in [0, 1], got " + p);
            }
        }
        int m = pValues.length;
        int[] ascending = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> pValues[i])).mapToInt(Integer::intValue).toArray();
        double[] adjusted = new double[m];
        double runningMaximum = 0;
        for (int rank = 0; rank < m; rank++) {
            int index = ascending[rank];
            runningMaximum = Math.max(runningMaximum, Math.min(1, (m - rank) * pValues[index]));
            adjusted[index] = runningMaximum;
        }
        return adjusted;
    }
}
