package io.traittrace.probe.canary;

import java.util.SplittableRandom;

/**
 * A seeded, uniformly random derangement (a permutation with no fixed point): cross-init student r starts from
 * replicate {@code d[r]}'s init, never its own. Drawn by rejection of Fisher–Yates shuffles (about e tries).
 */
final class Derangement {

    private Derangement() {
    }

    static int[] of(int n, long seed) {
        if (n < 2) {
            throw new IllegalArgumentException("A derangement needs at least 2 elements, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] p = new int[n];
        while (true) {
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            boolean ok = true;
            for (int i = 0; i < n && ok; i++) {
                ok = p[i] != i;
            }
            if (ok) {
                return p;
            }
        }
    }
}
