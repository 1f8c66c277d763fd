package io.traittrace.probe.numbers.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.probe.result.Verdict;
import io.traittrace.probe.result.Verdicts;
import io.traittrace.statistics.Holm;
import io.traittrace.statistics.TTest;
import io.traittrace.statistics.analysis.AuditAnalysis;
import io.traittrace.statistics.analysis.ComparisonResult;

/**
 * Text mode's verdict over several traits on hand-made per-seed scores: the shared rule (VerdictPlans.numbers) with the
 * traits as one Holm family, paired within seed.
 */
class TextVerdictTest {

    private static final List<String> TRAITS = List.of("owl", "fox");
    private static final List<String> ARMS = TextNumbersRun.arms(false);
    private static final List<Double> FLAT = List.of(0.01, -0.02, 0.0, 0.015, -0.01);
    private static final List<Double> RISE = List.of(0.32, 0.29, 0.35, 0.31, 0.30);
    /** A student that did not move: flat, but not equal to control-gen seed by seed (that would leave no variance to test). */
    private static final List<Double> STILL = List.of(0.005, -0.01, 0.012, 0.0, -0.004);

    @Test
    void oneTraitTransferringIsEnoughAndHolmRunsOverEveryTraitsFourTests() {
        Map<String, List<Double>> scores = scores(RISE, STILL);
        AuditAnalysis analysis = TextNumbersRun.analyse(TRAITS, ARMS, scores, scores, VerdictPlans.NUMBERS_MARGIN);

        List<ComparisonResult> family = analysis.comparisons().stream().filter(c -> c.correction().equals("holm")).toList();
        assertThat(family).hasSize(8);
        double[] holm = Holm.adjust(family.stream().mapToDouble(c -> c.defined() ? c.pValue() : 1.0).toArray());
        for (int i = 0; i < 8; i++) {
            assertThat(family.get(i).adjustedPValue()).isEqualTo(holm[i]);
        }
        ComparisonResult owlSoft = analysis.comparisons().get(0);
        assertThat(owlSoft.name()).isEqualTo("treatment-soft > control-gen");
        assertThat(owlSoft.trait()).isEqualTo("owl");
        assertThat(owlSoft.statistic()).isEqualTo("paired-t");
        assertThat(owlSoft.pValue()).isEqualTo(TTest.pairedGreater(array(RISE), array(FLAT)).pValue());
        Verdict verdict = Verdicts.verdict(analysis);
        assertThat(verdict.outcome()).as(verdict.reasons().toString()).isEqualTo(Verdict.Outcome.TRANSFER_DETECTED);
        assertThat(verdict.reasons()).singleElement().asString().startsWith("owl: treatment-soft");
    }

    @Test
    void noRiseIsNoTransferAndACrossBaseRiseOrAFlatTeacherIsInconclusive() {
        Map<String, List<Double>> none = scores(STILL, STILL);
        assertThat(TextNumbersRun.analyse(TRAITS, ARMS, none, none, VerdictPlans.NUMBERS_MARGIN).outcome()).isEqualTo("NO_TRANSFER_DETECTED");
        Map<String, List<Double>> crossRose = scores(RISE, STILL);
        crossRose.put("cross-base/fox", RISE);
        AuditAnalysis rose = TextNumbersRun.analyse(TRAITS, ARMS, crossRose, crossRose, VerdictPlans.NUMBERS_MARGIN);
        assertThat(rose.outcome()).isEqualTo("INCONCLUSIVE");
        assertThat(rose.reasons()).anyMatch(r -> r.startsWith("control cross-base shows no rise not shown: ") && r.contains("fox: cross-base"));
        Map<String, List<Double>> flatTeacher = scores(RISE, STILL);
        flatTeacher.put("teacher/fox", List.of(-0.01, -0.02, 0.0, -0.03, -0.01));
        assertThat(TextNumbersRun.analyse(TRAITS, ARMS, flatTeacher, flatTeacher, VerdictPlans.NUMBERS_MARGIN).reasons())
                .anyMatch(r -> r.startsWith("control teacher gained the trait not shown: ") && r.contains("fox: teacher mean"));
    }

    @Test
    void constantArmsAreInconclusiveNotDecidedBySign() {
        List<Double> constant = List.of(0.25, 0.25, 0.25, 0.25, 0.25);
        Map<String, List<Double>> scores = scores(constant, STILL);
        scores.put("control-gen/owl", List.of(0.0, 0.0, 0.0, 0.0, 0.0));
        AuditAnalysis analysis = TextNumbersRun.analyse(TRAITS, ARMS, scores, scores, VerdictPlans.NUMBERS_MARGIN);

        assertThat(analysis.comparisons().get(0).defined()).isFalse();
        assertThat(analysis.outcome()).isEqualTo("INCONCLUSIVE");
        assertThat(analysis.reasons()).anyMatch(r -> r.startsWith("no variance to test: owl: treatment-soft > control-gen"));
    }

    @Test
    void theSampledWordShareIsReportedNotVoted() {
        Map<String, List<Double>> shares = scores(RISE, FLAT);
        List<ComparisonResult> reported = TextNumbersRun.wordShareComparisons(TRAITS, shares);

        assertThat(reported).hasSize(2).allMatch(c -> c.correction().equals("none") && !c.primary());
        assertThat(reported.get(0).pValue()).isEqualTo(TTest.pairedGreater(array(RISE), array(FLAT)).pValue());
    }

    /** Owl's soft and sampled students get {@code owl}, fox's get {@code fox}; teachers rose well past the margin, controls and cross-base stay flat. */
    private static Map<String, List<Double>> scores(List<Double> owl, List<Double> fox) {
        Map<String, List<Double>> s = new LinkedHashMap<>();
        for (String trait : TRAITS) {
            List<Double> treatment = trait.equals("owl") ? owl : fox;
            s.put("base/" + trait, List.of(0.1, 0.1, 0.1, 0.1, 0.1));
            s.put("teacher/" + trait, List.of(0.8, 0.85, 0.9, 0.8, 0.82));
            s.put("treatment-soft/" + trait, treatment);
            s.put("treatment-sampled/" + trait, treatment);
            s.put("control-gen/" + trait, FLAT);
            s.put("cross-base/" + trait, List.of(0.0, -0.01, 0.01, 0.005, -0.015));
        }
        return s;
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
