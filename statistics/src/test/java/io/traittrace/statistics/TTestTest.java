package io.traittrace.statistics;

import static io.traittrace.statistics.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Reference values: SciPy ({@code ttest_ind(equal_var=False)}, {@code ttest_rel}, {@code ttest_1samp}, all with
 * {@code alternative='greater'}; {@code t.ppf}, {@code t.sf}, {@code t.cdf}), printed with repr(). Welch's df is
 * Welch–Satterthwaite, (va + vb)² / (va²/(na − 1) + vb²/(nb − 1)) with va = var(a, ddof=1)/na.
 */
class TTestTest {

    private static final double[] S_AUX = { 0.537, 0.512, 0.561, 0.498, 0.577 };
    private static final double[] X_AUX = { 0.101, 0.097, 0.112, 0.089, 0.104 };
    /** A numbers-test-like pair of arms: treatment and control P(trait) changes of five seeds. */
    private static final double[] SOFT = { 0.031, 0.012, 0.044, 0.020, 0.027 };
    private static final double[] CONTROL = { 0.010, 0.004, 0.019, 0.002, 0.015 };

    @Test
    void welchOnAClearEffect() {
        TTest test = TTest.welchGreater(S_AUX, X_AUX);

        assertThat(test.statistic()).isEqualTo(TTest.WELCH_T);
        assertClose(test.t(), 28.740396821162545, 1e-11);
        assertClose(test.df(), 4.532921618291974, 1e-11);
        assertClose(test.pValue(), 1.3207249633904942e-06, 1e-9);
    }

    @Test
    void welchOnNoEffectWithUnequalSizes() {
        TTest test = TTest.welchGreater(new double[] { 0.12, 0.08, 0.15, 0.10 }, new double[] { 0.11, 0.09, 0.10, 0.13, 0.07, 0.12 });

        assertClose(test.t(), 0.5286262644654335, 1e-11);
        assertClose(test.df(), 5.087096196528089, 1e-11);
        assertClose(test.pValue(), 0.30965427684768687, 1e-11);
    }

    @Test
    void welchWithUnequalSizesAndVariances() {
        // -> 0.49833333333333335 18.827759720223604 6.991626515506599 1.500911637416668e-07
        TTest test = TTest.welchGreater(new double[] { 0.61, 0.55, 0.70, 0.66, 0.58, 0.63 }, new double[] { 0.12, 0.15, 0.10 });

        assertClose(test.difference(), 0.49833333333333335);
        assertClose(test.t(), 18.827759720223604);
        assertClose(test.df(), 6.991626515506599);
        assertClose(test.pValue(), 1.500911637416668e-07);
    }

    @Test
    void welchWithANegativeDifferenceGivesTheUpperTail() {
        TTest test = TTest.welchGreater(new double[] { 0.12, 0.15, 0.10 }, new double[] { 0.61, 0.55, 0.70, 0.66, 0.58, 0.63 });

        assertClose(test.t(), -18.827759720223604);
        assertClose(test.pValue(), 0.9999998499088363);
    }

    @Test
    void welchWithOneZeroVarianceGroupUsesTheOtherGroupsDegreesOfFreedom() {
        // -> 0.08000000000000004 7.406560798180418 3.0 0.002545658564291956
        TTest test = TTest.welchGreater(new double[] { 0.2, 0.2, 0.2 }, new double[] { 0.1, 0.15, 0.12, 0.11 });

        assertClose(test.t(), 7.406560798180418);
        assertClose(test.df(), 3.0);
        assertClose(test.pValue(), 0.002545658564291956);
        assertThat(test.degenerate()).isFalse();
    }

    @Test
    void twoConstantArmsAreDegenerateNotDecided() {
        // SciPy answers NaN: a verdict must not rest on it (before, the sign of the difference forced p to 0 or 1).
        TTest test = TTest.welchGreater(new double[] { 0.3, 0.3 }, new double[] { 0.1, 0.1, 0.1 });

        assertThat(test.degenerate()).isTrue();
        assertThat(test.pValue()).isNaN();
        assertThat(test.t()).isNaN();
        assertThat(test.difference()).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(test.upperBound(0.05)).isNaN();
        assertThat(test.equivalence(-0.1, 0.1).shown(0.05)).isFalse();
    }

