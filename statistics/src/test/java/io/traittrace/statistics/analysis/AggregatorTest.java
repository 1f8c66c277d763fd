package io.traittrace.statistics.analysis;

import static io.traittrace.statistics.analysis.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.traittrace.statistics.Design;
import io.traittrace.statistics.TTest;

/**
 * Every verdict clause on small hand-made data sets (seed i is the i-th score of every arm). Reference values: SciPy
 * 1.10, with the t quantile solved from {@code t.cdf} (see PowerTest), printed with repr():
 *
 * <pre>
 * def paired(a, b, alpha=0.01):
 *     d = np.array(a) - np.array(b); n = len(d); m = d.mean(); se = d.std(ddof=1) / np.sqrt(n)
 *     print(m, se, m / se, stats.t.sf(m / se, n - 1), m + tppf(1 - alpha, n - 1) * se, m - tppf(1 - alpha, n - 1) * se)
 * def tost(m, se, n, margin):
 *     print(max(stats.t.sf((m + margin) / se, n - 1), stats.t.cdf((m - margin) / se, n - 1)))
 * </pre>
 */
class AggregatorTest {

    private static final List<Double> TREATMENT = List.of(0.62, 0.55, 0.70, 0.66, 0.58);
    private static final List<Double> CONTROL_GEN = List.of(0.12, 0.15, 0.10, 0.13, 0.11);
    private static final List<Double> CROSS_BASE = List.of(0.11, 0.14, 0.12, 0.10, 0.13);
    private static final List<Double> NO_EFFECT = List.of(0.13, 0.12, 0.14, 0.11, 0.12);
    private static final List<Double> NOISY = List.of(0.16, 0.07, 0.19, 0.08, 0.14);
    private static final List<Double> CROSS_BASE_RISING = List.of(0.40, 0.45, 0.38, 0.42, 0.44);

    private static final AnalysisPlan NUMBERS = numbersPlan(5);

    @Test
    void clearDetectionIsPairedWithinSeedAndAboveTheCrossBaseStudent() {
        // paired(TREATMENT, CONTROL_GEN) -> 0.5 0.03301514803843835 15.144563320384568 5.540832768172906e-05 0.6237060227063733
        // paired(TREATMENT, CROSS_BASE) -> 0.502 ... p 4.915414877720155e-05
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        assertThat(analysis.reasons()).containsExactly("owl: treatment 0.622 vs control-gen 0.122, difference 0.5 (paired t = 15.14, df = 4, n = 5), "
                + "one-sided p = 5.541e-05, Holm-adjusted p = 5.541e-05 < 0.01; above cross-base: owl: treatment 0.622 vs cross-base 0.12, "
                + "difference 0.502 (paired t = 15.61, df = 4, n = 5), one-sided p = 4.915e-05 < 0.01");
        ComparisonResult comparison = analysis.comparisons().get(0);
        assertThat(comparison.statistic()).isEqualTo("paired-t");
        assertThat(comparison.n()).isEqualTo(5);
        assertClose(comparison.difference(), 0.5);
        assertClose(comparison.standardError(), 0.03301514803843835);
        assertClose(comparison.t(), 15.144563320384568);
        assertThat(comparison.df()).isEqualTo(4.0);
        assertClose(comparison.pValue(), 5.540832768172906e-05);
        assertClose(comparison.upperBound(), 0.6237060227063733);
        assertThat(comparison.signFlipPValue()).isEqualTo(1.0 / 32);
        assertThat(analysis.comparisons().get(1)).satisfies(above -> {
            assertThat(above.name()).isEqualTo("treatment > cross-base");
            assertThat(above.primary()).isFalse();
            assertThat(above.correction()).isEqualTo("none");
            assertClose(above.pValue(), 4.915414877720155e-05);
        });
        assertThat(analysis.arms().get("treatment").seeds()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void theCrossBaseStudentIsShownWithinTheMarginByAnEquivalenceTest() {
        // paired(CROSS_BASE, CONTROL_GEN): m -0.002, 98 % interval [-0.038328002759011014, 0.034328002759011024]; tost(.., 0.05) -> 0.003878329141869781
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of());

        assertThat(analysis.controls().get("cross-base")).isEqualTo(new ControlResult("equivalent", true,
                "owl: cross-base − control-gen = -0.002 (paired t = -0.2063, df = 4), 98 % interval [-0.03833, 0.03433] within ±0.05 "
                        + "(TOST p = 0.003878 < 0.01)"));
    }

    @Test
    void theRuleStatesTheTestLevelCorrectionMarginAndControls() {
        assertThat(Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of()).rule()).isEqualTo(
                "Tests: one-sided paired t-test (within seed). INCONCLUSIVE if a run failed or fewer than 5 runs completed, an arm a test or "
                        + "control reads has fewer than 2 seeds, a test has no variance, or a control is not shown for some trait (cross-base: "
                        + "cross-base − control-gen within ±0.05 by TOST at 0.01); otherwise TRANSFER_DETECTED if for some trait (owl) "
                        + "mean(treatment) − mean(control-gen) > 0 with p < 0.01 after Holm correction across 1 trait and treatment > cross-base "
                        + "with uncorrected p < 0.01; otherwise NO_TRANSFER_DETECTED if the one-sided 99 % upper confidence bound of every primary "
                        + "difference (treatment − control-gen) is below the margin 0.05; otherwise INCONCLUSIVE (underpowered)");
    }

