package io.traittrace.statistics.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.traittrace.statistics.Design;

/** A certificate carries the analysis as plain JSON: fixed field names, null for undefined values, never NaN. */
class AuditAnalysisJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private static final AnalysisPlan PLAN = new AnalysisPlan("numbers", Design.PAIRED, List.of("treatment", "control-gen", "cross-base"), List.of("owl"),
            List.of(new TestSpec("transfer", "treatment", "control-gen", true)),
            List.of(new ControlSpec.Equivalent("cross-base", "cross-base", "control-gen", 0.05)), new AnalysisPlan.Thresholds(0.01, 0.05, 0.3, 0.02), 2, 2,
            false);

    @Test
    void anAnalysisSerialisesWithItsFieldNamesAndWithoutNaN() throws Exception {
        // Zero variance everywhere: SciPy would give t = NaN, here t, p and the bound are null and the audit is inconclusive.
        AuditAnalysis analysis = Aggregator.analyse(PLAN, List.of(run("r1", 0, 0.3, 0.1, 0.1), run("r2", 1, 0.3, 0.1, 0.1)), List.of());

        String json = mapper.writeValueAsString(analysis);
        JsonNode tree = mapper.readTree(json);

        assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(fieldNames(tree)).containsExactlyInAnyOrder("outcome", "rule", "reasons", "arms", "comparisons", "correction", "controls", "power");
        assertThat(tree.get("outcome").asText()).isEqualTo("INCONCLUSIVE");
        assertThat(fieldNames(tree.get("arms"))).containsExactly("treatment", "control-gen", "cross-base");
        assertThat(fieldNames(tree.get("arms").get("treatment"))).containsExactlyInAnyOrder("mean", "sd", "ci95", "n", "seeds", "scores");
        JsonNode comparison = tree.get("comparisons").get(0);
        assertThat(fieldNames(comparison)).containsExactlyInAnyOrder("name", "trait", "treatment", "control", "alternative", "statistic", "n", "difference",
                "standardError", "t", "df", "pValue", "signFlipPValue", "upperBound", "correction", "adjustedPValue", "primary");
        assertThat(comparison.get("statistic").asText()).isEqualTo("paired-t");
        assertThat(comparison.get("t").isNull()).isTrue();
        assertThat(comparison.get("pValue").isNull()).isTrue();
        assertThat(comparison.get("upperBound").isNull()).isTrue();
        assertThat(comparison.get("df").asDouble()).isEqualTo(1.0);
        assertThat(fieldNames(tree.get("power"))).containsExactlyInAnyOrder("design", "seeds", "margin", "alpha", "target", "mdeLevel", "plannedSd",
                "plannedPower", "plannedMde", "observedSd", "observedPower", "observedMde");
        assertThat(fieldNames(tree.get("controls").get("cross-base"))).containsExactlyInAnyOrder("kind", "ok", "detail");
        assertThat(mapper.readValue(json, AuditAnalysis.class)).isEqualTo(analysis);
    }

    @Test
    void undefinedSpreadIsNullNotNaN() throws Exception {
        AuditAnalysis analysis = Aggregator.analyse(PLAN, List.of(run("r1", 0, 0.6, 0.1, 0.1)), List.of(new RunFailure("r2", "pod OOMKilled")));

        String json = mapper.writeValueAsString(analysis);
        JsonNode treatment = mapper.readTree(json).get("arms").get("treatment");

        assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(treatment.get("sd").isNull()).isTrue();
        assertThat(treatment.get("ci95").isNull()).isTrue();
        assertThat(treatment.get("n").asInt()).isEqualTo(1);
        assertThat(mapper.readValue(json, AuditAnalysis.class)).isEqualTo(analysis);
    }

    @Test
    void aPlansControlsCarryTheirKindAndReadBack() throws Exception {
        AnalysisPlan plan = new AnalysisPlan("canary", Design.PAIRED, List.of("S_aux", "X_aux", "teacher"), List.of("accuracy"),
                List.of(new TestSpec("aux", "S_aux", "X_aux", true)), List.of(new ControlSpec.Equivalent("no-rise", "X_aux", "S_aux", 0.05),
                        new ControlSpec.NearValue("chance", "X_aux", 0.1, 0.05), new ControlSpec.AtLeast("learned", "teacher", 0.5)),
                new AnalysisPlan.Thresholds(0.01, 0.05, 0.3, null), 5, 5, false);

        String json = mapper.writeValueAsString(plan);
        JsonNode controls = mapper.readTree(json).get("controls");

        assertThat(controls.get(0).get("kind").asText()).isEqualTo("equivalent");
        assertThat(fieldNames(controls.get(0))).containsExactlyInAnyOrder("kind", "name", "arm", "baseline", "margin");
        assertThat(controls.get(1).get("kind").asText()).isEqualTo("near-value");
        assertThat(fieldNames(controls.get(1))).containsExactlyInAnyOrder("kind", "name", "arm", "expected", "margin");
        assertThat(controls.get(2).get("kind").asText()).isEqualTo("at-least");
        assertThat(mapper.readValue(json, AnalysisPlan.class)).isEqualTo(plan);
    }

    private static RunScores run(String runId, int seed, double treatment, double controlGen, double crossBase) {
        return new RunScores(runId, seed, Map.of("treatment", Map.of("owl", treatment), "control-gen", Map.of("owl", controlGen), "cross-base",
                Map.of("owl", crossBase)));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