    @Test
    void welchNeedsTwoScoresPerGroup() {
        assertThatThrownBy(() -> TTest.welchGreater(new double[] { 0.5 }, new double[] { 0.1, 0.2 })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }

    @Test
    void pairedTestUsesTheWithinSeedDifferences() {
        // ttest_rel(SOFT, CONTROL, alternative='greater') -> 5.497127924430982 0.0026690902597671165
        // d = SOFT - CONTROL: mean 0.0168, se 0.0030561413579872246; mean + tppf(0.95, 4) * se (tppf: see PowerTest) = 0.02331522513258502
        TTest test = TTest.pairedGreater(SOFT, CONTROL);

        assertThat(test.statistic()).isEqualTo(TTest.PAIRED_T);
        assertClose(test.difference(), 0.0168, 1e-12);
        assertClose(test.standardError(), 0.0030561413579872246, 1e-11);
        assertClose(test.t(), 5.497127924430982, 1e-11);
        assertThat(test.df()).isEqualTo(4);
        assertClose(test.pValue(), 0.0026690902597671165, 1e-10);
        assertClose(test.upperBound(0.05), 0.02331522513258502, 1e-11);
    }

    @Test
    void pairingRemovesWhatTheSeedShares() {
        // ttest_ind(SOFT, CONTROL, equal_var=False, alternative='greater') -> t 2.6819135986192246, p 0.01679889895531853:
        // the seeds move both arms together, which Welch counts as noise.
        TTest welch = TTest.welchGreater(SOFT, CONTROL);

        assertClose(welch.t(), 2.6819135986192246, 1e-11);
        assertClose(welch.pValue(), 0.01679889895531853, 1e-10);
        assertThat(TTest.pairedGreater(SOFT, CONTROL).pValue()).isLessThan(welch.pValue());
    }

    @Test
    void pairedTestNeedsEqualArms() {
        assertThatThrownBy(() -> TTest.pairedGreater(SOFT, new double[] { 0.1, 0.2 })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one control per treatment score");
    }

    @Test
    void constantDifferencesAreDegenerate() {
        TTest test = TTest.pairedGreater(new double[] { 0.5, 0.75, 1.0 }, new double[] { 0.25, 0.5, 0.75 });

        assertThat(test.degenerate()).isTrue();
        assertThat(test.pValue()).isNaN();
        assertThat(test.df()).isEqualTo(2);
    }

    @Test
    void oneSampleTestAgainstChance() {
        // ttest_1samp(X_AUX, 0.1, alternative='greater') -> 0.1577855049114623 0.44113533937666494
        TTest test = TTest.oneSampleGreater(X_AUX, 0.1);

        assertThat(test.statistic()).isEqualTo(TTest.ONE_SAMPLE_T);
        assertClose(test.t(), 0.1577855049114623, 1e-10);
        assertClose(test.pValue(), 0.44113533937666494, 1e-11);
    }

    @Test
    void equivalenceOfPairedDifferencesWithinAMargin() {
        // d = [0.004, -0.002, 0.006, 0.001, -0.003]: t.sf((m + 0.01)/se, 4) = 0.0014189229633672243,
        // t.cdf((m - 0.01)/se, 4) = 0.0034138897348979422
        double[] crossBase = { 0.014, 0.008, 0.016, 0.011, 0.007 };
        double[] control = { 0.010, 0.010, 0.010, 0.010, 0.010 };
        TTest.Equivalence equivalence = TTest.pairedGreater(crossBase, control).equivalence(-0.01, 0.01);

        assertClose(equivalence.pAboveLow(), 0.0014189229633672243, 1e-9);
        assertClose(equivalence.pBelowHigh(), 0.0034138897348979422, 1e-9);
        assertClose(equivalence.pValue(), 0.0034138897348979422, 1e-9);
        assertThat(equivalence.shown(0.05)).isTrue();
        assertThat(TTest.pairedGreater(crossBase, control).equivalence(-0.002, 0.002).shown(0.05)).isFalse();
    }

    @Test
    void equivalenceOfAnArmWithChance() {
        // X_AUX - 0.1 within ±0.02: 0.0028135424225532103, 0.003487093508034146
        TTest.Equivalence equivalence = TTest.oneSampleGreater(X_AUX, 0.1).equivalence(-0.02, 0.02);

        assertClose(equivalence.pAboveLow(), 0.0028135424225532103, 1e-9);
        assertClose(equivalence.pBelowHigh(), 0.003487093508034146, 1e-9);
    }

    @Test
    void theUpperBoundIsBelowTheMarginExactlyWhenTheUpperEquivalenceTestRejects() {
        TTest test = TTest.pairedGreater(SOFT, CONTROL);
        for (double margin : new double[] { 0.02, 0.0233, 0.02332, 0.0234, 0.03 }) {
            assertThat(test.upperBound(0.05) < margin).as("margin %s", margin)
                    .isEqualTo(test.equivalence(-1, margin).pBelowHigh() < 0.05);
        }
    }
}
