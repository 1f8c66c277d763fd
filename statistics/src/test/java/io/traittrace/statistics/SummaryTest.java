package io.traittrace.statistics;

import static io.traittrace.statistics.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Reference values: SciPy 1.17.1 / NumPy 2.4, printed with repr():
 * <pre>
 * def summ(a):
 *     a = np.array(a); n = len(a); m = a.mean()
 *     sd = a.std(ddof=1) if n &gt; 1 else None
 *     ci = stats.t.interval(0.95, n-1, loc=m, scale=stats.sem(a)) if n &gt; 1 else None
 * </pre>
 */
class SummaryTest {

    @Test
    void oneScoreHasAMeanButNoSpreadOrInterval() {
        Summary summary = Summary.of(new double[] { 0.42 });

        assertThat(summary.mean()).isEqualTo(0.42);
        assertThat(summary.sd()).isNaN();
        assertThat(summary.ciLow()).isNaN();
        assertThat(summary.n()).isEqualTo(1);
        assertThat(summary.hasSpread()).isFalse();
    }

    @Test
    void twoScoresUseTheTQuantileWithOneDegreeOfFreedom() {
        // summ([0.1, 0.3]) -> 0.2 0.1414213562373095 (-1.0706204736174694, 1.4706204736174693)
        Summary summary = Summary.of(new double[] { 0.1, 0.3 });

        assertClose(summary.mean(), 0.2);
        assertClose(summary.sd(), 0.1414213562373095);
        assertClose(summary.ciLow(), -1.0706204736174694);
        assertClose(summary.ciHigh(), 1.4706204736174693);
    }

    @Test
    void fiveScoresGiveTheSampleSdAndTheTInterval() {
        // summ([0.51, 0.55, 0.49, 0.58, 0.53]) -> 0.532 0.034928498393145956 (0.4886305410339127, 0.5753694589660874)
        Summary summary = Summary.of(new double[] { 0.51, 0.55, 0.49, 0.58, 0.53 });

        assertClose(summary.mean(), 0.532);
        assertClose(summary.sd(), 0.034928498393145956);
        assertClose(summary.ciLow(), 0.4886305410339127);
        assertClose(summary.ciHigh(), 0.5753694589660874);
        assertThat(summary.n()).isEqualTo(5);
        assertThat(summary.hasSpread()).isTrue();
    }

    @Test
    void canaryArmsFromTheProbeSuite() {
        // summ([0.537, 0.512, 0.561, 0.498, 0.577]) -> 0.537 0.0328709598277872 (0.49618531259543436, 0.5778146874045655)
        Summary summary = Summary.of(new double[] { 0.537, 0.512, 0.561, 0.498, 0.577 });

        assertClose(summary.sd(), 0.0328709598277872);
        assertThat(summary.ciLow()).isCloseTo(0.49618531259543436, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(summary.ciHigh()).isCloseTo(0.5778146874045655, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void constantScoresHaveNoSpread() {
        assertThat(Summary.of(new double[] { 0.1, 0.1, 0.1 }).hasSpread()).isFalse();
    }

    @Test
    void noScoresOrNonFiniteScoresAreRefused() {
        assertThatThrownBy(() -> Summary.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Summary.of(new double[] { 0.1, Double.NaN })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }
}
