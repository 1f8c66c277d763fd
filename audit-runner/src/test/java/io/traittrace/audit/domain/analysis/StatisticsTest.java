package io.traittrace.audit.domain.analysis;

import static io.traittrace.audit.domain.analysis.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * Reference values: SciPy 1.17.1 / NumPy 2.4, printed with repr() so that every digit is pasted. The snippet above
 * each test produced its numbers.
 */
class StatisticsTest {

    // import numpy as np; from scipy import stats
    // def summ(a):
    //     a = np.array(a); n = len(a); m = a.mean()
    //     sd = a.std(ddof=1) if n > 1 else None
    //     ci = stats.t.interval(0.95, n-1, loc=m, scale=stats.sem(a)) if n > 1 else None
    //     print(repr(m), repr(sd), ci)

    @Test
    void oneScoreHasAMeanButNoSpreadOrInterval() {
        // summ([0.42]) -> 0.42 None None
        ArmSummary summary = Statistics.summarize(List.of(0.42));

        assertThat(summary.mean()).isEqualTo(0.42);
        assertThat(summary.sd()).isNull();
        assertThat(summary.ci95()).isNull();
        assertThat(summary.n()).isEqualTo(1);
        assertThat(summary.scores()).containsExactly(0.42);
    }

    @Test
    void twoScoresUseTheTQuantileWithOneDegreeOfFreedom() {
        // summ([0.1, 0.3]) -> 0.2 0.1414213562373095 (-1.0706204736174694, 1.4706204736174693)
        ArmSummary summary = Statistics.summarize(List.of(0.1, 0.3));

        assertClose(summary.mean(), 0.2);
        assertClose(summary.sd(), 0.1414213562373095);
        assertClose(summary.ci95().get(0), -1.0706204736174694);
        assertClose(summary.ci95().get(1), 1.4706204736174693);
        assertThat(summary.n()).isEqualTo(2);
    }

    @Test
    void fiveScoresGiveTheSampleSdAndTheTInterval() {
        // summ([0.51, 0.55, 0.49, 0.58, 0.53]) -> 0.532 0.034928498393145956 (0.4886305410339127, 0.5753694589660874)
        ArmSummary summary = Statistics.summarize(List.of(0.51, 0.55, 0.49, 0.58, 0.53));

        assertClose(summary.mean(), 0.532);
        assertClose(summary.sd(), 0.034928498393145956);
        assertClose(summary.ci95().get(0), 0.4886305410339127);
        assertClose(summary.ci95().get(1), 0.5753694589660874);
        assertThat(summary.n()).isEqualTo(5);
        assertThat(summary.scores()).containsExactly(0.51, 0.55, 0.49, 0.58, 0.53);
    }

