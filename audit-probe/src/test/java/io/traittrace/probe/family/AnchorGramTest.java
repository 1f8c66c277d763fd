package io.traittrace.probe.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class AnchorGramTest {

    static final int ROWS = 200, COLUMNS = 48;

    @Test
    void relabelledAndShiftedColumnsDoNotChangeTheGram() {
        float[] a = gaussian(ROWS, COLUMNS, 1);
        float[] b = new float[a.length];
        int[] reversed = new int[COLUMNS];
        for (int c = 0; c < COLUMNS; c++) {
            reversed[c] = COLUMNS - 1 - c;
        }
        for (int i = 0; i < ROWS; i++) {
            for (int c = 0; c < COLUMNS; c++) {
                // columns relabelled, plus a per-column offset that centring removes
                b[i * COLUMNS + c] = a[i * COLUMNS + reversed[c]] + 0.5f * c;
            }
        }
        AnchorGram.Result r = AnchorGram.compare(a, b, ROWS, COLUMNS);
        assertThat(r.correlation()).isCloseTo(1.0, within(1e-6));
        assertThat(r.p()).isEqualTo(1.0 / (AnchorGram.PERMUTATIONS + 1));
        assertThat(r.z()).isGreaterThan(50);
    }

    @Test
    void independentMatricesAreAtChance() {
        int large = 0;
        for (int seed = 10; seed < 30; seed++) {
            AnchorGram.Result r = AnchorGram.compare(gaussian(ROWS, COLUMNS, seed), gaussian(ROWS, COLUMNS, seed + 100), ROWS, COLUMNS);
            assertThat(Math.abs(r.correlation())).isLessThan(0.05);
            assertThat(Math.abs(r.nullMean())).isLessThan(0.01);
            if (Math.abs(r.z()) > 2.5) {
                large++;
            }
        }
        assertThat(large).isLessThanOrEqualTo(2); // about 1 % of N(0, 1) beyond 2.5
    }

    @Test
    void isotropicDriftLowersTheCorrelationToOneOverOnePlusDriftSquared() {
        float[] a = gaussian(ROWS, 400, 3);
        for (double drift : new double[] { 0.3, 0.7, 1.0 }) {
            float[] noise = gaussian(ROWS, 400, 4);
            float[] b = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                b[i] = (float) (a[i] + drift * noise[i]);
            }
            assertThat(AnchorGram.compare(a, b, ROWS, 400).correlation()).isCloseTo(1 / (1 + drift * drift), within(0.05));
        }
    }

    @Test
    void rowsAreSampledEvenlyAndAllWhenFew() {
        assertThat(AnchorGram.sampleRows(10, 512)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(AnchorGram.sampleRows(151_936, 4)).containsExactly(0, 37_984, 75_968, 113_952);
    }

    @Test
    void constantRowsHaveNoCorrelation() {
        float[] flat = new float[ROWS * COLUMNS];
        assertThat(AnchorGram.compare(flat, gaussian(ROWS, COLUMNS, 5), ROWS, COLUMNS).defined()).isFalse();
    }

    private static float[] gaussian(int rows, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[rows * columns];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
