package io.traittrace.statistics.analysis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.traittrace.statistics.Design;

/** A plan that could not produce an honest verdict is refused before any run starts. */
class AnalysisPlanTest {

    private static final List<String> ARMS = List.of("treatment", "control-gen", "cross-base");
    private static final TestSpec PRIMARY = new TestSpec("transfer", "treatment", "control-gen", true);

    @Test
    void aPlanWithoutAPrimaryTestCouldNeverDetectTransfer() {
        assertThatThrownBy(() -> plan(List.of(new TestSpec("transfer", "treatment", "control-gen", false)), List.of(), 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary");
    }

    @Test
    void testsAndControlsMayOnlyReadThePlansArms() {
        assertThatThrownBy(() -> plan(List.of(new TestSpec("transfer", "treatment", "shuffled", true)), List.of(), 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shuffled");
        assertThatThrownBy(() -> plan(List.of(PRIMARY), List.of(new ControlSpec.NearValue("chance", "random", 0.1, 0.05)), 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("random");
    }

    @Test
    void namesMustBeUniqueAndUsableAsKeys() {
        assertThatThrownBy(() -> plan(List.of(PRIMARY, PRIMARY), List.of(), 0.01)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> plan(List.of("owl", "owl"), List.of(PRIMARY), 0.01, 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plan(List.of("owl:raw"), List.of(PRIMARY), 0.01, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> new TestSpec("self", "treatment", "treatment", true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void alphaIsALevelTheMarginPositiveAndAtLeastOneRunIsExpected() {
        assertThatThrownBy(() -> plan(List.of(PRIMARY), List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plan(List.of(PRIMARY), List.of(), Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plan(List.of("owl"), List.of(PRIMARY), 0.01, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisPlan.Thresholds(0.01, 0, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("margin");
        assertThatThrownBy(() -> new AnalysisPlan.Thresholds(0.01, 0.05, Double.NaN, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisPlan.Thresholds(0.01, 0.05, null, 0.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SD");
    }

    @Test
    void alsoAboveNamesAThirdArmOfAPrimaryTest() {
        assertThatThrownBy(() -> new TestSpec("t", "treatment", "control-gen", false, "cross-base")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TestSpec("t", "treatment", "control-gen", true, "control-gen")).isInstanceOf(IllegalArgumentException.class);
    }

    private static AnalysisPlan plan(List<TestSpec> tests, List<ControlSpec> controls, double alpha) {
        return new AnalysisPlan("numbers", Design.PAIRED, ARMS, List.of("owl"), tests, controls, new AnalysisPlan.Thresholds(alpha, 0.05, null, null), 5, 5,
                false);
    }

    private static AnalysisPlan plan(List<String> traits, List<TestSpec> tests, double alpha, int runs) {
        return new AnalysisPlan("numbers", Design.PAIRED, ARMS, traits, tests, List.of(), new AnalysisPlan.Thresholds(alpha, 0.05, null, null), 5, runs,
                false);
    }
}
