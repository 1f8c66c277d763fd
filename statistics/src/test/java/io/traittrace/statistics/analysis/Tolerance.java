package io.traittrace.statistics.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Reference values come from SciPy; the Java side must agree to a relative 1e-9 (t quantiles, see PowerTest). */
final class Tolerance {

    private static final double RELATIVE = 1e-9;

    private Tolerance() {
    }

    static void assertClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * RELATIVE));
    }
}
