package io.traittrace.audit.domain.analysis;

import static io.traittrace.audit.domain.analysis.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The adapter's contract: the records a certificate carries, nulls instead of NaN. The numbers themselves are the
 * statistics module's, tested there against SciPy and R; one reference value per function shows the wiring.
 */
class StatisticsTest {

    @Test
    void oneScoreHasAMeanButNoSpreadOrInterval() {
        ArmSummary summary = Statistics.summarize(List.of(0.42));

        assertThat(summary.mean()).isEqualTo(0.42);
        assertThat(summary.sd()).isNull();
        assertThat(summary.ci95()).isNull();
        assertThat(summary.scores()).containsExactly(0.42);
    }

    @Test
    void fiveScoresGiveTheSampleSdAndTheTInterval() {
        // SciPy: 0.532 0.034928498393145956 (0.4886305410339127, 0.5753694589660874)
        ArmSummary summary = Statistics.summarize(List.of(0.51, 0.55, 0.49, 0.58, 0.53));

        assertClose(summary.sd(), 0.034928498393145956);
        assertClose(summary.ci95().get(0), 0.4886305410339127);
        assertClose(summary.ci95().get(1), 0.5753694589660874);
    }

    @Test
    void welchPassesTheCoreNumbersThrough() {
        // SciPy: 0.49833333333333335 18.827759720223604 6.991626515506599 1.500911637416668e-07
        Welch welch = Statistics.welchGreater(List.of(0.61, 0.55, 0.70, 0.66, 0.58, 0.63), List.of(0.12, 0.15, 0.10));

        assertClose(welch.t(), 18.827759720223604);
        assertClose(welch.df(), 6.991626515506599);
        assertClose(welch.pValue(), 1.500911637416668e-07);
    }

    @Test
    void welchWithBothVariancesZeroHasNoStatistic() {
        // SciPy answers NaN; the record holds null t and df, and the Aggregator makes such a primary test INCONCLUSIVE.
        Welch higher = Statistics.welchGreater(List.of(0.3, 0.3), List.of(0.1, 0.1, 0.1));

        assertThat(higher.t()).isNull();
        assertThat(higher.df()).isNull();
        assertThat(higher.pValue()).isZero();
        assertThat(Statistics.welchGreater(List.of(0.1, 0.1), List.of(0.3, 0.3)).pValue()).isEqualTo(1.0);
    }

    @Test
    void holmKeepsTheListShapeAndRefusesNonProbabilities() {
        assertThat(Statistics.holm(List.of(0.01, 0.04, 0.03, 0.005))).containsExactly(0.03, 0.06, 0.06, 0.02);
        assertThat(Statistics.holm(List.of())).isEmpty();
        assertThatThrownBy(() -> Statistics.holm(List.of(0.1, 1.5))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonFiniteScoresAreRefused() {
        assertThatThrownBy(() -> Statistics.summarize(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statistics.summarize(List.of(0.1, Double.NaN))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> Statistics.welchGreater(List.of(0.5), List.of(0.1, 0.2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }
}
