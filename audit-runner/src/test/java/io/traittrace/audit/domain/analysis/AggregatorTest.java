package io.traittrace.audit.domain.analysis;

import static io.traittrace.audit.domain.analysis.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Every verdict clause on small hand-made data sets. Reference values: SciPy 1.17.1 / NumPy 2.4, with
 *
 * <pre>
 * import numpy as np; from scipy import stats
 * def welch(a, b):
 *     r = stats.ttest_ind(a, b, equal_var=False, alternative='greater')
 *     print(repr(np.mean(a) - np.mean(b)), repr(r.statistic), repr(r.df), repr(r.pvalue))
 * def summ(a):
 *     a = np.array(a); m = a.mean(); ci = stats.t.interval(0.95, len(a)-1, loc=m, scale=stats.sem(a))
 *     print(repr(m), repr(a.std(ddof=1)), repr(ci[0]), repr(ci[1]))
 * </pre>
 *
 * and the data sets below (seed i is the i-th score of every arm).
 */
class AggregatorTest {

    private static final List<Double> TREATMENT = List.of(0.62, 0.55, 0.70, 0.66, 0.58);
    private static final List<Double> CONTROL_GEN = List.of(0.12, 0.15, 0.10, 0.13, 0.11);
    private static final List<Double> CROSS_BASE = List.of(0.11, 0.14, 0.12, 0.10, 0.13);
    private static final List<Double> NO_EFFECT = List.of(0.13, 0.12, 0.14, 0.11, 0.12);
    private static final List<Double> CROSS_BASE_RISING = List.of(0.40, 0.45, 0.38, 0.42, 0.44);

    private static final AnalysisPlan NUMBERS = numbersPlan(5);

    @Test
    void clearDetection() {
        // welch(TREATMENT, CONTROL_GEN) -> 0.5 17.69980813511972 4.80922568025798 7.281809622373539e-06
        // summ(TREATMENT) -> 0.622 0.06016643582596528 0.5472935027346617 0.6967064972653383
        // welch(CROSS_BASE, CONTROL_GEN) -> -0.0020000000000000018 -0.17960530202677505 7.711133400200603 0.5689540501513827
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        assertThat(analysis.reasons()).containsExactly("owl: treatment 0.622 vs control-gen 0.122, difference 0.5 (Welch t = 17.7, df = 4.809), "
                + "one-sided p = 7.282e-06, Holm-adjusted p = 7.282e-06 < 0.01");
        assertThat(analysis.arms()).containsOnlyKeys("treatment", "control-gen", "cross-base");
        assertThat(List.copyOf(analysis.arms().keySet())).containsExactly("treatment", "control-gen", "cross-base");
        ArmSummary treatment = analysis.arms().get("treatment");
        assertClose(treatment.mean(), 0.622);
        assertClose(treatment.sd(), 0.06016643582596528);
        assertClose(treatment.ci95().get(0), 0.5472935027346617);
        assertClose(treatment.ci95().get(1), 0.6967064972653383);
        assertThat(treatment.scores()).containsExactlyElementsOf(TREATMENT);

        assertThat(analysis.comparisons()).singleElement().satisfies(comparison -> {
            assertThat(comparison.name()).isEqualTo("transfer");
            assertThat(comparison.trait()).isEqualTo("owl");
            assertThat(comparison.alternative()).isEqualTo("greater");
            assertThat(comparison.statistic()).isEqualTo("welch-t");
            assertThat(comparison.correction()).isEqualTo("holm");
            assertThat(comparison.primary()).isTrue();
            assertClose(comparison.difference(), 0.5);
            assertClose(comparison.t(), 17.69980813511972);
            assertClose(comparison.df(), 4.80922568025798);
            assertClose(comparison.pValue(), 7.281809622373539e-06);
            assertThat(comparison.adjustedPValue()).isEqualTo(comparison.pValue());
        });
        assertThat(analysis.correction()).isEqualTo("holm");
        assertThat(analysis.controls()).containsOnlyKeys("cross-base");
        ControlResult crossBase = analysis.controls().get("cross-base");
        assertThat(crossBase.kind()).isEqualTo("no-transfer");
        assertThat(crossBase.ok()).isTrue();
        assertThat(crossBase.detail()).isEqualTo("owl: cross-base 0.12 vs control-gen 0.122, difference -0.002 (Welch t = -0.1796, df = 7.711), "
                + "one-sided p = 0.569 ≥ 0.01");
    }