    @Test
    void noScoresOrNonFiniteScoresAreRefused() {
        assertThatThrownBy(() -> Statistics.summarize(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statistics.summarize(List.of(0.1, Double.NaN))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }

    // def welch(a, b):
    //     r = stats.ttest_ind(a, b, equal_var=False, alternative='greater')
    //     print(repr(np.mean(a) - np.mean(b)), repr(r.statistic), repr(r.df), repr(r.pvalue))

    @Test
    void welchWithUnequalSizesAndVariances() {
        // welch([0.61, 0.55, 0.70, 0.66, 0.58, 0.63], [0.12, 0.15, 0.10])
        // -> 0.49833333333333335 18.827759720223604 6.991626515506599 1.500911637416668e-07
        Welch welch = Statistics.welchGreater(List.of(0.61, 0.55, 0.70, 0.66, 0.58, 0.63), List.of(0.12, 0.15, 0.10));

        assertClose(welch.difference(), 0.49833333333333335);
        assertClose(welch.t(), 18.827759720223604);
        assertClose(welch.df(), 6.991626515506599);
        assertClose(welch.pValue(), 1.500911637416668e-07);
    }

    @Test
    void welchWithANegativeDifferenceGivesTheUpperTail() {
        // welch([0.12, 0.15, 0.10], [0.61, 0.55, 0.70, 0.66, 0.58, 0.63])
        // -> -0.49833333333333335 -18.827759720223604 6.991626515506599 0.9999998499088363
        Welch welch = Statistics.welchGreater(List.of(0.12, 0.15, 0.10), List.of(0.61, 0.55, 0.70, 0.66, 0.58, 0.63));

        assertClose(welch.difference(), -0.49833333333333335);
        assertClose(welch.t(), -18.827759720223604);
        assertClose(welch.df(), 6.991626515506599);
        assertClose(welch.pValue(), 0.9999998499088363);
    }

    @Test
    void welchWithOneZeroVarianceGroupUsesTheOtherGroupsDegreesOfFreedom() {
        // welch([0.2, 0.2, 0.2], [0.1, 0.15, 0.12, 0.11]) -> 0.08000000000000004 7.406560798180418 3.0 0.002545658564291956
        Welch welch = Statistics.welchGreater(List.of(0.2, 0.2, 0.2), List.of(0.1, 0.15, 0.12, 0.11));

        assertClose(welch.difference(), 0.08000000000000004);
        assertClose(welch.t(), 7.406560798180418);
        assertClose(welch.df(), 3.0);
        assertClose(welch.pValue(), 0.002545658564291956);
    }

    @Test
    void welchWithBothVariancesZeroIsDecidedByTheSignOfTheDifference() {
        // SciPy answers NaN here (welch([0.5, 0.5], [0.5, 0.5]) -> 0.0 nan 1.0 nan); the contract is p = 0 or 1.
        Welch higher = Statistics.welchGreater(List.of(0.3, 0.3), List.of(0.1, 0.1, 0.1));
        Welch equal = Statistics.welchGreater(List.of(0.5, 0.5), List.of(0.5, 0.5));
        Welch lower = Statistics.welchGreater(List.of(0.1, 0.1), List.of(0.3, 0.3));

        assertThat(higher.pValue()).isZero();
        assertThat(higher.t()).isNull();
        assertThat(higher.df()).isNull();
        assertThat(higher.difference()).isPositive();
        assertThat(equal.pValue()).isEqualTo(1.0);
        assertThat(equal.difference()).isZero();
        assertThat(lower.pValue()).isEqualTo(1.0);
        assertThat(lower.t()).isNull();
    }

    @Test
    void welchNeedsTwoScoresPerGroup() {
        assertThatThrownBy(() -> Statistics.welchGreater(List.of(0.5), List.of(0.1, 0.2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> Statistics.welchGreater(List.of(0.5, 0.6), List.of(0.1))).isInstanceOf(IllegalArgumentException.class);
    }

    // Holm by its definition, not by the running maximum the Java code uses:
    // def holm(p):
    //     m = len(p); order = sorted(range(m), key=lambda k: p[k]); out = [None] * m
    //     for i, k in enumerate(order):
    //         out[k] = min(1.0, max((m - j) * p[order[j]] for j in range(i + 1)))
    //     return out

    @Test
    void holmMultipliesByTheNumberOfRemainingHypothesesAndKeepsInputOrder() {
        // holm([0.01, 0.04, 0.03, 0.005]) -> [0.03, 0.06, 0.06, 0.02]; 0.04 * 1 is raised to 0.06 to stay monotone
        assertThat(Statistics.holm(List.of(0.01, 0.04, 0.03, 0.005))).containsExactly(0.03, 0.06, 0.06, 0.02);
    }

    @Test
    void holmGivesTiesTheSameAdjustedValue() {
        // holm([0.02, 0.01, 0.02, 0.04]) -> [0.06, 0.04, 0.06, 0.06]
        assertThat(Statistics.holm(List.of(0.02, 0.01, 0.02, 0.04))).containsExactly(0.06, 0.04, 0.06, 0.06);
    }

    @Test
    void holmCapsAtOne() {
        // holm([0.04, 0.5, 0.9, 0.01]) -> [0.12, 1.0, 1.0, 0.04]
        assertThat(Statistics.holm(List.of(0.04, 0.5, 0.9, 0.01))).containsExactly(0.12, 1.0, 1.0, 0.04);
    }

    @Test
    void holmOfOneOrNoPValueChangesNothing() {
        assertThat(Statistics.holm(List.of(0.3))).containsExactly(0.3);
        assertThat(Statistics.holm(List.of())).isEmpty();
    }

    @Test
    void holmIsMonotoneInTheRawPValuesAndNeverBelowThem() {
        Random random = new Random(20250714);
        for (int trial = 0; trial < 200; trial++) {
            List<Double> raw = new ArrayList<>();
            IntStream.range(0, 1 + random.nextInt(8)).forEach(i -> raw.add(random.nextDouble() * random.nextDouble()));
            List<Double> adjusted = Statistics.holm(raw);
            List<Integer> ascending = IntStream.range(0, raw.size()).boxed().sorted(Comparator.comparing(raw::get)).toList();
            for (int rank = 0; rank < raw.size(); rank++) {
                int index = ascending.get(rank);
                assertThat(adjusted.get(index)).isBetween(raw.get(index), 1.0);
                if (rank > 0) {
                    assertThat(adjusted.get(index)).isGreaterThanOrEqualTo(adjusted.get(ascending.get(rank - 1)));
                }
            }
        }
    }

    @Test
    void holmRefusesValuesThatAreNotProbabilities() {
        assertThatThrownBy(() -> Statistics.holm(List.of(0.1, 1.5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statistics.holm(List.of(Double.NaN))).isInstanceOf(IllegalArgumentException.class);
    }
}
