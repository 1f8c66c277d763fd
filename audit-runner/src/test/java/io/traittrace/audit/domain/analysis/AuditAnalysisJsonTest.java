package io.traittrace.audit.domain.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A certificate carries the analysis as plain JSON: fixed field names, null for undefined values, never NaN. */
class AuditAnalysisJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private static final AnalysisPlan PLAN = new AnalysisPlan("numbers", List.of("treatment", "control-gen", "cross-base"), List.of("owl"),
            List.of(new TestSpec("transfer", "treatment", "control-gen", true)), List.of(new ControlSpec.NoTransfer("cross-base", "cross-base", "control-gen")),
            0.01, 0.3, 2);

    @Test
    void anAnalysisSerialisesWithItsFieldNamesAndWithoutNaN() throws Exception {
        // Zero variance everywhere: SciPy would give t = NaN, here t and df are null.
        AuditAnalysis analysis = Aggregator.analyse(PLAN, List.of(run("r1", 1, 0.3, 0.1, 0.1), run("r2", 2, 0.3, 0.1, 0.1)), List.of());

        String json = mapper.writeValueAsString(analysis);
        JsonNode tree = mapper.readTree(json);

        assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(fieldNames(tree)).containsExactlyInAnyOrder("outcome", "rule", "reasons", "arms", "comparisons", "correction", "controls");
        assertThat(tree.get("outcome").asText()).isEqualTo("INCONCLUSIVE");
        assertThat(tree.get("reasons").get(0).asText()).startsWith("no variance to test: owl: transfer");
        assertThat(fieldNames(tree.get("arms"))).containsExactly("treatment", "control-gen", "cross-base");
        assertThat(fieldNames(tree.get("arms").get("treatment"))).containsExactlyInAnyOrder("mean", "sd", "ci95", "n", "scores");
        JsonNode comparison = tree.get("comparisons").get(0);
        assertThat(fieldNames(comparison)).containsExactlyInAnyOrder("name", "trait", "treatment", "control", "alternative", "statistic", "difference", "t",
                "df", "pValue", "correction", "adjustedPValue", "primary");
        assertThat(comparison.get("t").isNull()).isTrue();
        assertThat(comparison.get("df").isNull()).isTrue();
        assertThat(comparison.get("pValue").asDouble()).isZero();
        assertThat(fieldNames(tree.get("controls").get("cross-base"))).containsExactlyInAnyOrder("kind", "ok", "detail");
        assertThat(mapper.readValue(json, AuditAnalysis.class)).isEqualTo(analysis);
    }

    @Test
    void undefinedSpreadIsNullNotNaN() throws Exception {
        AuditAnalysis analysis = Aggregator.analyse(PLAN, List.of(run("r1", 1, 0.6, 0.1, 0.1)), List.of(new RunFailure("r2", "pod OOMKilled")));

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
        AnalysisPlan plan = new AnalysisPlan("canary", List.of("S_aux", "X_aux"), List.of("accuracy"), List.of(new TestSpec("aux", "S_aux", "X_aux", true)),
                List.of(new ControlSpec.NoTransfer("no-rise", "X_aux", "S_aux"), new ControlSpec.Interval("chance", "X_aux", 0.1)), 0.01, 0.3, 5);

        String json = mapper.writeValueAsString(plan);
        JsonNode controls = mapper.readTree(json).get("controls");

        assertThat(controls.get(0).get("kind").asText()).isEqualTo("no-transfer");
        assertThat(fieldNames(controls.get(0))).containsExactlyInAnyOrder("kind", "name", "arm", "baseline");
        assertThat(controls.get(1).get("kind").asText()).isEqualTo("interval");
        assertThat(fieldNames(controls.get(1))).containsExactlyInAnyOrder("kind", "name", "arm", "expected");
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
