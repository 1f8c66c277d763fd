package io.traittrace.probe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reference values from SciPy 1.17 (ttest_ind with equal_var=False, alternative='greater'; t.ppf) and R's p.adjust("holm"). */
class StatisticsTest {

    private static final double[] S_AUX = { 0.537, 0.512, 0.561, 0.498, 0.577 };
    private static final double[] X_AUX = { 0.101, 0.097, 0.112, 0.089, 0.104 };

    @Test
    void welchMatchesSciPyOnAClearEffect() {
        WelchTest test = WelchTest.greater(S_AUX, X_AUX);
        assertThat(test.t()).isCloseTo(28.740396821162545, within(1e-9));
        assertThat(test.df()).isCloseTo(4.532921618291974, within(1e-9));
        assertThat(test.pValue()).isCloseTo(1.3207249633904942e-06, within(1e-12));
    }

    @Test
    void welchMatchesSciPyOnNoEffectWithUnequalSizes() {
        WelchTest test = WelchTest.greater(new double[] { 0.12, 0.08, 0.15, 0.10 }, new double[] { 0.11, 0.09, 0.10, 0.13, 0.07, 0.12 });
        assertThat(test.t()).isCloseTo(0.5286262644654335, within(1e-9));
        assertThat(test.df()).isCloseTo(5.087096196528089, within(1e-9));
        assertThat(test.pValue()).isCloseTo(0.30965427684768687, within(1e-9));
    }

    @Test
    void welchIsOneSided() {
        assertThat(WelchTest.greater(X_AUX, S_AUX).pValue()).isGreaterThan(0.999);
    }

    @Test
    void constantArmsGiveAnExactAnswer() {
        assertThat(WelchTest.greater(new double[] { 0.5, 0.5 }, new double[] { 0.1, 0.1 }).pValue()).isZero();
        assertThat(WelchTest.greater(new double[] { 0.1, 0.1 }, new double[] { 0.1, 0.1 }).pValue()).isEqualTo(1.0);
    }

    @Test
    void summaryUsesTheTInterval() {
        Summary s = Summary.of(S_AUX);
        assertThat(s.mean()).isCloseTo(0.537, within(1e-12));
        assertThat(s.sd()).isCloseTo(0.0328709598277872, within(1e-12));
        assertThat(s.ciLow()).isCloseTo(0.49618531259543436, within(1e-9));
        assertThat(s.ciHigh()).isCloseTo(0.5778146874045655, within(1e-9));
        assertThat(s.ciContains(0.5)).isTrue();
        assertThat(s.ciContains(0.1)).isFalse();
    }

    @Test
    void holmMatchesR() {
        double[] adjusted = Holm.adjust(new double[] { 0.01, 0.04, 0.03, 0.005 });
        assertThat(adjusted).containsExactly(new double[] { 0.03, 0.06, 0.06, 0.02 }, within(1e-12));
        assertThat(Holm.reject(new double[] { 0.01, 0.04, 0.03, 0.005 }, 0.05)).containsExactly(true, false, false, true);
    }
}