    @Test
    void noEffectWithAnUpperBoundBelowTheMargin() {
        // paired(NO_EFFECT, CONTROL_GEN) -> 0.002 0.012409673645990856 0.16116459280507622 0.43988810183697424 ub 0.04849839425351979
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(NO_EFFECT, CONTROL_GEN, CROSS_BASE), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.NO_TRANSFER_DETECTED);
        assertThat(analysis.reasons()).containsExactly("owl: treatment 0.124 vs control-gen 0.122, difference 0.002 (paired t = 0.1612, df = 4, n = 5), "
                + "one-sided p = 0.4399, Holm-adjusted p = 0.4399 ≥ 0.01; one-sided 99 % upper bound of the difference 0.0485 < margin 0.05");
        assertClose(analysis.comparisons().get(0).upperBound(), 0.04849839425351979);
    }

    @Test
    void noEffectThatCannotExcludeTheMarginIsUnderpoweredNotAPass() {
        // paired(NOISY, CONTROL_GEN) -> 0.006 ... p 0.4281640466929793, ub 0.12245715017774782
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(NOISY, CONTROL_GEN, CROSS_BASE), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).singleElement().asString().startsWith("underpowered: owl: treatment 0.128 vs control-gen 0.122")
                .endsWith("; one-sided 99 % upper bound of the difference 0.1225 ≥ margin 0.05, so an effect of the margin is not excluded");
        assertClose(analysis.comparisons().get(0).upperBound(), 0.12245715017774782);
    }

    @Test
    void powerAtTheMarginAndTheMinimumDetectableEffectAreStated() {
        // planned: nct.sf(tppf(0.99, 4), 4, 0.05 * sqrt(5) / 0.02) -> 0.8949201929194652; mde(5, 0.02, 0.01, 0.8) -> 0.04360664824804267
        // observed: sd of NO_EFFECT - CONTROL_GEN 0.027748873851023217
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(NO_EFFECT, CONTROL_GEN, CROSS_BASE), List.of());

        PowerResult power = analysis.power();
        assertThat(power.design()).isEqualTo("paired");
        assertThat(power.seeds()).isEqualTo(5);
        assertThat(power.margin()).isEqualTo(0.05);
        assertThat(power.target()).isEqualTo(0.8);
        assertThat(power.mdeLevel()).isEqualTo(0.01);
        assertThat(power.plannedSd()).isEqualTo(0.02);
        assertClose(power.plannedPower(), 0.8949201929194652);
        assertClose(power.plannedMde(), 0.04360664824804267);
        assertClose(power.observedSd(), 0.027748873851023217);
        assertThat(power.observedPower()).isBetween(0.5, power.plannedPower());
        assertThat(power.observedMde()).isGreaterThan(power.plannedMde());
    }

    @Test
    void aTestWithoutVarianceIsInconclusiveNotDecidedBySign() {
        // Every within-seed difference 0.5: no standard error, so no p (before, p was forced to 0 and the audit detected).
        List<Double> shifted = List.of(0.625, 0.625, 0.75, 0.5, 0.5);
        List<Double> base = List.of(0.125, 0.125, 0.25, 0.0, 0.0);
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(shifted, base, List.of(0.125, 0.25, 0.25, 0.0, 0.0)), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).first().asString().isEqualTo("no variance to test: owl: transfer (every within-seed difference equal; "
                + "a verdict cannot rest on a test without a standard error)");
        ComparisonResult comparison = analysis.comparisons().get(0);
        assertThat(comparison.defined()).isFalse();
        assertThat(comparison.pValue()).isNull();
        assertThat(comparison.adjustedPValue()).isNull();
        assertThat(comparison.difference()).isEqualTo(0.5);
    }

    @Test
    void aCrossBaseStudentThatRisesIsNotShownInBoundsAndOutranksTheDetection() {
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE_RISING), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).singleElement().asString().startsWith("control cross-base not shown: owl: cross-base − control-gen = 0.296")
                .contains("not within ±0.05");
        assertThat(analysis.controls().get("cross-base").ok()).isFalse();
        assertThat(analysis.comparisons().get(0).adjustedPValue()).isLessThan(0.01);
    }

    @Test
    void aRiseTheCrossBaseStudentSharesIsNotCalledTransfer() {
        // Without the equivalence control, the alsoAbove clause still holds the detection back.
        AnalysisPlan plan = new AnalysisPlan("numbers", Design.PAIRED, NUMBERS.arms(), NUMBERS.traits(), NUMBERS.tests(), List.of(), NUMBERS.thresholds(),
                5, 5, false);
        List<Double> crossRisingToo = List.of(0.63, 0.56, 0.69, 0.64, 0.60);

        AuditAnalysis analysis = Aggregator.analyse(plan, owlRuns(TREATMENT, CONTROL_GEN, crossRisingToo), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).singleElement().asString().contains("Holm-adjusted p = ").contains("; but not above cross-base: ");
    }

    @Test
    void aFailedRunTurnsADetectionIntoInconclusiveButEveryStatisticIsStillReported() {
        AuditAnalysis analysis = Aggregator.analyse(numbersPlan(6), owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE),
                List.of(new RunFailure("r6", "pod OOMKilled")));

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("1 of 6 runs failed: r6: pod OOMKilled");
        assertThat(analysis.arms()).hasSize(3);
        assertClose(analysis.comparisons().get(0).pValue(), 5.540832768172906e-05);
        assertThat(analysis.controls().get("cross-base").ok()).isTrue();
    }

    @Test
    void runsThatNeverReportedMakeTheAuditInconclusive() {
        AuditAnalysis analysis = Aggregator.analyse(numbersPlan(8), owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("3 of 8 expected runs never reported; 5 completed");
    }

    @Test
    void failuresBeyondThreeAreCounted() {
        List<RunFailure> failed = List.of(new RunFailure("r1", "image pull failed"), new RunFailure("r2", "deadline exceeded"),
                new RunFailure("r3", "pod OOMKilled"), new RunFailure("r4", "node lost"), new RunFailure("r5", "node lost"));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, List.of(), failed);

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("no run completed",
                "5 of 5 runs failed: r1: image pull failed; r2: deadline exceeded; r3: pod OOMKilled; and 2 more");
        assertThat(analysis.arms()).isEmpty();
        assertThat(analysis.comparisons()).isEmpty();
        assertThat(analysis.power().plannedPower()).isNotNull();
        assertThat(analysis.power().observedSd()).isNull();
    }

    @Test
    void completedRunsWithoutUsableResultsAreNoRunCompleted() {
        List<RunScores> runs = List.of(new RunScores("r1", 0, Map.of("treatment", Map.of("owl", 0.62), "control-gen", Map.of())));

        AuditAnalysis analysis = Aggregator.analyse(numbersPlan(1), runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("no completed run has a usable result",
                "1 of 1 runs failed: r1: result lacks arm control-gen trait owl");
    }

    @Test
    void oneSeedPerArmCannotBeTested() {
        AuditAnalysis analysis = Aggregator.analyse(numbersPlan(1), owlRuns(List.of(0.62), List.of(0.12), List.of(0.11)), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("too few seeds: treatment has 1, control-gen has 1, cross-base has 1; "
                + "a t-test and the 95 % t-interval need at least 2 per arm");
        ArmSummary treatment = analysis.arms().get("treatment");
        assertThat(treatment.n()).isEqualTo(1);
        assertThat(treatment.sd()).isNull();
        assertThat(analysis.comparisons()).isEmpty();
        assertThat(analysis.controls().get("cross-base")).isEqualTo(new ControlResult("equivalent", false, "owl: not evaluated, cross-base has 1 seed(s)"));
    }

    @Test
    void canaryWithItsNegativeControlShownAtChanceAndItsTeacherTrained() {
        // paired(S_AUX, X_AUX) -> 0.43800000000000006 0.011113055385446427 39.413103310328275 1.2379330854198474e-06
        // X_AUX - 0.1: 98 % interval [-0.002649491906789311, 0.002649491906789311], TOST(±0.05) p 1.1984016783886688e-07
        // TEACHER vs 0.5: one-sided 99 % lower bound 0.9387278226690867, p 1.3163575708117878e-10
        AuditAnalysis analysis = Aggregator.analyse(canaryPlan(), canaryRuns(S_AUX, X_AUX), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        assertThat(analysis.reasons()).containsExactly("accuracy: S_aux 0.538 vs X_aux 0.1, difference 0.438 (paired t = 39.41, df = 4, n = 5), "
                + "one-sided p = 1.238e-06, Holm-adjusted p = 1.238e-06 < 0.01, mean(S_aux) 0.538 ≥ 0.3 required");
        assertClose(analysis.comparisons().get(0).t(), 39.413103310328275);
        assertThat(analysis.controls().get("X_aux at chance")).isEqualTo(new ControlResult("near-value", true,
                "accuracy: X_aux mean 0.1, 0 from 0.1, 98 % interval [-0.002649, 0.002649] within ±0.05 (TOST p = 1.198e-07 < 0.01)"));
        assertThat(analysis.controls().get("teacher learned")).isEqualTo(new ControlResult("at-least", true,
                "accuracy: teacher mean 0.943, one-sided 99 % lower bound 0.9387 > 0.5 required (one-sided p = 1.316e-10)"));
    }

    @Test
    void canaryWithItsNegativeControlOffChanceIsInconclusive() {
        // XOFF - 0.1: mean 0.05 sits on the margin; TOST p 0.49999999999999856
        AuditAnalysis analysis = Aggregator.analyse(canaryPlan(), canaryRuns(S_AUX, X_AUX_OFF), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).singleElement().asString().startsWith("control X_aux at chance not shown: accuracy: X_aux mean 0.15")
                .contains("not within ±0.05 (TOST p = 0.5 ≥ 0.01)");
    }

    @Test
    void aTeacherThatDidNotLearnMakesTheCanaryInconclusive() {
        Map<String, Map<String, List<Double>>> scores = canaryScores(S_AUX, X_AUX);
        scores.put("teacher", Map.of("accuracy", List.of(0.45, 0.52, 0.48, 0.55, 0.47)));

        AuditAnalysis analysis = Aggregator.analyse(canaryPlan(), runs(scores), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).singleElement().asString().startsWith("control teacher learned not shown: accuracy: teacher mean 0.494")
                .contains("≤ 0.5 required");
    }

    @Test
    void aSignificantRiseBelowTheMinimumTreatmentMeanIsNoDetection() {
        AuditAnalysis analysis = Aggregator.analyse(canaryPlan(), canaryRuns(S_AUX_WEAK, X_AUX), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).singleElement().asString().startsWith("underpowered: accuracy: S_aux 0.2 vs X_aux 0.1")
                .contains("< 0.01, mean(S_aux) 0.2 < 0.3 required");
    }

    @Test
    void holmAcrossTraitsCanTurnARawPassIntoNoDetection() {
        Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();
        scores.put("treatment", Map.of("owl", List.of(0.16, 0.14, 0.17, 0.13, 0.15), "eagle", List.of(0.12, 0.14, 0.12, 0.10, 0.13), "cat",
                List.of(0.12, 0.10, 0.13, 0.11, 0.12)));
        scores.put("control-gen", Map.of("owl", CONTROL_GEN, "eagle", List.of(0.12, 0.13, 0.11, 0.12, 0.12), "cat", List.of(0.11, 0.12, 0.13, 0.12, 0.11)));
        AnalysisPlan plan = new AnalysisPlan("numbers", Design.PAIRED, List.of("treatment", "control-gen"), List.of("owl", "eagle", "cat"),
                List.of(new TestSpec("transfer", "treatment", "control-gen", true)), List.of(), new AnalysisPlan.Thresholds(0.1, 0.1, null, null), 5, 5,
                false);

        AuditAnalysis analysis = Aggregator.analyse(plan, runs(scores), List.of());

        assertThat(analysis.comparisons()).extracting(ComparisonResult::trait).containsExactly("owl", "eagle", "cat");
        ComparisonResult owl = analysis.comparisons().get(0);
        assertThat(owl.pValue()).isLessThan(0.1);
        assertThat(owl.adjustedPValue()).isEqualTo(3 * owl.pValue()).isGreaterThan(0.1);
        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.NO_TRANSFER_DETECTED);
        assertThat(List.copyOf(analysis.arms().keySet())).containsExactly("treatment:owl", "treatment:eagle", "treatment:cat", "control-gen:owl",
                "control-gen:eagle", "control-gen:cat");
    }

    @Test
    void independentArmsAreComparedByWelchAndHolmSpansEveryTest() {
        // welch(TREATMENT, CONTROL_GEN) -> 0.5 17.69980813511972 4.80922568025798 7.281809622373539e-06
        AnalysisPlan plan = new AnalysisPlan("image", Design.INDEPENDENT, List.of("treatment", "other", "control-gen"), List.of("owl"),
                List.of(new TestSpec("treatment > control-gen", "treatment", "control-gen", true), new TestSpec("other > control-gen", "other", "control-gen", true)),
                List.of(), new AnalysisPlan.Thresholds(0.01, 0.05, null, null), 5, 15, true);
        List<RunScores> oneArmEach = new ArrayList<>();
        Map<String, List<Double>> byArm = Map.of("treatment", TREATMENT, "other", NO_EFFECT, "control-gen", CONTROL_GEN);
        byArm.forEach((arm, scores) -> {
            for (int seed = 0; seed < 5; seed++) {
                oneArmEach.add(new RunScores(arm + "-" + seed, seed, Map.of(arm, Map.of("owl", scores.get(seed)))));
            }
        });

        AuditAnalysis analysis = Aggregator.analyse(plan, oneArmEach, List.of());

        ComparisonResult treatment = analysis.comparisons().get(0);
        assertThat(treatment.statistic()).isEqualTo("welch-t");
        assertThat(treatment.signFlipPValue()).isNull();
        assertClose(treatment.t(), 17.69980813511972);
        assertClose(treatment.df(), 4.80922568025798);
        assertClose(treatment.pValue(), 7.281809622373539e-06);
        assertThat(treatment.adjustedPValue()).isEqualTo(Math.min(1, 2 * treatment.pValue()));
        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        assertThat(analysis.power().design()).isEqualTo("independent");
        assertThat(analysis.power().mdeLevel()).isEqualTo(0.005);
    }

    @Test
    void aResultThatLacksAnArmIsAFailedRun() {
        List<RunScores> runs = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        runs.set(2, new RunScores("r3", 2, Map.of("treatment", Map.of("owl", 0.70), "control-gen", Map.of("owl", 0.10), "cross-base", Map.of())));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).first().isEqualTo("1 of 5 runs failed: r3: result lacks arm cross-base trait owl");
        assertThat(analysis.arms().get("treatment").scores()).containsExactly(0.62, 0.55, 0.66, 0.58);
        assertThat(analysis.arms().get("treatment").seeds()).containsExactly(0, 1, 3, 4);
        assertThat(analysis.comparisons().get(0).n()).isEqualTo(4);
    }

    @Test
    void aNullOrNonFiniteScoreIsAFailedRun() {
        List<RunScores> runs = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        runs.set(0, new RunScores("r1", 0, Map.of("treatment", Map.of("owl", Double.NaN), "control-gen", Map.of("owl", 0.12), "cross-base",
                Map.of("owl", 0.11))));
        Map<String, Double> nullScore = new HashMap<>();
        nullScore.put("owl", null);
        runs.set(1, new RunScores("r2", 1, Map.of("treatment", Map.of("owl", 0.55), "control-gen", nullScore, "cross-base", Map.of("owl", 0.14))));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).first().isEqualTo(
                "2 of 5 runs failed: r1: result has a non-finite score (NaN) for arm treatment trait owl; r2: result lacks arm control-gen trait owl");
        assertThat(analysis.arms().get("treatment").n()).isEqualTo(3);
    }

    @Test
    void aSeedReportedTwiceCountsOnce() {
        List<RunScores> runs = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        runs.add(new RunScores("r2-again", 1, runs.get(1).scores()));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("1 of 6 runs failed: r2-again: seed 1 of arm treatment was already reported by run r2");
        assertThat(analysis.arms().get("treatment").scores()).containsExactlyElementsOf(TREATMENT);
    }

    @Test
    void aSeedOutsideThePlanIsAFailedRun() {
        List<RunScores> runs = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        runs.set(4, new RunScores("r5", 7, runs.get(4).scores()));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).first().isEqualTo("1 of 5 runs failed: r5: result is for seed 7, which is not among the plan's seeds 0..4");
    }

    @Test
    void anArmNoRunCoversHasNoSeeds() {
        List<RunScores> withoutCrossBase = new ArrayList<>();
        for (RunScores run : owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE)) {
            withoutCrossBase.add(new RunScores(run.runId(), run.seed(), Map.of("treatment", run.scores().get("treatment"), "control-gen",
                    run.scores().get("control-gen"))));
        }

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, withoutCrossBase, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).anyMatch(reason -> reason.contains("cross-base has 0"));
        assertThat(analysis.arms()).doesNotContainKey("cross-base");
    }

    @Test
    void scoresAreInSeedOrderWhateverTheOrderRunsArrive() {
        List<RunScores> shuffled = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        Collections.reverse(shuffled);

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, shuffled, List.of());

        assertThat(analysis).isEqualTo(Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of()));
        assertThat(analysis.arms().get("treatment").scores()).containsExactlyElementsOf(TREATMENT);
    }

    @Test
    void aRunReportedTwiceIsTheCallersMistake() {
        List<RunScores> runs = owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE);

        assertThatThrownBy(() -> Aggregator.analyse(NUMBERS, runs, List.of(new RunFailure("r1", "pod OOMKilled"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r1");
    }

    @Test
    void aMinimumEffectIsWhatADetectionMustClearNotZero() {
        // paired(TREATMENT, CONTROL_GEN) against 0.3: t = (0.5 − 0.3) / 0.03301514803843835 = 6.057825328153828, t.sf(.., 4) = 0.0018741581254107086
        AuditAnalysis clear = Aggregator.analyse(minimumEffectPlan(), owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of());
        assertThat(clear.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        ComparisonResult comparison = clear.comparisons().get(0);
        assertThat(comparison.statistic()).isEqualTo(TTest.PAIRED_T_MINIMUM_EFFECT);
        assertClose(comparison.difference(), 0.5);
        assertClose(comparison.standardError(), 0.03301514803843835);
        assertClose(comparison.t(), 6.057825328153828);
        assertClose(comparison.pValue(), 0.0018741581254107086);
        assertThat(clear.rule()).contains("> the minimum effect 0.3 with p < 0.01");

        // A consistent shift of 0.02 is overwhelming against zero (t = 28.28, p = 4.6e-06) and far below the minimum effect
        // (p = 0.99999999988): not a detection, and small enough to bound below the margin.
        List<Double> slightlyAbove = List.of(0.141, 0.169, 0.122, 0.150, 0.128);
        AuditAnalysis slight = Aggregator.analyse(minimumEffectPlan(), owlRuns(slightlyAbove, CONTROL_GEN, CROSS_BASE), List.of());
        assertThat(slight.outcome()).isEqualTo(AuditAnalysis.NO_TRANSFER_DETECTED);
        assertClose(slight.comparisons().get(0).pValue(), 0.9999999998779857);
        assertThat(slight.reasons().get(0)).contains("paired t against the minimum effect", "not above the minimum effect 0.3", "< margin 0.3");
        assertThat(Aggregator.analyse(NUMBERS, owlRuns(slightlyAbove, CONTROL_GEN, CROSS_BASE), List.of()).comparisons().get(0).pValue())
                .as("the same data against zero").isLessThan(1e-5);
    }

    @Test
    void aMinimumEffectNeedsPairsAndMustNotExceedTheMargin() {
        assertThatThrownBy(() -> new AnalysisPlan.Thresholds(0.01, 0.3, null, null, 0.4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, margin]");
        assertThatThrownBy(() -> new AnalysisPlan("numbers", Design.INDEPENDENT, List.of("treatment", "control-gen"), List.of("owl"),
                List.of(new TestSpec("transfer", "treatment", "control-gen", true)), List.of(), new AnalysisPlan.Thresholds(0.01, 0.3, null, null, 0.3), 5, 10,
                false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paired differences only");
    }

    private static AnalysisPlan minimumEffectPlan() {
        return new AnalysisPlan("trait-eval", Design.PAIRED, List.of("treatment", "control-gen", "cross-base"), List.of("owl"),
                List.of(new TestSpec("transfer", "treatment", "control-gen", true)), List.of(), new AnalysisPlan.Thresholds(0.01, 0.3, null, null, 0.3), 5, 5,
                false);
    }

    private static final List<Double> S_AUX = List.of(0.55, 0.52, 0.57, 0.51, 0.54);
    private static final List<Double> S_AUX_WEAK = List.of(0.20, 0.22, 0.19, 0.21, 0.18);
    private static final List<Double> X_AUX = List.of(0.098, 0.102, 0.100, 0.101, 0.099);
    private static final List<Double> X_AUX_OFF = List.of(0.15, 0.16, 0.14, 0.155, 0.145);

    private static AnalysisPlan numbersPlan(int expectedRuns) {
        return new AnalysisPlan("numbers", Design.PAIRED, List.of("treatment", "control-gen", "cross-base"), List.of("owl"),
                List.of(new TestSpec("transfer", "treatment", "control-gen", true, "cross-base")),
                List.of(new ControlSpec.Equivalent("cross-base", "cross-base", "control-gen", 0.05)), new AnalysisPlan.Thresholds(0.01, 0.05, null, 0.02), 5,
                expectedRuns, false);
    }

    private static AnalysisPlan canaryPlan() {
        return new AnalysisPlan("canary", Design.PAIRED, List.of("reference", "teacher", "S_aux", "S_all", "X_aux", "X_all"), List.of("accuracy"),
                List.of(new TestSpec("S_aux-vs-X_aux", "S_aux", "X_aux", true), new TestSpec("S_all-vs-X_all", "S_all", "X_all", false)),
                List.of(new ControlSpec.NearValue("X_aux at chance", "X_aux", 0.1, 0.05), new ControlSpec.AtLeast("teacher learned", "teacher", 0.5)),
                new AnalysisPlan.Thresholds(0.01, 0.05, 0.3, null), 5, 5, false);
    }

    private static List<RunScores> canaryRuns(List<Double> sAux, List<Double> xAux) {
        return runs(canaryScores(sAux, xAux));
    }

    private static Map<String, Map<String, List<Double>>> canaryScores(List<Double> sAux, List<Double> xAux) {
        Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();
        scores.put("reference", Map.of("accuracy", List.of(0.098, 0.101, 0.1, 0.099, 0.103)));
        scores.put("teacher", Map.of("accuracy", List.of(0.94, 0.945, 0.941, 0.943, 0.946)));
        scores.put("S_aux", Map.of("accuracy", sAux));
        scores.put("S_all", Map.of("accuracy", List.of(0.91, 0.915, 0.912, 0.909, 0.914)));
        scores.put("X_aux", Map.of("accuracy", xAux));
        scores.put("X_all", Map.of("accuracy", List.of(0.74, 0.75, 0.73, 0.745, 0.741)));
        return scores;
    }

    private static List<RunScores> owlRuns(List<Double> treatment, List<Double> controlGen, List<Double> crossBase) {
        return runs(Map.of("treatment", Map.of("owl", treatment), "control-gen", Map.of("owl", controlGen), "cross-base", Map.of("owl", crossBase)));
    }

    /** Run "r{seed + 1}" for seeds 0..n − 1, holding the seed's score of every arm and trait. */
    private static List<RunScores> runs(Map<String, Map<String, List<Double>>> scores) {
        int seeds = scores.values().iterator().next().values().iterator().next().size();
        List<RunScores> runs = new ArrayList<>();
        for (int seed = 0; seed < seeds; seed++) {
            int index = seed;
            Map<String, Map<String, Double>> byArm = new HashMap<>();
            scores.forEach((arm, byTrait) -> {
                Map<String, Double> values = new HashMap<>();
                byTrait.forEach((trait, list) -> values.put(trait, list.get(index)));
                byArm.put(arm, values);
            });
            runs.add(new RunScores("r" + (seed + 1), seed, byArm));
        }
        return runs;
    }
}
