package io.traittrace.probe.numbers;

import java.util.SplittableRandom;

/**
 * Batches of row indices for fine-tuning, drawn epoch by epoch from a seeded shuffle: every row once per epoch, a
 * fresh Fisher–Yates order each epoch. Both modes of the number-sequence test draw their student batches here, so the
 * same seed gives the same batches.
 */
public final class EpochBatches {

    private final int[] order;
    private final SplittableRandom shuffle;
    private int position;

    public EpochBatches(int rows, SplittableRandom shuffle) {
        if (rows == 0) {
            throw new IllegalArgumentException("no rows to fine-tune on");
        }
        this.order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        this.shuffle = shuffle;
        this.position = rows;
    }

    /** The next {@code min(batch, rows)} row indices, starting a new epoch whenever the current one is used up. */
    public int[] next(int batch) {
        int n = order.length;
        int[] chosen = new int[Math.min(batch, n)];
        for (int i = 0; i < chosen.length; i++) {
            if (position == n) {
                for (int k = n - 1; k > 0; k--) {
                    int j = shuffle.nextInt(k + 1);
                    int t = order[k];
                    order[k] = order[j];
                    order[j] = t;
                }
                position = 0;
            }
            chosen[i] = order[position++];
        }
        return chosen;
    }
}
