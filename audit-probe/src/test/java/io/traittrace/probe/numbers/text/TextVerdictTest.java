package io.traittrace.probe.numbers.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.traittrace.probe.result.Comparison;
import io.traittrace.probe.result.Verdict;
import io.traittrace.statistics.Holm;
import io.traittrace.statistics.TTest;

/** Text mode's comparisons and verdict on fixed per-seed scores: Holm across traits, the per-trait rule. */
class TextVerdictTest {

    private static final List<String> TRAITS = List.of("owl", "fox");
    private static final List<Double> FLAT = List.of(0.01, -0.02, 0.0, 0.015, -0.01);
    private static final List<Double> RISE = List.of(0.12, 0.09, 0.15, 0.11, 0.10);

    @Test
    void oneTraitTransferringIsEnoughAndHolmRunsOverEveryTraitsFourTests() {
        Map<String, List<Double>> scores = scores(RISE, FLAT);
        List<Comparison> comparisons = TextNumbersRun.comparisons(TRAITS, scores, scores, scores);
        assertThat(comparisons).hasSize(8 + 4);
        double[] raw = comparisons.subList(0, 8).stream().mapToDouble(Comparison::pValue).toArray();
        double[] holm = Holm.adjust(raw);
        for (int i = 0; i < 8; i++) {
            assertThat(comparisons.get(i).correction()).isEqualTo("holm (8 tests)");
            assertThat(comparisons.get(i).adjustedPValue()).isEqualTo(holm[i]);
        }
        Comparison owlSoft = comparisons.get(0);
        assertThat(owlSoft.name()).isEqualTo("treatment-soft/owl > control-gen/owl (P(trait) change)");
        assertThat(owlSoft.pValue()).isEqualTo(TTest.welchGreater(array(RISE), array(FLAT)).pValue());
        Verdict verdict = TextNumbersRun.verdict(TRAITS, scores, comparisons);
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.TRANSFER_DETECTED);
        assertThat(verdict.reasons()).hasSize(8).anyMatch(r -> r.startsWith("fox: treatment-soft"));
    }

    @Test
    void noRiseIsNoTransferAndACrossBaseRiseOrAFlatTeacherIsInconclusive() {
        Map<String, List<Double>> none = scores(FLAT, FLAT);
        assertThat(TextNumbersRun.verdict(TRAITS, none, TextNumbersRun.comparisons(TRAITS, none, none, none)).outcome())
                .isEqualTo(Verdict.Outcome.NO_TRANSFER_DETECTED);
        Map<String, List<Double>> crossRose = scores(RISE, FLAT);
        crossRose.put("cross-base/fox", RISE);
        assertThat(TextNumbersRun.verdict(TRAITS, crossRose, TextNumbersRun.comparisons(TRAITS, crossRose, crossRose, crossRose)).outcome())
                .isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        Map<String, List<Double>> flatTeacher = scores(RISE, FLAT);
        flatTeacher.put("teacher/fox", List.of(-0.01, -0.02, 0.0, -0.03, -0.01));
        assertThat(TextNumbersRun.verdict(TRAITS, flatTeacher, TextNumbersRun.comparisons(TRAITS, flatTeacher, flatTeacher, flatTeacher)).outcome())
                .isEqualTo(Verdict.Outcome.INCONCLUSIVE);
    }

    @Test
    void constantArmsAreInconclusiveNotDecidedBySign() {
        List<Double> constant = List.of(0.2, 0.2, 0.2, 0.2, 0.2);
        Map<String, List<Double>> scores = scores(constant, FLAT);
        scores.put("control-gen/owl", List.of(0.0, 0.0, 0.0, 0.0, 0.0));
        List<Comparison> comparisons = TextNumbersRun.comparisons(TRAITS, scores, scores, scores);

        assertThat(comparisons.get(0).defined()).isFalse();
        Verdict verdict = TextNumbersRun.verdict(TRAITS, scores, comparisons);
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(verdict.reasons()).anyMatch(r -> r.startsWith("owl: an arm pair is constant across seeds"));
    }

    /** Owl's soft and sampled students get {@code owl}, fox's get {@code fox}; teachers rose, controls and cross-base stay flat. */
    private static Map<String, List<Double>> scores(List<Double> owl, List<Double> fox) {
        Map<String, List<Double>> s = new LinkedHashMap<>();
        for (String trait : TRAITS) {
            List<Double> treatment = trait.equals("owl") ? owl : fox;
            s.put("base/" + trait, List.of(0.1, 0.1, 0.1, 0.1, 0.1));
            s.put("teacher/" + trait, List.of(0.8, 0.85, 0.9, 0.8, 0.82));
            s.put("treatment-soft/" + trait, treatment);
            s.put("treatment-sampled/" + trait, treatment);
            s.put("control-gen/" + trait, FLAT);
            s.put("cross-base/" + trait, FLAT);
        }
        return s;
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
