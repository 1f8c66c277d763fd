package io.traittrace.statistics.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void fourSignificantDigitsWithoutTrailingZeros() {
        assertThat(Format.number(1.500911637416668e-07)).isEqualTo("1.501e-07");
        assertThat(Format.number(0.4237953828327667)).isEqualTo("0.4238");
        assertThat(Format.number(0.5)).isEqualTo("0.5");
        assertThat(Format.number(120.0)).isEqualTo("120");
        assertThat(Format.number(-0.0020000000000000018)).isEqualTo("-0.002");
        assertThat(Format.number(0)).isEqualTo("0");
    }

    @Test
    void aValueNeverReadsAsEqualToADifferentThreshold() {
        assertThat(Format.against(0.0099999, 0.01)).isEqualTo("0.0099999");
        assertThat(Format.against(0.010000000000000002, 0.01)).isEqualTo("0.010000000000000002");
        assertThat(Format.against(0.01, 0.01)).isEqualTo("0.01");
        assertThat(Format.against(0.0123456, 0.01)).isEqualTo("0.01235");
    }
}
