package io.traittrace.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Reference values: full enumeration in Python ({@code itertools.product([1, -1], repeat=n)}, counting sums ≥ the
 * observed one) and SciPy's {@code permutation_test(permutation_type='samples', n_resamples=inf)}.
 */
class SignFlipTest {

    @Test
    void allPositiveDifferencesReachTheSmallestPossiblePValue() {
        // 1 of 32 assignments reaches the observed sum
        assertThat(SignFlip.greater(new double[] { 0.021, 0.008, 0.025, 0.018, 0.012 })).isEqualTo(1.0 / 32);
    }

    @Test
    void mixedSignsMatchSciPysExactPermutationTest() {
        // permutation_test(...).pvalue -> 0.125 (8 of 64)
        assertThat(SignFlip.greater(new double[] { 0.021, -0.008, 0.025, 0.018, -0.012, 0.003 })).isEqualTo(8.0 / 64);
    }

    @Test
    void tiedSumsCount() {
        // [0.3, -0.3, 0.1, -0.1]: sum 0, 10 of 16 assignments reach it
        assertThat(SignFlip.greater(new double[] { 0.3, -0.3, 0.1, -0.1 })).isEqualTo(10.0 / 16);
    }

    @Test
    void agreesWithBruteForceOnRandomDifferences() {
        Random random = new Random(17);
        for (int trial = 0; trial < 50; trial++) {
            double[] d = new double[1 + random.nextInt(10)];
            for (int i = 0; i < d.length; i++) {
                d[i] = random.nextGaussian() + 0.3;
            }
            assertThat(SignFlip.greater(d)).isEqualTo(bruteForce(d));
        }
    }

    @Test
    void refusesMoreThanItCanEnumerate() {
        assertThatThrownBy(() -> SignFlip.greater(new double[SignFlip.MAX_PAIRS + 1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..20");
    }

    private static double bruteForce(double[] d) {
        double observed = 0;
        for (double value : d) {
            observed += value;
        }
        int reaching = 0;
        for (int mask = 0; mask < 1 << d.length; mask++) {
            double sum = 0;
            for (int i = 0; i < d.length; i++) {
                sum += ((mask >> i & 1) == 1 ? -1 : 1) * Math.abs(d[i]);
            }
            if (sum >= observed - 1e-12) {
                reaching++;
            }
        }
        return (double) reaching / (1 << d.length);
    }
}
