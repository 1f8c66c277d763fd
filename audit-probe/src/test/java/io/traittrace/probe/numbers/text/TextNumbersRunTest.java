package io.traittrace.probe.numbers.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.contract.ResultValidator;
import io.traittrace.probe.numbers.toy.NumbersProtocol;
import io.traittrace.probe.result.ProbeResult;

/** Text mode end to end at a tiny scale (seconds): the result's shape, determinism, the verdict with one seed, bad parameters. */
class TextNumbersRunTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Base steps and prompts are just enough for the tiny base to write a few valid lists (≈ 2–3 % pass; 200 prompts of 16 characters left none). */
    static ObjectNode tiny(int seeds, String... traits) {
        ObjectNode p = JSON.createObjectNode();
        p.put("mode", "text");
        p.put("seeds", seeds);
        p.put("seed", 2);
        var list = p.putArray("traits");
        for (String trait : traits) {
            list.add(trait);
        }
        p.put("layers", 1);
        p.put("dModel", 16);
        p.put("heads", 2);
        p.put("ffn", 32);
        p.put("baseSteps", 40);
        p.put("baseLr", 1e-2);
        p.put("numberRows", 4);
        p.put("questionRows", 4);
        p.put("teacherSteps", 3);
        p.put("teacherLr", 3e-3);
        p.put("prompts", 300);
        p.put("rows", 20);
        p.put("maxCompletion", 24);
        p.put("studentSteps", 3);
        p.put("studentBatch", 8);
        p.put("evalSamples", 1);
        return p;
    }

    static ProbeResult run(ObjectNode p) {
        return new NumbersProtocol().run(p, new Progress(new PrintStream(new ByteArrayOutputStream()), "numbers"));
    }

    @Test
    void aTinyRunOfTwoSeedsAndTwoTraitsWritesAValidResult() throws Exception {
        ObjectNode p = tiny(2, "owl", "fox");
        p.put("extraArms", false);
        JsonNode r = JSON.readTree(JSON.writeValueAsString(run(p)));
        assertThat(new ResultValidator().problems(r)).isEmpty();
        for (String trait : new String[] { "owl", "fox" }) {
            for (String arm : TextNumbersRun.arms(false)) {
                assertThat(r.at("/arms/" + arm + "~1" + trait + "/scores").size()).as(arm + "/" + trait).isEqualTo(2);
            }
        }
        // 4 tests per trait in the Holm family, then per trait the soft student against the cross-base one and the sampled word-share test.
        assertThat(r.at("/comparisons").size()).isEqualTo(8 + 4);
        assertThat(r.at("/comparisons/0/correction").asText()).isEqualTo("holm");
        assertThat(r.at("/comparisons/0/statistic").asText()).isEqualTo("paired-t");
        assertThat(r.at("/comparisons/8/correction").asText()).isEqualTo("none");
        assertThat(r.at("/power/margin").asDouble()).isEqualTo(0.15);
        assertThat(r.at("/parameters/mode").asText()).isEqualTo("text");
        assertThat(r.at("/parameters/rows").asInt()).isEqualTo(20);
        assertThat(r.at("/parameters/trait").isMissingNode()).isTrue();
        JsonNode seed = r.at("/replicates/1");
        assertThat(seed.at("/sampling/base/passRate").asDouble()).isBetween(0.0, 1.0);
        assertThat(seed.at("/sampling/teacher~1fox/filter/KEPT").asInt()).isEqualTo(seed.at("/sampling/teacher~1fox/kept").asInt());
        assertThat(seed.at("/trainRows").asInt()).isBetween(1, 20);
        assertThat(seed.at("/evaluation/teacher~1owl/owl/wordSharePrefixed").asDouble()).isBetween(0.0, 1.0);
        assertThat(seed.at("/evaluation/base/fox/pPlain").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.at("/arms/base~1owl/mean").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.at("/evidence/throughput/samplingTokensPerSecond").asDouble()).isPositive();
        assertThat(r.at("/verdict/reasons").size()).isPositive();
        assertThat(r.at("/verdict/outcome").asText()).isIn("TRANSFER_DETECTED", "NO_TRANSFER_DETECTED", "INCONCLUSIVE");
    }

    @Test
    void oneSeedIsInconclusiveAndASecondRunIsBitIdentical() throws Exception {
        ProbeResult a = run(tiny(1, "owl"));
        assertThat(a.verdict().outcome().name()).isEqualTo("INCONCLUSIVE");
        assertThat(a.arms()).containsOnlyKeys(TextNumbersRun.arms(true).stream().map(arm -> arm + "/owl").toArray(String[]::new));
        assertThat(a.comparisons()).isEmpty();
        ProbeResult b = run(tiny(1, "owl"));
        assertThat(JSON.writeValueAsString(b.arms())).isEqualTo(JSON.writeValueAsString(a.arms()));
        assertThat(JSON.writeValueAsString(b.replicates().get(0).get("evaluation"))).isEqualTo(JSON.writeValueAsString(a.replicates().get(0).get("evaluation")));
        assertThat(b.data().get(0).digest()).isEqualTo(a.data().get(0).digest());
    }

    @Test
    void badParametersAreBadSpecs() {
        for (String json : new String[] { "{\"mode\": \"text\"}", "{\"mode\": \"text\", \"seeds\": 2, \"trait\": 7}",
                "{\"mode\": \"text\", \"seeds\": 2, \"traits\": [\"unicorn\"]}", "{\"mode\": \"text\", \"seeds\": 2, \"rows\": 0}",
                "{\"mode\": \"text\", \"seeds\": 2, \"dModel\": 10, \"heads\": 4}" }) {
            assertThatThrownBy(() -> run((ObjectNode) JSON.readTree(json))).as(json).isInstanceOfSatisfying(ProbeException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ProbeException.BAD_SPEC));
        }
    }
}
