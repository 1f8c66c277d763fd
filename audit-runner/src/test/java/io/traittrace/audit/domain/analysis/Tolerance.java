package io.traittrace.audit.domain.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Reference values come from SciPy; the Java side must agree to a relative 1e-12. */
final class Tolerance {

    private static final double RELATIVE = 1e-12;

    private Tolerance() {
    }

    static void assertClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * RELATIVE));
    }
}
