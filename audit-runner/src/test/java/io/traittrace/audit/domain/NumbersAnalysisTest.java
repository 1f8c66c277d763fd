package io.traittrace.audit.domain;

import static io.traittrace.audit.domain.PlannerNumbersTest.JSON;
import static io.traittrace.audit.domain.PlannerNumbersTest.PLANNER;
import static io.traittrace.audit.domain.PlannerNumbersTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.statistics.analysis.Aggregator;
import io.traittrace.statistics.analysis.AuditAnalysis;
import io.traittrace.statistics.analysis.ComparisonResult;
import io.traittrace.statistics.analysis.RunFailure;
import io.traittrace.statistics.analysis.RunScores;

/**
 * A numbers audit's verdict across per-seed probe results, as the runner reads them (arms.*.scores[0] and
 * replicates[0].logOddsChange), with the plan the planner makes: arms compared within seed (they share the seed's base,
 * teacher and draws). Scores are P(trait) changes; reference values from SciPy ({@code stats.ttest_rel(a, b,
 * alternative='greater')}, Holm by hand over the four, TOST and bounds with the t quantile solved from {@code t.cdf}).
 */
class NumbersAnalysisTest {

    static final double[] BASE = { 0.098, 0.104, 0.107, 0.101, 0.100 };
    static final double[] TEACHER = { 0.90, 0.886, 0.891, 0.88, 0.895 };
    static final double[] SOFT = { 0.12, 0.15, 0.18, 0.14, 0.16 };
    static final double[] SAMPLED = { 0.08, 0.10, 0.12, 0.09, 0.11 };
    static final double[] CONTROL = { 0.01, -0.02, 0.03, 0.00, 0.015 };
    static final double[] CROSS = { 0.02, -0.01, 0.01, 0.03, -0.02 };
    static final double[] SHUFFLED = { 0.07, 0.05, 0.09, 0.06, 0.04 };
    static final double[] RANDOM = { 0.01, 0.00, -0.01, 0.02, 0.01 };
    static final double[] LO_SOFT = { 0.9, 1.1, 1.3, 1.0, 1.2 };
    static final double[] LO_SAMPLED = { 0.6, 0.8, 0.7, 0.9, 0.75 };
    static final double[] LO_CONTROL = { 0.05, -0.1, 0.2, 0.0, 0.1 };

