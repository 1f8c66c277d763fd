package io.traittrace.probe.stats;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Holm's step-down correction of a family of p-values (e.g. one test per trait). */
public final class Holm {

    private Holm() {
    }

    /** Adjusted p-values in the input order: monotone, capped at 1; reject where adjusted ≤ α. */
    public static double[] adjust(double[] pValues) {
        int m = pValues.length;
        Integer[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> pValues[i])).toArray(Integer[]::new);
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    public static boolean[] reject(double[] pValues, double alpha) {
        double[] adjusted = adjust(pValues);
        boolean[] reject = new boolean[adjusted.length];
        for (int i = 0; i < adjusted.length; i++) {
            reject[i] = adjusted[i] <= alpha;
        }
        return reject;
    }
}
