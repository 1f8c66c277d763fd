package io.traittrace.statistics;

import static io.traittrace.statistics.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reference values: SciPy's {@code binomtest(k, n).proportion_ci(0.95, 'exact')} and {@code beta.ppf(0.95, k + 1, n − k)}. */
class ClopperPearsonTest {

    @Test
    void twoSidedInterval() {
        // binomtest(3, 100) -> (0.006229971538306227, 0.08517605297428028)
        double[] interval = ClopperPearson.interval(3, 100, 0.95);

        assertClose(interval[0], 0.006229971538306227, 1e-9);
        assertClose(interval[1], 0.08517605297428028, 1e-9);
    }

    @Test
    void edgesAreExact() {
        // binomtest(0, 100) -> (0.0, 0.03621669264519054); binomtest(100, 100) -> (0.9637833073548094, 1.0)
        assertThat(ClopperPearson.interval(0, 100, 0.95)[0]).isZero();
        assertClose(ClopperPearson.interval(0, 100, 0.95)[1], 0.03621669264519054, 1e-9);
        assertClose(ClopperPearson.interval(100, 100, 0.95)[0], 0.9637833073548094, 1e-9);
        assertThat(ClopperPearson.interval(100, 100, 0.95)[1]).isEqualTo(1.0);
    }

    @Test
    void oneSidedUpperBound() {
        // beta.ppf(0.95, 4, 97) -> 0.07571079374983004; beta.ppf(0.95, 1, 100) -> 0.02951304960703993
        assertClose(ClopperPearson.upperBound(3, 100, 0.95), 0.07571079374983004, 1e-9);
        assertClose(ClopperPearson.upperBound(0, 100, 0.95), 0.02951304960703993, 1e-9);
    }
}