    @Test
    void transferDetectedPairedWithHolmOverTheProbesFourTests() {
        AuditAnalysis analysis = analyse(seeds(SOFT, LO_SOFT, SAMPLED, LO_SAMPLED, TEACHER, CROSS), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        assertThat(analysis.comparisons()).extracting(ComparisonResult::name).containsExactly("treatment-soft > control-gen",
                "treatment-sampled > control-gen", "treatment-soft > control-gen (log-odds)", "treatment-sampled > control-gen (log-odds)",
                "treatment-soft > cross-base");
        ComparisonResult soft = analysis.comparisons().get(0);
        assertThat(soft.primary()).isTrue();
        assertThat(analysis.comparisons().subList(1, 5)).noneMatch(ComparisonResult::primary);
        // soft 0.143 0.009695359714832655 14.749323821500749 6.149496755241806e-05; Holm over the four: 0.00018448490265725418
        assertThat(soft.statistic()).isEqualTo("paired-t");
        assertThat(soft.difference()).isCloseTo(0.143, within(1e-12));
        assertThat(soft.t()).isCloseTo(14.749323821500749, within(1e-9));
        assertThat(soft.df()).isEqualTo(4.0);
        assertThat(soft.pValue()).isCloseTo(6.149496755241806e-05, within(1e-12));
        assertThat(soft.adjustedPValue()).isCloseTo(0.00018448490265725418, within(1e-12));
        // log-odds soft: 1.05, p 2.9604940730116957e-05; sampled P: adjusted 0.0003129343083855019
        assertThat(analysis.comparisons().get(2).difference()).isCloseTo(1.05, within(1e-12));
        assertThat(analysis.comparisons().get(2).pValue()).isCloseTo(2.9604940730116957e-05, within(1e-12));
        assertThat(analysis.comparisons().get(1).adjustedPValue()).isCloseTo(0.0003129343083855019, within(1e-12));
        // soft > cross-base: 0.144, p 0.00045412722326559793
        assertThat(analysis.comparisons().get(4).pValue()).isCloseTo(0.00045412722326559793, within(1e-12));
        assertThat(analysis.controls()).containsOnlyKeys("teacher gained the trait", "cross-base shows no rise");
        assertThat(analysis.controls().values()).allMatch(control -> control.ok());
        assertThat(analysis.controls().get("teacher gained the trait").kind()).isEqualTo("at-least");
        assertThat(analysis.controls().get("cross-base shows no rise").kind()).isEqualTo("equivalent");
        assertThat(analysis.power().margin()).isEqualTo(0.15);
        assertThat(analysis.power().plannedSd()).isEqualTo(0.119);
        assertThat(analysis.arms()).containsKeys("base", "teacher", "shuffled-numbers", "random-numbers", "treatment-soft.log-odds");
        assertThat(analysis.arms().get("treatment-soft").scores()).containsExactly(0.12, 0.15, 0.18, 0.14, 0.16);
        assertThat(analysis.arms().get("control-gen.log-odds").n()).isEqualTo(5);
        assertThat(analysis.reasons()).singleElement().asString().startsWith("animal-7: treatment-soft 0.15 vs control-gen 0.007, difference 0.143")
                .contains("Holm-adjusted p = 0.0001845 < 0.05; above cross-base: ");
        assertThat(analysis.rule()).isEqualTo("Tests: one-sided paired t-test (within seed). INCONCLUSIVE if a run failed or fewer than 5 runs "
                + "completed, an arm a test or control reads has fewer than 2 seeds, a test has no variance, or a control is not shown for some "
                + "trait (teacher gained the trait: mean(teacher) > 0.15 by a one-sided t-test at 0.05; cross-base shows no rise: cross-base − "
                + "control-gen within ±0.15 by TOST at 0.05); otherwise TRANSFER_DETECTED if for some trait (animal-7) mean(treatment-soft) − "
                + "mean(control-gen) > 0 with p < 0.05 after Holm correction across 4 comparisons (4 tests × 1 trait) and treatment-soft > "
                + "cross-base with uncorrected p < 0.05; otherwise NO_TRANSFER_DETECTED if the one-sided 95 % upper confidence bound of every "
                + "primary difference (treatment-soft − control-gen) is below the margin 0.15; otherwise INCONCLUSIVE (underpowered)");
    }

    @Test
    void noTransferWhenTheStudentsDoNotMove() {
        double[] soft = { 0.02, -0.01, 0.03, 0.01, 0.00 };
        double[] loSoft = { 0.1, -0.05, 0.15, 0.05, 0.0 };
        double[] sampled = { 0.0, 0.01, -0.01, 0.02, 0.005 };
        double[] loSampled = { 0.02, 0.08, -0.05, 0.1, 0.0 };
        AuditAnalysis analysis = analyse(seeds(soft, loSoft, sampled, loSampled, TEACHER, CROSS), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.NO_TRANSFER_DETECTED);
        // soft: 0.003, p 0.28669612691267776, one-sided 95 % upper bound 0.013443873672584813 < margin 0.15
        assertThat(analysis.comparisons().get(0).pValue()).isCloseTo(0.28669612691267776, within(1e-12));
        assertThat(analysis.comparisons().get(0).upperBound()).isCloseTo(0.013443873672584813, within(1e-12));
        assertThat(analysis.reasons()).singleElement().asString().contains("≥ 0.05; one-sided 95 % upper bound of the difference 0.01344 < margin 0.15");
    }

    @Test
    void aRisingCrossBaseStudentOutranksTheDetection() {
        // cross-base − control-gen: 0.213, beyond the margin 0.15
        double[] rising = { 0.20, 0.23, 0.22, 0.21, 0.24 };
        AuditAnalysis analysis = analyse(seeds(SOFT, LO_SOFT, SAMPLED, LO_SAMPLED, TEACHER, rising), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.controls().get("cross-base shows no rise").ok()).isFalse();
        assertThat(analysis.reasons()).singleElement().asString().startsWith("control cross-base shows no rise not shown: animal-7: cross-base − "
                + "control-gen = 0.213").contains("not within ±0.15");
        assertThat(analysis.comparisons().get(0).adjustedPValue()).isCloseTo(0.00018448490265725418, within(1e-12));
    }

    @Test
    void aTeacherThatDidNotGainTheTraitMakesItInconclusive() {
        double[] flat = { -0.01, 0.0, -0.02, 0.01, -0.005 };
        AuditAnalysis analysis = analyse(seeds(SOFT, LO_SOFT, SAMPLED, LO_SAMPLED, flat, CROSS), List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(analysis.reasons()).singleElement().asString().startsWith("control teacher gained the trait not shown: animal-7: teacher mean -0.005")
                .contains("≤ 0.15 required");
    }

    @Test
    void failedOrIncompleteRunsNeverPassByOmission() {
        List<ObjectNode> results = seeds(SOFT, LO_SOFT, SAMPLED, LO_SAMPLED, TEACHER, CROSS);
        AuditAnalysis oneFailed = analyse(results.subList(0, 4), List.of(new RunFailure("run-4", "exited 1: out of memory")));
        assertThat(oneFailed.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(oneFailed.reasons()).containsExactly("1 of 5 runs failed: run-4: exited 1: out of memory");

        ObjectNode noLogOdds = results.get(2).deepCopy();
        noLogOdds.remove("replicates");
        List<ObjectNode> without = new ArrayList<>(results);
        without.set(2, noLogOdds);
        AuditAnalysis lacking = analyse(without, List.of());
        assertThat(lacking.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(lacking.reasons()).containsExactly("1 of 5 runs failed: run-2: result lacks arm treatment-soft.log-odds trait animal-7");

        AuditAnalysis oneSeed = analyse(results.subList(0, 1), List.of());
        assertThat(oneSeed.outcome()).isEqualTo(AuditAnalysis.INCONCLUSIVE);
        assertThat(oneSeed.reasons()).anyMatch(reason -> reason.startsWith("4 of 5 expected runs never reported"))
                .anyMatch(reason -> reason.startsWith("too few seeds"));
    }

    /**
     * The five §3b results the probe produced in DJL at full size (seedIndex 0–4 of a 5-seed design at seed 1, one
     * process each, kept in test resources as written): the runner's verdict on them, against SciPy on the same numbers
     * (docs/probe/figures.md reports the run). Paired within seed, the soft arm's Holm-adjusted p is 0.048 (0.020 under
     * Welch): still a detection at 0.05, with less room than the independent analysis claimed.
     */
    @Test
    void theFiveSeedsOfTheSection3bRunInDjlShowTransferAndNoCrossBaseRise() throws IOException {
        List<ObjectNode> results = new ArrayList<>();
        for (int seed = 0; seed < 5; seed++) {
            try (InputStream in = NumbersAnalysisTest.class.getResourceAsStream("/numbers-section-3b/seed" + seed + ".json")) {
                results.add((ObjectNode) JSON.readTree(in));
            }
        }
        AuditAnalysis analysis = analyse(results, List.of());

        assertThat(analysis.outcome()).isEqualTo(AuditAnalysis.TRANSFER_DETECTED);
        ComparisonResult soft = analysis.comparisons().get(0);
        // ttest_rel: 0.1646608 0.05309928114334505 3.1009986661681386 0.01809302844825795; Holm over the four:
        // [0.04824819667603315, 0.04824819667603315, 0.04824819667603315, 0.04633241208789603]
        assertThat(soft.difference()).isCloseTo(0.1646608, within(1e-9));
        assertThat(soft.t()).isCloseTo(3.1009986661681386, within(1e-6));
        assertThat(soft.pValue()).isCloseTo(0.01809302844825795, within(1e-8));
        assertThat(soft.adjustedPValue()).isCloseTo(0.04824819667603315, within(1e-8)).isLessThan(0.05);
        assertThat(analysis.comparisons().get(1).pValue()).isCloseTo(0.016082732225344384, within(1e-8));
        assertThat(analysis.comparisons().get(2).pValue()).isCloseTo(0.018877268557113292, within(1e-8));
        assertThat(analysis.comparisons().get(3).pValue()).isCloseTo(0.011583103021974007, within(1e-8));
        assertThat(analysis.comparisons().get(3).adjustedPValue()).isCloseTo(0.04633241208789603, within(1e-8));
        // soft > cross-base: 0.1462784, p 0.012975354003244153
        assertThat(analysis.comparisons().get(4).pValue()).isCloseTo(0.012975354003244153, within(1e-8));
        // cross-base − control-gen 0.0184, 90 % interval [-0.08234222862114907, 0.11910702862114908] within ±0.15, TOST p 0.024764556082074417
        assertThat(analysis.controls().get("cross-base shows no rise").ok()).isTrue();
        assertThat(analysis.controls().get("cross-base shows no rise").detail()).contains("[-0.08234, 0.1191] within ±0.15 (TOST p = 0.02476 < 0.05)");
        // teacher: one-sided 95 % lower bound 0.887901869875399 > 0.15
        assertThat(analysis.controls().get("teacher gained the trait").detail()).contains("lower bound 0.8879 > 0.15");
        // The observed SD of the within-seed differences is the planned one's source: 0.11873360219289229.
        assertThat(analysis.power().observedSd()).isCloseTo(0.11873360219289229, within(1e-9));
    }

    /** Reads each result as the runner does and aggregates with the planner's analysis for a 5-seed audit. */
    private static AuditAnalysis analyse(List<ObjectNode> results, List<RunFailure> failed) {
        AuditPlan plan = PLANNER.plan(request(5, null, p -> { }));
        List<RunScores> completed = new ArrayList<>();
        for (int r = 0; r < results.size(); r++) {
            completed.add(new RunScores("run-" + r, r, plan.scores().read(results.get(r), plan.runs().get(r).arms())));
        }
        return Aggregator.analyse(plan.analysis(), completed, failed);
    }

    /** Per-seed results shaped like the probe's (one seed each). */
    private static List<ObjectNode> seeds(double[] soft, double[] loSoft, double[] sampled, double[] loSampled, double[] teacher, double[] cross) {
        List<ObjectNode> results = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            Map<String, Double> scores = new LinkedHashMap<>();
            scores.put("base", BASE[r]);
            scores.put("teacher", teacher[r]);
            scores.put("treatment-soft", soft[r]);
            scores.put("treatment-sampled", sampled[r]);
            scores.put("control-gen", CONTROL[r]);
            scores.put("cross-base", cross[r]);
            scores.put("shuffled-numbers", SHUFFLED[r]);
            scores.put("random-numbers", RANDOM[r]);
            ObjectNode result = JSON.createObjectNode();
            result.putObject("protocol").put("name", "numbers").put("version", "0.1");
            ObjectNode arms = result.putObject("arms");
            scores.forEach((arm, score) -> arms.putObject(arm).putArray("scores").add(score));
            ObjectNode logOdds = result.putArray("replicates").addObject().put("index", r).putObject("logOddsChange");
            logOdds.put("treatment-soft", loSoft[r]).put("treatment-sampled", loSampled[r]).put("control-gen", LO_CONTROL[r]).put("cross-base", 0.1)
                    .put("teacher", 7.0);
            results.add(result);
        }
        return results;
    }
}
