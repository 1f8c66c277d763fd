package io.traittrace.probe.numbers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Exactly N training rows out of a teacher's filtered completions (subliminal-protocol §3.5: 10,000 per
 * teacher, fixed seed), so every arm trains on the same amount of data whatever its pass rate, and a rerun picks
 * the same rows.
 */
public final class Subsample {

    private Subsample() {
    }

    /**
     * {@code n} rows drawn uniformly without replacement (a partial Fisher–Yates shuffle of the indices, seeded
     * with {@code seed}), returned in their original order. The choice depends only on the list's size,
     * {@code n} and {@code seed}, never on the rows' content.
     *
     * @throws IllegalArgumentException if fewer than {@code n} rows are available: training on fewer would make
     *         the arm incomparable, so the caller must generate more prompts instead
     */
    public static <T> List<T> pick(List<T> rows, int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("The subsample size must not be negative, got " + n);
        }
        if (rows.size() < n) {
            throw new IllegalArgumentException("Need " + n + " filtered rows but only " + rows.size()
                    + " passed the filter; generate more prompts");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] index = new int[rows.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(i, index.length);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        int[] chosen = Arrays.copyOf(index, n);
        Arrays.sort(chosen);
        List<T> picked = new ArrayList<>(n);
        for (int i : chosen) {
            picked.add(rows.get(i));
        }
        return List.copyOf(picked);
    }
}
