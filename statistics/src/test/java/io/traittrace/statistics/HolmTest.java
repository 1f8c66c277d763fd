package io.traittrace.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * Reference values: R's {@code p.adjust(p, method = "holm")}, and Holm by its definition rather than by the running
 * maximum the Java code uses:
 * <pre>
 * def holm(p):
 *     m = len(p); order = sorted(range(m), key=lambda k: p[k]); out = [None] * m
 *     for i, k in enumerate(order):
 *         out[k] = min(1.0, max((m - j) * p[order[j]] for j in range(i + 1)))
 *     return out
 * </pre>
 */
class HolmTest {

    @Test
    void multipliesByTheNumberOfRemainingHypothesesAndKeepsInputOrder() {
        // holm([0.01, 0.04, 0.03, 0.005]) -> [0.03, 0.06, 0.06, 0.02]; 0.04 * 1 is raised to 0.06 to stay monotone
        assertThat(Holm.adjust(new double[] { 0.01, 0.04, 0.03, 0.005 })).containsExactly(0.03, 0.06, 0.06, 0.02);
    }

    @Test
    void givesTiesTheSameAdjustedValue() {
        assertThat(Holm.adjust(new double[] { 0.02, 0.01, 0.02, 0.04 })).containsExactly(0.06, 0.04, 0.06, 0.06);
    }

    @Test
    void capsAtOne() {
        assertThat(Holm.adjust(new double[] { 0.04, 0.5, 0.9, 0.01 })).containsExactly(0.12, 1.0, 1.0, 0.04);
    }

    @Test
    void oneOrNoPValueChangesNothing() {
        assertThat(Holm.adjust(new double[] { 0.3 })).containsExactly(0.3);
        assertThat(Holm.adjust(new double[0])).isEmpty();
    }

    @Test
    void isMonotoneInTheRawPValuesAndNeverBelowThem() {
        Random random = new Random(20250714);
        for (int trial = 0; trial < 200; trial++) {
            double[] raw = IntStream.range(0, 1 + random.nextInt(8)).mapToDouble(i -> random.nextDouble() * random.nextDouble()).toArray();
            double[] adjusted = Holm.adjust(raw);
            int[] ascending = IntStream.range(0, raw.length).boxed().sorted(Comparator.comparingDouble(i -> raw[i])).mapToInt(Integer::intValue)
                    .toArray();
            for (int rank = 0; rank < raw.length; rank++) {
                int index = ascending[rank];
                assertThat(adjusted[index]).isBetween(raw[index], 1.0);
                if (rank > 0) {
                    assertThat(adjusted[index]).isGreaterThanOrEqualTo(adjusted[ascending[rank - 1]]);
                }
            }
        }
    }

    @Test
    void refusesValuesThatAreNotProbabilities() {
        assertThatThrownBy(() -> Holm.adjust(new double[] { 0.1, 1.5 })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Holm.adjust(new double[] { Double.NaN })).isInstanceOf(IllegalArgumentException.class);
    }
}
