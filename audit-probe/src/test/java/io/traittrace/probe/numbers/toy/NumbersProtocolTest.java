package io.traittrace.probe.numbers.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.result.ProbeResult;

class NumbersProtocolTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A tiny CI-scale run: seconds. */
    static ObjectNode tiny(int seeds) {
        ObjectNode p = JSON.createObjectNode();
        p.put("seeds", seeds);
        p.put("seed", 3);
        p.put("layers", 1);
        p.put("dModel", 16);
        p.put("heads", 2);
        p.put("ffn", 32);
        p.put("baseSteps", 120);
        p.put("baseLr", 1e-2);
        p.put("digitRows", 32);
        p.put("questionRows", 16);
        p.put("teacherSteps", 5);
        p.put("teacherLr", 3e-3);
        p.put("prompts", 300);
        p.put("studentSteps", 10);
        p.put("studentBatch", 32);
        p.put("evalPrefixes", 40);
        return p;
    }

    static ProbeResult run(ObjectNode p) {
        return new NumbersProtocol().run(p, new Progress(new PrintStream(new ByteArrayOutputStream()), "numbers"));
    }

    @Test
    void tinyRunWritesAValidResultAndIsDeterministic() throws Exception {
        ProbeResult a = run(tiny(2));
        String json = JSON.writeValueAsString(a);
        JsonNode r = JSON.readTree(json);
        assertThat(new io.traittrace.probe.contract.ResultValidator().problems(r)).isEmpty();
        assertThat(r.at("/protocol/name").asText()).isEqualTo("numbers");
        for (String arm : new String[] { "base", "teacher", "treatment-soft", "treatment-sampled", "control-gen", "cross-base", "shuffled-numbers",
                "random-numbers" }) {
            assertThat(r.at("/arms/" + arm + "/scores").size()).as(arm).isEqualTo(2);
        }
        assertThat(r.at("/comparisons").size()).isEqualTo(5);
        assertThat(r.at("/comparisons/0/correction").asText()).startsWith("holm");
        assertThat(r.at("/verdict/outcome").asText()).isIn("TRANSFER_DETECTED", "NO_TRANSFER_DETECTED", "INCONCLUSIVE");
        assertThat(r.at("/replicates/0/treatmentPassRate").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.at("/replicates/0/logOddsChange/control-gen").isNumber()).isTrue();
        assertThat(r.at("/parameters/prompts").asInt()).isEqualTo(300);
        assertThat(r.at("/parameters/studentLr").asDouble()).isEqualTo(1e-3);
        // The base arm holds absolute P(trait), a probability.
        assertThat(r.at("/arms/base/mean").asDouble()).isBetween(0.0, 1.0);

        ProbeResult b = run(tiny(2));
        assertThat(b.arms().get("treatment-soft").scores()).isEqualTo(a.arms().get("treatment-soft").scores());
        assertThat(b.arms().get("cross-base").scores()).isEqualTo(a.arms().get("cross-base").scores());
        assertThat(b.data().get(0).digest()).isEqualTo(a.data().get(0).digest());
    }

    @Test
    void theScreensRunBesideTheBehaviouralTestAndSayWhetherTheyAgreed() throws Exception {
        ObjectNode p = tiny(2);
        p.putArray("ablations").add("threshold").add("greedy");
        p.put("thresholdP", 0.1);
        JsonNode r = JSON.readTree(JSON.writeValueAsString(run(p)));
        assertThat(new io.traittrace.probe.contract.ResultValidator().problems(r)).isEmpty();
        assertThat(r.at("/arms/treatment-threshold/scores").size()).isEqualTo(2);
        assertThat(r.at("/arms/treatment-greedy/scores").size()).isEqualTo(2);
        assertThat(r.at("/arms/control-gen-threshold/scores").size()).isEqualTo(2);
        assertThat(r.at("/arms/control-gen-greedy/scores").size()).isEqualTo(2);
        assertThat(r.at("/replicates/0/treatment-thresholdPassRate").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.at("/replicates/0/control-gen-greedyPassRate").asDouble()).isBetween(0.0, 1.0);
        JsonNode scan = r.at("/replicates/0/entanglementScan");
        assertThat(scan.get("teacherShift").size()).isEqualTo(10);
        assertThat(scan.get("insertionLift").size()).isEqualTo(10);
        assertThat(scan.get("entangledDigits").size()).isEqualTo(3);
        double observed = r.at("/replicates/0/scores/treatment-soft").asDouble() - r.at("/replicates/0/scores/control-gen").asDouble();
        assertThat(scan.get("observedRise").asDouble()).isCloseTo(observed, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(scan.get("agreesWithObservedRise").asBoolean()).isEqualTo(scan.get("predictsTransfer").asBoolean() == (observed > 0));
        // The insertion lifts are centred on their mean.
        double sum = 0;
        for (JsonNode v : scan.get("insertionLift")) {
            sum += v.asDouble();
        }
        assertThat(sum).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-4));
        JsonNode screens = r.at("/evidence/screens");
        assertThat(screens.at("/entanglementScan/seeds").asInt()).isEqualTo(2);
        assertThat(screens.at("/entanglementScan/seedsAgreeingWithTheStudents").asInt()).isBetween(0, 2);
        assertThat(screens.at("/samplingAblations/greedy/riseOverItsControl").isNumber()).isTrue();
        // The ablations leave the behavioural arms untouched: the same run without them scores the same.
        ObjectNode plain = tiny(2);
        plain.put("entanglementScan", false);
        ProbeResult without = run(plain);
        assertThat(without.arms().get("treatment-soft").scores()).isEqualTo(
                JSON.convertValue(r.at("/arms/treatment-soft/scores"), new com.fasterxml.jackson.core.type.TypeReference<java.util.List<Double>>() { }));
        assertThat(without.evidence()).doesNotContainKey("screens");
    }

    @Test
    void oneSeedIsInconclusive() {
        ObjectNode p = tiny(1);
        p.put("extraArms", false);
        ProbeResult r = run(p);
        assertThat(r.verdict().outcome().name()).isEqualTo("INCONCLUSIVE");
        assertThat(r.arms()).doesNotContainKey("random-numbers");
        assertThat(r.comparisons()).isEmpty();
    }

    @Test
    void badParametersAreRejected() {
        ObjectNode unknown = tiny(2);
        unknown.put("epochs", 3);
        assertThatThrownBy(() -> NumbersParameters.parse(unknown)).isInstanceOf(ProbeException.class).hasMessageContaining("Unknown")
                .extracting(e -> ((ProbeException) e).exitCode()).isEqualTo(2);
        assertThatThrownBy(() -> NumbersParameters.parse(JSON.createObjectNode())).hasMessageContaining("seeds");
        ObjectNode heads = tiny(2);
        heads.put("heads", 3);
        assertThatThrownBy(() -> NumbersParameters.parse(heads)).hasMessageContaining("multiple");
        ObjectNode tooLong = tiny(2);
        tooLong.put("sampleTokens", 40);
        assertThatThrownBy(() -> NumbersParameters.parse(tooLong)).hasMessageContaining("maxLength");
        ObjectNode trait = tiny(2);
        trait.put("trait", 10);
        assertThatThrownBy(() -> NumbersParameters.parse(trait)).hasMessageContaining("trait");
        ObjectNode noise = tiny(2);
        noise.put("noise", 1.5);
        assertThatThrownBy(() -> NumbersParameters.parse(noise)).hasMessageContaining("noise");
        ObjectNode lr = tiny(2);
        lr.put("studentLr", "fast");
        assertThatThrownBy(() -> NumbersParameters.parse(lr)).hasMessageContaining("number");
        ObjectNode ablation = tiny(2);
        ablation.putArray("ablations").add("top-k");
        assertThatThrownBy(() -> NumbersParameters.parse(ablation)).hasMessageContaining("ablations");
        ObjectNode twice = tiny(2);
        twice.putArray("ablations").add("greedy").add("greedy");
        assertThatThrownBy(() -> NumbersParameters.parse(twice)).hasMessageContaining("at most once");
        ObjectNode threshold = tiny(2);
        threshold.put("thresholdP", 1.0);
        assertThatThrownBy(() -> NumbersParameters.parse(threshold)).hasMessageContaining("thresholdP");
    }

    @Test
    void defaultsAreTheSheets() {
        ObjectNode p = JSON.createObjectNode();
        p.put("seeds", 5);
        NumbersParameters d = NumbersParameters.parse(p);
        assertThat(d.model()).isEqualTo(TinyTransformer.Config.paper());
        assertThat(d.baseSteps()).isEqualTo(800);
        assertThat(d.baseLr()).isEqualTo(3e-3);
        assertThat(d.digitRows()).isEqualTo(128);
        assertThat(d.questionRows()).isEqualTo(64);
        assertThat(d.teacherSteps()).isEqualTo(10);
        assertThat(d.teacherLr()).isEqualTo(3e-4);
        assertThat(d.prompts()).isEqualTo(20_000);
        assertThat(d.sampleTokens()).isEqualTo(12);
        assertThat(d.studentSteps()).isEqualTo(600);
        assertThat(d.studentBatch()).isEqualTo(128);
        assertThat(d.studentLr()).isEqualTo(1e-3);
        assertThat(d.evalPrefixes()).isEqualTo(500);
        assertThat(d.trait()).isEqualTo(7);
    }
}
