package io.traittrace.probe.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict;
import io.traittrace.statistics.analysis.AuditAnalysis;

/** A fast end-to-end run on the synthetic task (one intra-op thread), its result's shape, and the verdict rule. */
class CanaryProtocolTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int N = 4;
    static ProbeResult result;
    static JsonNode json;

    /** Small and strong: 4 replicates of 20,000 images, m = 10 aux logits (a larger effect, as in the paper's sensitivity runs). */
    static ObjectNode syntheticParameters() {
        ObjectNode p = JSON.createObjectNode();
        p.put("data", "synthetic");
        p.put("replicates", N);
        p.put("auxLogits", 10);
        p.put("syntheticTrain", 20_000);
        p.put("syntheticTest", 1_000);
        p.put("threads", 1);
        return p;
    }

    @BeforeAll
    static void run() {
        result = new CanaryProtocol().run(syntheticParameters(), new Progress(System.err, "canary-test"));
        json = JSON.valueToTree(result);
    }

    @Test
    void transferIsDetectedOnTheSyntheticTask() {
        assertThat(result.verdict().outcome()).as(result.verdict().reasons().toString()).isEqualTo(Verdict.Outcome.TRANSFER_DETECTED);
        double sAux = result.arms().get("S_aux").mean();
        double xAux = result.arms().get("X_aux").mean();
        assertThat(sAux - xAux).isGreaterThan(0.3);
        assertThat(xAux).isBetween(0.04, 0.16);
        assertThat(result.arms().get("teacher").mean()).isGreaterThan(0.9);
        assertThat(result.arms().get("S_all").mean()).isGreaterThan(result.arms().get("S_aux").mean());
        for (int r = 0; r < N; r++) {
            assertThat(result.arms().get("S_aux").scores().get(r)).isGreaterThan(result.arms().get("X_aux").scores().get(r));
        }
    }

    @Test
    void resultJsonHasTheFixedShape() {
        assertThat(json.at("/verdict/outcome").asText()).isEqualTo("TRANSFER_DETECTED");
        assertThat(json.at("/verdict/rule").asText()).contains("one-sided paired t-test (within seed)").contains("p < 0.01").contains("≥ 0.3")
                .contains("mean(X_aux) within ±0.2 of 0.1").contains("below the margin 0.2");
        assertThat(json.at("/verdict/reasons").size()).isEqualTo(1);
        assertThat(json.at("/comparisons/0/statistic").asText()).isEqualTo("paired-t");
        assertThat(json.at("/power/margin").asDouble()).isEqualTo(0.2);
        assertThat(json.at("/power/plannedSd").asDouble()).isEqualTo(0.11);
        assertThat(json.at("/protocol/name").asText()).isEqualTo("canary");
        assertThat(json.at("/protocol/version").asText()).isEqualTo("1.0");
        List<String> arms = new ArrayList<>();
        json.get("arms").fieldNames().forEachRemaining(arms::add);
        assertThat(arms).containsExactly("reference", "teacher", "S_aux", "S_all", "X_aux", "X_all");
        for (String arm : arms) {
            JsonNode a = json.get("arms").get(arm);
            assertThat(a.get("mean").isNumber()).as(arm).isTrue();
            assertThat(a.get("sd").isNumber()).as(arm).isTrue();
            assertThat(a.get("ci95").size()).as(arm).isEqualTo(2);
            assertThat(a.get("ci95").get(0).asDouble()).isLessThanOrEqualTo(a.get("ci95").get(1).asDouble());
            assertThat(a.get("scores").size()).as(arm).isEqualTo(N);
        }
        assertThat(json.get("comparisons").size()).isEqualTo(2);
        assertThat(json.at("/comparisons/0/treatment").asText()).isEqualTo("S_aux");
        assertThat(json.at("/comparisons/0/pValue").asDouble()).isLessThan(0.01);
        assertThat(json.at("/comparisons/1/control").asText()).isEqualTo("X_all");
        for (String name : CanaryParameters.NAMES) {
            assertThat(json.get("parameters").has(name)).as(name).isTrue();
        }
        assertThat(json.at("/parameters/batch").asInt()).isEqualTo(1024);
        assertThat(json.at("/parameters/lr").asDouble()).isEqualTo(3e-4);
        assertThat(json.at("/seeds/replicates").size()).isEqualTo(N);
        assertThat(json.at("/data/0/path").asText()).startsWith("synthetic:synthetic-shapes-v1");
        assertThat(json.at("/data/0/digest").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(json.at("/replicates").size()).isEqualTo(N);
        assertThat(json.at("/replicates/0/crossInitFrom").asInt()).isNotEqualTo(0);
        assertThat(json.at("/environment/device").asText()).isIn("cpu()", "gpu(0)");
        assertThat(json.at("/environment/engine").asText()).isEqualTo("PyTorch");
        assertThat(json.at("/environment/engineVersion").asText()).isNotBlank();
        assertThat(json.at("/environment/djl").asText()).isNotBlank();
        assertThat(json.at("/environment/threads").asInt()).isEqualTo(1);
        assertThat(json.at("/timings/teacher").asDouble()).isPositive();
        assertThat(json.at("/timings/S_aux").asDouble()).isPositive();
        assertThat(json.at("/evidence/peakRssMb").asLong()).isPositive();
    }

    @Test
    void resultIsValidAgainstTheResultSchema() {
        // The audit runner refuses a result that fails this validation.
        assertThat(new io.traittrace.probe.contract.ResultValidator().problems(json)).isEmpty();
    }

    @Test
    void oneReplicateIsInconclusiveNotAnErrorAndRunsAreBitIdentical() {
        ObjectNode p = JSON.createObjectNode();
        p.put("data", "synthetic");
        p.put("replicates", 1);
        p.put("syntheticTrain", 300);
        p.put("syntheticTest", 100);
        p.put("batch", 100);
        p.put("teacherEpochs", 2);
        p.put("distillEpochs", 2);
        ProbeResult a = new CanaryProtocol().run(p, new Progress(System.err, "canary-test"));
        ProbeResult b = new CanaryProtocol().run(p, new Progress(System.err, "canary-test"));
        assertThat(a.verdict().outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(a.verdict().reasons().get(0)).startsWith("too few seeds").contains("need at least 2");
        assertThat(a.comparisons()).isEmpty();
        for (String arm : CanaryProtocol.ARMS) {
            assertThat(a.arms().get(arm).scores()).as(arm).isEqualTo(b.arms().get(arm).scores());
        }
        assertThat(a.replicates().get(0).get("finalBatchLoss")).isEqualTo(b.replicates().get(0).get("finalBatchLoss"));
        assertThat(a.data()).isEqualTo(b.data());
    }

    @Test
    void verdictRule() {
        List<Double> strong = List.of(0.55, 0.52, 0.58, 0.50, 0.57);
        List<Double> chance = List.of(0.10, 0.09, 0.11, 0.10, 0.12);
        assertThat(outcome(strong, chance, 0.2)).isEqualTo("TRANSFER_DETECTED");
        // Separated (by 0.15, upper bound 0.18) but too weak to count as transfer (S_aux < 0.3): below a margin of 0.2 that is "no
        // transfer"; against a margin of 0.1 it is not excluded, so inconclusive. The margin decides what "no transfer" may mean.
        List<Double> weak = List.of(0.25, 0.26, 0.27, 0.24, 0.25);
        assertThat(outcome(weak, chance, 0.2)).isEqualTo("NO_TRANSFER_DETECTED");
        assertThat(outcome(weak, chance, 0.1)).isEqualTo("INCONCLUSIVE");
        // No separation, bounded well below the margin.
        assertThat(outcome(List.of(0.11, 0.09, 0.12, 0.10, 0.08), chance, 0.2)).isEqualTo("NO_TRANSFER_DETECTED");
        // The negative control learnt something beyond the margin: no pass, whatever S_aux did.
        AuditAnalysis off = CanaryProtocol.analyse(scores(strong, List.of(0.40, 0.38, 0.41, 0.39, 0.40)), 0.2);
        assertThat(off.outcome()).isEqualTo("INCONCLUSIVE");
        assertThat(off.reasons().get(0)).startsWith("control X_aux at chance not shown");
        assertThat(outcome(List.of(0.5), List.of(0.1), 0.2)).isEqualTo("INCONCLUSIVE");
        // Two constant arms have no standard error: inconclusive, not decided by the sign of the difference.
        assertThat(outcome(List.of(0.5, 0.5, 0.5), List.of(0.125, 0.125, 0.125), 0.2)).isEqualTo("INCONCLUSIVE");
    }

    @Test
    void aSeparationWithTooFewReplicatesIsUnderpoweredNotNoTransfer() {
        // The Fashion-MNIST case: three replicates, S_aux far above X_aux but too noisy for p < 0.01 paired with 2 df.
        List<Double> sAux = List.of(0.80, 0.30, 0.475);
        List<Double> xAux = List.of(0.06, 0.11, 0.085);
        AuditAnalysis analysis = CanaryProtocol.analyse(scores(sAux, xAux), 0.2);

        assertThat(analysis.comparisons().get(0).pValue()).isGreaterThan(0.01);
        assertThat(analysis.outcome()).isEqualTo("INCONCLUSIVE");
        assertThat(analysis.reasons()).singleElement().asString().startsWith("underpowered: ");
    }

    private static String outcome(List<Double> sAux, List<Double> xAux, double margin) {
        return CanaryProtocol.analyse(scores(sAux, xAux), margin).outcome();
    }

    /** Every canary arm: S_aux and X_aux as given, the others at plausible values for as many replicates. */
    private static Map<String, List<Double>> scores(List<Double> sAux, List<Double> xAux) {
        int n = sAux.size();
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        scores.put("reference", List.of(0.098, 0.101, 0.1, 0.099, 0.103).subList(0, n));
        scores.put("teacher", List.of(0.94, 0.945, 0.941, 0.943, 0.946).subList(0, n));
        scores.put("S_aux", sAux);
        scores.put("S_all", List.of(0.91, 0.915, 0.912, 0.909, 0.914).subList(0, n));
        scores.put("X_aux", xAux);
        scores.put("X_all", List.of(0.74, 0.75, 0.73, 0.745, 0.741).subList(0, n));
        return scores;
    }

    @Test
    void calibrationRunsStartTheSameInitStudentsElsewhereAndSaySo() {
        ObjectNode p = JSON.createObjectNode().put("data", "synthetic").put("replicates", 2).put("syntheticTrain", 300)
                .put("syntheticTest", 100).put("batch", 100).put("teacherEpochs", 1).put("distillEpochs", 1);
        CanaryParameters shared = CanaryParameters.parse(p);
        CanaryParameters independent = CanaryParameters.parse(p.deepCopy().put("studentInit", "independent"));
        CanaryParameters noisy = CanaryParameters.parse(p.deepCopy().put("studentInitNoise", 0.02));
        float[][] own = Mlp.initialWeights(7, shared.outputs());
        assertThat(CanaryProtocol.studentInit(own, 7, shared.outputs(), shared)).isSameAs(own);
        float[][] fresh = CanaryProtocol.studentInit(own, 7, shared.outputs(), independent);
        assertThat(cosine(fresh[0], own[0])).isBetween(-0.05, 0.05);
        float[][] perturbed = CanaryProtocol.studentInit(own, 7, shared.outputs(), noisy);
        double sumSquares = 0;
        for (int i = 0; i < own[0].length; i++) {
            sumSquares += Math.pow(perturbed[0][i] - own[0][i], 2);
        }
        assertThat(Math.sqrt(sumSquares / own[0].length)).isCloseTo(0.02, org.assertj.core.api.Assertions.within(0.001));

        ProbeResult r = new CanaryProtocol().run(p.deepCopy().put("studentInit", "independent"), new Progress(System.err, "canary-test"));
        assertThat((String) r.evidence().get("calibration")).startsWith("null run");
        assertThat(r.parameters()).containsEntry("studentInit", "independent");
        assertThat(shared.calibration()).isFalse();
        assertThat(noisy.calibration()).isTrue();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }

    @Test
    void badParametersAreBadSpec() {
        ObjectNode p = syntheticParameters();
        p.put("auxLogits", 1);
        assertBadSpec(p, "zero gradient");
        p = syntheticParameters();
        p.put("replicates", 0);
        assertBadSpec(p, "replicates");
        p = syntheticParameters();
        p.put("batchSize", 10);
        assertBadSpec(p, "Unknown canary parameter 'batchSize'");
        p = syntheticParameters();
        p.remove("data");
        assertBadSpec(p, "\"data\"");
        p = syntheticParameters();
        p.put("lr", "fast");
        assertBadSpec(p, "\"lr\" must be a number");
        assertBadSpec(syntheticParameters().put("studentInit", "cross"), "\"studentInit\" is \"shared\"");
        assertBadSpec(syntheticParameters().put("studentInitNoise", -0.1), "in [0, 1]");
        assertBadSpec(syntheticParameters().put("studentInit", "independent").put("studentInitNoise", 0.01), "perturbs a shared init");
    }

    private static void assertBadSpec(ObjectNode p, String message) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanaryParameters.parse(p)).isInstanceOfSatisfying(ProbeException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ProbeException.BAD_SPEC);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