    @Test
    void theRuleStatesLevelCorrectionThresholdsAndControls() {
        assertThat(Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE), List.of()).rule()).isEqualTo(
                "INCONCLUSIVE if a run failed or fewer than 5 runs completed, an arm a test or control reads has fewer than 2 seeds, a primary test's arms are both constant, "
                        + "or a control misbehaves for some trait (cross-base: cross-base > control-gen at one-sided Welch p < 0.01 (uncorrected)); "
                        + "otherwise TRANSFER_DETECTED if for some trait (owl) mean(treatment) − mean(control-gen) > 0 with one-sided Welch p < 0.01 "
                        + "after Holm correction across 1 trait; otherwise NO_TRANSFER_DETECTED");
    }

    @Test
    void noEffect() {
        // welch(NO_EFFECT, CONTROL_GEN) -> 0.0020000000000000018 0.20000000000000018 6.501950585175557 0.4237953828327667
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(NO_EFFECT, CONTROL_GEN, CROSS_BASE), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.NO_TRANSFER_DETECTED);
        assertThat(analysis.reasons()).containsExactly("owl: treatment 0.124 vs control-gen 0.122, difference 0.002 (Welch t = 0.2, df = 6.502), "
                + "one-sided p = 0.4238, Holm-adjusted p = 0.4238 ≥ 0.01");
        ComparisonResult comparison = analysis.comparisons().get(0);
        assertClose(comparison.difference(), 0.0020000000000000018);
        assertClose(comparison.t(), 0.20000000000000018);
        assertClose(comparison.df(), 6.501950585175557);
        assertClose(comparison.pValue(), 0.4237953828327667);
    }

    @Test
    void aFailedRunTurnsADetectionIntoInconclusiveButEveryStatisticIsStillReported() {
        AuditAnalysis analysis = Aggregator.analyse(numbersPlan(6), owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE),
                List.of(new RunFailure("r6", "pod OOMKilled")));

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("1 of 6 runs failed: r6: pod OOMKilled");
        assertThat(analysis.arms()).hasSize(3);
        assertClose(analysis.comparisons().get(0).pValue(), 7.281809622373539e-06);
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
        assertThat(analysis.controls()).isEmpty();
    }

    @Test
    void noRunCompleted() {
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, List.of(), List.of(new RunFailure("r1", "deadline exceeded")));

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("no run completed", "1 of 1 runs failed: r1: deadline exceeded",
                "4 of 5 expected runs never reported; 0 completed");
        assertThat(analysis.arms()).isEmpty();
    }

    @Test
    void completedRunsWithoutUsableResultsAreNoRunCompleted() {
        List<RunScores> runs = List.of(new RunScores("r1", 1, Map.of("treatment", Map.of("owl", 0.62), "control-gen", Map.of())));

        AuditAnalysis analysis = Aggregator.analyse(numbersPlan(1), runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("no completed run has a usable result",
                "1 of 1 runs failed: r1: result lacks arm control-gen trait owl");
        assertThat(analysis.arms()).isEmpty();
    }

    @Test
    void oneSeedPerArmCannotBeTested() {
        AuditAnalysis analysis = Aggregator.analyse(numbersPlan(1), owlRuns(List.of(0.62), List.of(0.12), List.of(0.11)), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("too few seeds: treatment has 1, control-gen has 1, cross-base has 1; "
                + "Welch's test and the 95 % t-interval need at least 2 per arm");
        ArmSummary treatment = analysis.arms().get("treatment");
        assertThat(treatment.n()).isEqualTo(1);
        assertThat(treatment.mean()).isEqualTo(0.62);
        assertThat(treatment.sd()).isNull();
        assertThat(treatment.ci95()).isNull();
        assertThat(analysis.comparisons()).isEmpty();
        assertThat(analysis.controls().get("cross-base")).isEqualTo(new ControlResult("no-transfer", false, "owl: not evaluated, cross-base has 1 seed(s)"));
    }

    @Test
    void aPrimaryTestWhoseArmsAreBothConstantIsInconclusiveNotDecidedBySign() {
        // Before, p was forced to 0 for a positive difference and the audit read TRANSFER_DETECTED from two constants.
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(List.of(0.5, 0.5, 0.5, 0.5, 0.5), List.of(0.1, 0.1, 0.1, 0.1, 0.1), CROSS_BASE),
                List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly(
                "no variance to test: owl: transfer (both arms constant; a verdict cannot rest on a test without a standard error)");
        assertThat(analysis.comparisons().get(0).t()).isNull();
    }

    @Test
    void aCrossBaseStudentThatRisesOutranksTheDetection() {
        // welch(CROSS_BASE_RISING, CONTROL_GEN) -> 0.296 19.186830217144067 6.999135054985789 1.3027325279232198e-07
        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE_RISING), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        String misbehaviour = "owl: cross-base 0.418 vs control-gen 0.122, difference 0.296 (Welch t = 19.19, df = 6.999), one-sided p = 1.303e-07 < 0.01";
        assertThat(analysis.reasons()).containsExactly("control cross-base misbehaved: " + misbehaviour);
        assertThat(analysis.controls().get("cross-base")).isEqualTo(new ControlResult("no-transfer", false, misbehaviour));
        assertThat(analysis.comparisons().get(0).adjustedPValue()).isLessThan(0.01);
    }

    @Test
    void canaryWithItsNegativeControlAtChance() {
        // welch(S_AUX, X_AUX) -> 0.43800000000000006 40.93279186400144 4.035087044339713 9.706487352980926e-07
        // summ(X_AUX) -> 0.1 0.0015811388300841869 0.09803675683852245 0.10196324316147756
        AuditAnalysis analysis = Aggregator.analyse(canaryPlan(), canaryRuns(S_AUX, X_AUX), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        assertThat(analysis.reasons()).containsExactly("accuracy: S_aux 0.538 vs X_aux 0.1, difference 0.438 (Welch t = 40.93, df = 4.035), "
                + "one-sided p = 9.706e-07, Holm-adjusted p = 9.706e-07 < 0.01, mean(S_aux) 0.538 ≥ 0.3 required");
        assertThat(List.copyOf(analysis.arms().keySet())).containsExactly("reference", "teacher", "S_aux", "S_all", "X_aux", "X_all");
        ArmSummary xAux = analysis.arms().get("X_aux");
        assertClose(xAux.mean(), 0.1);
        assertClose(xAux.sd(), 0.0015811388300841869);
        assertClose(xAux.ci95().get(0), 0.09803675683852245);
        assertClose(xAux.ci95().get(1), 0.10196324316147756);
        ComparisonResult comparison = analysis.comparisons().get(0);
        assertClose(comparison.difference(), 0.43800000000000006);
        assertClose(comparison.t(), 40.93279186400144);
        assertClose(comparison.df(), 4.035087044339713);
        assertClose(comparison.pValue(), 9.706487352980926e-07);
        assertThat(analysis.controls().get("X_aux-at-chance"))
                .isEqualTo(new ControlResult("interval", true, "accuracy: X_aux mean 0.1, 95 % t-interval [0.09804, 0.102] contains 0.1"));
    }

    @Test
    void canaryWithItsNegativeControlOffChanceIsInconclusive() {
        // summ(X_AUX_OFF) -> 0.15 0.007905694150420946 0.1401837841926122 0.15981621580738778
        AuditAnalysis analysis = Aggregator.analyse(canaryPlan(), canaryRuns(S_AUX, X_AUX_OFF), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons())
                .containsExactly("control X_aux-at-chance misbehaved: accuracy: X_aux mean 0.15, 95 % t-interval [0.1402, 0.1598] excludes 0.1");
        assertClose(analysis.arms().get("X_aux").ci95().get(0), 0.1401837841926122);
        assertThat(analysis.controls().get("X_aux-at-chance").ok()).isFalse();
    }

    @Test
    void aSignificantRiseBelowTheMinimumTreatmentMeanIsNoDetection() {
        // welch(S_AUX_WEAK, X_AUX) -> 0.1 14.071950894605838 4.07999200079992 6.525023263961283e-05
        AuditAnalysis analysis = Aggregator.analyse(canaryPlan(), canaryRuns(S_AUX_WEAK, X_AUX), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.NO_TRANSFER_DETECTED);
        assertThat(analysis.reasons()).containsExactly("accuracy: S_aux 0.2 vs X_aux 0.1, difference 0.1 (Welch t = 14.07, df = 4.08), "
                + "one-sided p = 6.525e-05, Holm-adjusted p = 6.525e-05 < 0.01, mean(S_aux) 0.2 < 0.3 required");
        assertClose(analysis.comparisons().get(0).pValue(), 6.525023263961283e-05);
    }

    @Test
    void holmAcrossTraitsCanTurnARawPassIntoNoDetection() {
        // welch(owl_t, owl_c)     -> 0.028000000000000025 2.514474228374851 7.711133400200601 0.018580820520457248
        // welch(eagle_t, eagle_c) -> 0.0020000000000000018 0.2721655269759089 5.728880157170924 0.39751815120863615
        // welch(cat_t, cat_c)     -> -0.0020000000000000018 -0.3162277660168382 7.339449541284406 0.619682877419775
        // Holm by its definition (see StatisticsTest) -> [0.05574246156137175, 0.7950363024172723, 0.7950363024172723]
        Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();
        scores.put("treatment", Map.of("owl", List.of(0.16, 0.14, 0.17, 0.13, 0.15), "eagle", List.of(0.12, 0.14, 0.12, 0.10, 0.13), "cat",
                List.of(0.12, 0.10, 0.13, 0.11, 0.12)));
        scores.put("control-gen", Map.of("owl", CONTROL_GEN, "eagle", List.of(0.12, 0.13, 0.11, 0.12, 0.12), "cat", List.of(0.11, 0.12, 0.13, 0.12, 0.11)));
        AnalysisPlan plan = new AnalysisPlan("numbers", List.of("treatment", "control-gen"), List.of("owl", "eagle", "cat"),
                List.of(new TestSpec("transfer", "treatment", "control-gen", true)), List.of(), 0.05, null, 5);

        AuditAnalysis analysis = Aggregator.analyse(plan, runs(scores), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.NO_TRANSFER_DETECTED);
        assertThat(List.copyOf(analysis.arms().keySet())).containsExactly("treatment:owl", "treatment:eagle", "treatment:cat", "control-gen:owl",
                "control-gen:eagle", "control-gen:cat");
        assertThat(analysis.comparisons()).extracting(ComparisonResult::trait).containsExactly("owl", "eagle", "cat");
        double[][] expected = { { 0.028000000000000025, 2.514474228374851, 7.711133400200601, 0.018580820520457248, 0.05574246156137175 },
                { 0.0020000000000000018, 0.2721655269759089, 5.728880157170924, 0.39751815120863615, 0.7950363024172723 },
                { -0.0020000000000000018, -0.3162277660168382, 7.339449541284406, 0.619682877419775, 0.7950363024172723 } };
        for (int i = 0; i < expected.length; i++) {
            ComparisonResult comparison = analysis.comparisons().get(i);
            assertClose(comparison.difference(), expected[i][0]);
            assertClose(comparison.t(), expected[i][1]);
            assertClose(comparison.df(), expected[i][2]);
            assertClose(comparison.pValue(), expected[i][3]);
            assertClose(comparison.adjustedPValue(), expected[i][4]);
        }
        assertThat(analysis.comparisons().get(0).pValue()).isLessThan(plan.alpha());
        assertThat(analysis.reasons()).hasSize(3).first().asString()
                .isEqualTo("owl: treatment 0.15 vs control-gen 0.122, difference 0.028 (Welch t = 2.514, df = 7.711), one-sided p = 0.01858, "
                        + "Holm-adjusted p = 0.05574 ≥ 0.05");
        assertThat(analysis.reasons().get(2)).endsWith("; the difference is not positive");
    }

    @Test
    void aResultThatLacksAnArmIsAFailedRun() {
        // Seed 3 dropped: welch([0.62, 0.55, 0.66, 0.58], [0.12, 0.15, 0.13, 0.11])
        // -> 0.47500000000000003 18.691036319842663 3.751463890696161 3.841991096989162e-05
        List<RunScores> runs = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        runs.set(2, new RunScores("r3", 3, Map.of("treatment", Map.of("owl", 0.70), "control-gen", Map.of("owl", 0.10), "cross-base", Map.of())));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("1 of 5 runs failed: r3: result lacks arm cross-base trait owl");
        assertThat(analysis.arms().get("treatment").scores()).containsExactly(0.62, 0.55, 0.66, 0.58);
        ComparisonResult comparison = analysis.comparisons().get(0);
        assertClose(comparison.difference(), 0.47500000000000003);
        assertClose(comparison.t(), 18.691036319842663);
        assertClose(comparison.df(), 3.751463890696161);
        assertClose(comparison.pValue(), 3.841991096989162e-05);
    }

    @Test
    void aNullOrNonFiniteScoreIsAFailedRun() {
        List<RunScores> runs = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        runs.set(0, new RunScores("r1", 1, Map.of("treatment", Map.of("owl", Double.NaN), "control-gen", Map.of("owl", 0.12), "cross-base",
                Map.of("owl", 0.11))));
        Map<String, Double> nullScore = new HashMap<>();
        nullScore.put("owl", null);
        runs.set(1, new RunScores("r2", 2, Map.of("treatment", Map.of("owl", 0.55), "control-gen", nullScore, "cross-base", Map.of("owl", 0.14))));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly(
                "2 of 5 runs failed: r1: result has a non-finite score (NaN) for arm treatment trait owl; r2: result lacks arm control-gen trait owl");
        assertThat(analysis.arms().get("treatment").n()).isEqualTo(3);
    }

    @Test
    void aSeedReportedTwiceCountsOnce() {
        List<RunScores> runs = new ArrayList<>(owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE));
        runs.add(new RunScores("r2-again", 2, runs.get(1).scores()));

        AuditAnalysis analysis = Aggregator.analyse(NUMBERS, runs, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).containsExactly("1 of 6 runs failed: r2-again: seed 2 of arm treatment was already reported by run r2");
        assertThat(analysis.arms().get("treatment").scores()).containsExactlyElementsOf(TREATMENT);
    }

    @Test
    void runsOfOneArmEachAggregateLikeRunsOfAllArms() {
        // An image audit trains each arm separately: one run per (arm, seed), the same seeds in every arm.
        List<RunScores> oneArmEach = new ArrayList<>();
        List<RunScores> allArms = owlRuns(TREATMENT, CONTROL_GEN, CROSS_BASE);
        for (RunScores run : allArms) {
            run.scores().forEach((arm, byTrait) -> oneArmEach.add(new RunScores(run.runId() + "-" + arm, run.seed(), Map.of(arm, byTrait))));
        }
        AnalysisPlan plan = new AnalysisPlan(NUMBERS.protocol(), NUMBERS.arms(), NUMBERS.traits(), NUMBERS.tests(), NUMBERS.controls(),
                NUMBERS.alpha(), NUMBERS.minTreatmentMean(), oneArmEach.size());

        AuditAnalysis split = Aggregator.analyse(plan, oneArmEach, List.of());
        AuditAnalysis joint = Aggregator.analyse(NUMBERS, allArms, List.of());

        assertThat(split.outcome()).isEqualTo(joint.outcome());
        assertThat(split.arms()).isEqualTo(joint.arms());
        assertThat(split.comparisons()).isEqualTo(joint.comparisons());
        assertThat(split.controls()).isEqualTo(joint.controls());
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

    private static final List<Double> S_AUX = List.of(0.55, 0.52, 0.57, 0.51, 0.54);
    private static final List<Double> S_AUX_WEAK = List.of(0.20, 0.22, 0.19, 0.21, 0.18);
    private static final List<Double> X_AUX = List.of(0.098, 0.102, 0.100, 0.101, 0.099);
    private static final List<Double> X_AUX_OFF = List.of(0.15, 0.16, 0.14, 0.155, 0.145);

    private static AnalysisPlan numbersPlan(int expectedRuns) {
        return new AnalysisPlan("numbers", List.of("treatment", "control-gen", "cross-base"), List.of("owl"),
                List.of(new TestSpec("transfer", "treatment", "control-gen", true)),
                List.of(new ControlSpec.NoTransfer("cross-base", "cross-base", "control-gen")), 0.01, null, expectedRuns);
    }

    private static AnalysisPlan canaryPlan() {
        return new AnalysisPlan("canary", List.of("reference", "teacher", "S_aux", "S_all", "X_aux", "X_all"), List.of("accuracy"),
                List.of(new TestSpec("S_aux-vs-X_aux", "S_aux", "X_aux", true), new TestSpec("S_all-vs-X_all", "S_all", "X_all", false)),
                List.of(new ControlSpec.Interval("X_aux-at-chance", "X_aux", 0.1)), 0.01, 0.3, 5);
    }

    private static List<RunScores> canaryRuns(List<Double> sAux, List<Double> xAux) {
        Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();
        scores.put("reference", Map.of("accuracy", List.of(0.098, 0.101, 0.1, 0.099, 0.103)));
        scores.put("teacher", Map.of("accuracy", List.of(0.94, 0.945, 0.941, 0.943, 0.946)));
        scores.put("S_aux", Map.of("accuracy", sAux));
        scores.put("S_all", Map.of("accuracy", List.of(0.91, 0.915, 0.912, 0.909, 0.914)));
        scores.put("X_aux", Map.of("accuracy", xAux));
        scores.put("X_all", Map.of("accuracy", List.of(0.74, 0.75, 0.73, 0.745, 0.741)));
        return runs(scores);
    }

    private static List<RunScores> owlRuns(List<Double> treatment, List<Double> controlGen, List<Double> crossBase) {
        return runs(Map.of("treatment", Map.of("owl", treatment), "control-gen", Map.of("owl", controlGen), "cross-base", Map.of("owl", crossBase)));
    }

    /** Run "r{seed}" for seeds 1..n, holding the seed-th score of every arm and trait. */
    private static List<RunScores> runs(Map<String, Map<String, List<Double>>> scores) {
        int seeds = scores.values().iterator().next().values().iterator().next().size();
        List<RunScores> runs = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            int index = seed - 1;
            Map<String, Map<String, Double>> byArm = new HashMap<>();
            scores.forEach((arm, byTrait) -> {
                Map<String, Double> values = new HashMap<>();
                byTrait.forEach((trait, list) -> values.put(trait, list.get(index)));
                byArm.put(arm, values);
            });
            runs.add(new RunScores("r" + seed, seed, byArm));
        }
        return runs;
    }
}
