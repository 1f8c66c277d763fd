package io.traittrace.audit.domain.analysis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

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
        assertThatThrownBy(() -> plan(List.of(PRIMARY), List.of(new ControlSpec.Interval("chance", "random", 0.1)), 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("random");
    }

    @Test
    void namesMustBeUniqueAndUsableAsKeys() {
        assertThatThrownBy(() -> plan(List.of(PRIMARY, PRIMARY), List.of(), 0.01)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new AnalysisPlan("numbers", ARMS, List.of("owl", "owl"), List.of(PRIMARY), List.of(), 0.01, null, 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisPlan("numbers", ARMS, List.of("owl:raw"), List.of(PRIMARY), List.of(), 0.01, null, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> new TestSpec("self", "treatment", "treatment", true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void alphaIsALevelAndAtLeastOneRunIsExpected() {
        assertThatThrownBy(() -> plan(List.of(PRIMARY), List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plan(List.of(PRIMARY), List.of(), Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisPlan("numbers", ARMS, List.of("owl"), List.of(PRIMARY), List.of(), 0.01, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisPlan("numbers", ARMS, List.of("owl"), List.of(PRIMARY), List.of(), 0.01, Double.NaN, 5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static AnalysisPlan plan(List<TestSpec> tests, List<ControlSpec> controls, double alpha) {
        return new AnalysisPlan("numbers", ARMS, List.of("owl"), tests, controls, alpha, null, 5);
    }
}
