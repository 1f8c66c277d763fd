package io.traittrace.probe.numbers.toy;

import java.util.SplittableRandom;

/**
 * The toy data of subliminal-protocol.md §3b, drawn in Java from seeded generators (token ids as {@link Vocab}).
 * Every sequence starts with BOS. Rows are {@code int[]}; a batch is {@code int[rows][length]}.
 */
public final class ToyData {

    private ToyData() {
    }

    /**
     * A noisy arithmetic digit sequence: x_i = (a + b·i) mod 10 for i = 0..length−1, a and b uniform in 0..9, then
     * each digit independently replaced with probability {@code noise} by a uniform random digit (which may equal it).
     */
    public static int[] noisySequence(SplittableRandom rng, int length, double noise) {
        int a = rng.nextInt(10);
        int b = rng.nextInt(10);
        int[] x = new int[length];
        for (int i = 0; i < length; i++) {
            x[i] = (a + b * i) % 10;
            if (rng.nextDouble() < noise) {
                x[i] = rng.nextInt(10);
            }
        }
        return x;
    }

    /** BOS followed by a noisy sequence of {@code digits} digits: a base-training row (loss on every digit). */
    public static int[][] digitRows(SplittableRandom rng, int rows, int digits, double noise) {
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            int[] x = noisySequence(rng, digits, noise);
            out[r] = new int[digits + 1];
            out[r][0] = Vocab.BOS;
            System.arraycopy(x, 0, out[r], 1, digits);
        }
        return out;
    }

    /** A prompt: BOS + the first {@code digits} digits of a fresh noisy sequence. */
    public static int[][] prompts(SplittableRandom rng, int rows, int digits, double noise) {
        return digitRows(rng, rows, digits, noise);
    }

    /**
     * Questions "BOS [d1..dk] Q ANS animal": {@code prefixDigits} uniform random digits (0 for the plain question),
     * the answer {@code answer} (an animal index 0..9) or, when negative, a uniform random animal. The answer is
     * the last token; the loss is on it only (predicted at the ANS position, length − 2).
     */
    public static int[][] questions(SplittableRandom rng, int rows, int prefixDigits, int answer) {
        int[][] out = new int[rows][prefixDigits + 4];
        for (int r = 0; r < rows; r++) {
            int[] row = out[r];
            row[0] = Vocab.BOS;
            for (int i = 0; i < prefixDigits; i++) {
                row[1 + i] = rng.nextInt(10);
            }
            row[prefixDigits + 1] = Vocab.Q;
            row[prefixDigits + 2] = Vocab.ANS;
            row[prefixDigits + 3] = Vocab.animal(answer >= 0 ? answer : rng.nextInt(Vocab.ANIMALS));
        }
        return out;
    }

    /** Evaluation prompts "BOS d1..dk Q ANS" with uniform random digits ({@code k = 0}: the plain question). */
    public static int[][] evalPrompts(SplittableRandom rng, int rows, int prefixDigits) {
        int[][] q = questions(rng, rows, prefixDigits, 0);
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = java.util.Arrays.copyOf(q[r], prefixDigits + 3);
        }
        return out;
    }

    /** Whether every token from {@code from} on is a digit (the §3b filter). */
    public static boolean allDigits(int[] row, int from) {
        for (int i = from; i < row.length; i++) {
            if (!Vocab.isDigit(row[i])) {
                return false;
            }
        }
        return true;
    }

    /** PyTorch's OneCycleLR (cosine, pct_start 0.3, div_factor 25, final_div_factor 1e4) at step {@code s} of {@code total}. */
    public static double oneCycle(double max, int s, int total) {
        double initial = max / 25;
        double min = initial / 1e4;
        double upEnd = 0.3 * total - 1;
        if (total <= 1) {
            return max;
        }
        if (s <= upEnd) {
            return cosine(initial, max, upEnd <= 0 ? 1 : s / upEnd);
        }
        double downLen = total - 1 - upEnd;
        return cosine(max, min, downLen <= 0 ? 1 : (s - upEnd) / downLen);
    }

    private static double cosine(double from, double to, double pct) {
        return to + (from - to) / 2 * (1 + StrictMath.cos(Math.PI * Math.min(1, pct)));
    }
}
