package io.traittrace.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Reference values come from SciPy and R; the Java side must agree to a relative 1e-12 unless a test says otherwise. */
final class Tolerance {

    private static final double RELATIVE = 1e-12;

    private Tolerance() {
    }

    static void assertClose(double actual, double expected) {
        assertClose(actual, expected, RELATIVE);
    }

    static void assertClose(double actual, double expected, double relative) {
        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * relative));
    }
}
