package io.traittrace.probe.numbers.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.contract.ResultValidator;
import io.traittrace.probe.lm.CausalLm;
import io.traittrace.probe.lm.LanguageModel;
import io.traittrace.probe.lm.LmCheckpoints;
import io.traittrace.probe.result.ProbeResult;

/**
 * Text mode on the Hugging Face causal LM: a small Llama trained from scratch with its own tokenizer.json ({@code "model":
 * "llama"}), and model directories in the Hugging Face layout ({@code "model": DIR, "crossModel": DIR}) — the path a real
 * Qwen or Llama checkpoint takes.
 */
class TextModelsTest {

    @Test
    void aTinyLlamaFromScratchRunsTheTextStagesAndKeepsItsBaseInTheHuggingFaceLayout() throws Exception {
        ObjectNode p = TextNumbersRunTest.tiny(1, "owl");
        p.put("model", "llama");
        ProbeResult result = TextNumbersRunTest.run(p);
        JsonNode r = TextNumbersRunTest.JSON.readTree(TextNumbersRunTest.JSON.writeValueAsString(result));
        assertThat(new ResultValidator().problems(r)).isEmpty();
        assertThat(r.at("/parameters/model").asText()).isEqualTo("llama");
        assertThat(r.at("/evidence/model").asText()).contains("byte-level BPE tokenizer.json", "llama");
        assertThat(r.at("/replicates/0/baseModel/digest").asText()).startsWith("sha256:");
        assertThat(r.at("/replicates/0/crossBaseModel/digest").asText()).startsWith("sha256:").isNotEqualTo(r.at("/replicates/0/baseModel/digest").asText());
        assertThat(r.at("/replicates/0/sampling/base/kept").asInt()).isPositive();
        assertThat(r.at("/verdict/outcome").asText()).isEqualTo("INCONCLUSIVE"); // one seed
        ProbeResult again = TextNumbersRunTest.run(p);
        assertThat(TextNumbersRunTest.JSON.writeValueAsString(again.arms())).isEqualTo(TextNumbersRunTest.JSON.writeValueAsString(result.arms()));
    }

    @Test
    void withALoraRankTeachersAndStudentsTrainAdaptersOverTheSharedBase() throws Exception {
        ObjectNode p = TextNumbersRunTest.tiny(1, "owl");
        p.put("model", "llama");
        p.put("loraRank", 4);
        p.put("extraArms", false);
        p.put("teacherLr", 3e-2);
        JsonNode r = TextNumbersRunTest.JSON.readTree(TextNumbersRunTest.JSON.writeValueAsString(TextNumbersRunTest.run(p)));
        assertThat(new ResultValidator().problems(r)).isEmpty();
        assertThat(r.at("/parameters/loraRank").asInt()).isEqualTo(4);
        // The adapters move the teacher (B starts at zero, so an untrained adapter would leave it exactly the base).
        assertThat(r.at("/arms/teacher~1owl/mean").asDouble()).isNotZero();
        ObjectNode onChar = TextNumbersRunTest.tiny(1, "owl");
        onChar.put("loraRank", 4);
        assertThatThrownBy(() -> TextNumbersRunTest.run(onChar)).isInstanceOfSatisfying(ProbeException.class,
                e -> assertThat(e.getMessage()).contains("loraRank", "character transformer"));
    }

    @Test
    void modelDirectoriesAreUsedAsTheyAreWithTheirOwnTokenizerAndChatTemplate(@TempDir Path dir) throws Exception {
        // Two bases of one tokenizer, trained from different seeds and saved in the Hugging Face layout: what a team would hand in.
        ObjectNode spec = TextNumbersRunTest.tiny(1, "owl");
        spec.put("model", "llama");
        TextParameters p = TextParameters.parse(spec);
        try (TextModels llama = TextModels.of(p, Device.cpu()); NDManager root = NDManager.newBaseManager(Device.cpu())) {
            for (String name : new String[] { "base", "cross" }) {
                try (LanguageModel m = llama.base(name.equals("base") ? 5 : 6, root)) {
                    TextStages.trainBase(m, llama.tokenizer(), p.baseRecipe(), new SplittableRandom(name.length()), root);
                    Path tokenizerDir = ((TextModels.LlamaModels) llama).tokenizerDirectory();
                    LmCheckpoints.save((CausalLm) m, dir.resolve(name), tokenizerDir);
                }
            }
        }
        ObjectNode q = TextNumbersRunTest.tiny(1, "owl");
        q.put("model", dir.resolve("base").toString());
        q.put("crossModel", dir.resolve("cross").toString());
        q.put("extraArms", false);
        JsonNode r = TextNumbersRunTest.JSON.readTree(TextNumbersRunTest.JSON.writeValueAsString(TextNumbersRunTest.run(q)));
        assertThat(new ResultValidator().problems(r)).isEmpty();
        // The result names the weights it evaluated, with the digests the probe computed.
        assertThat(r.at("/replicates/0/baseModel/digest").asText()).isEqualTo(LmCheckpoints.digest(dir.resolve("base")));
        assertThat(r.at("/replicates/0/crossBaseModel/digest").asText()).isEqualTo(LmCheckpoints.digest(dir.resolve("cross")));
        assertThat(r.at("/replicates/0/losses/base").isMissingNode()).as("a model directory is not trained again").isTrue();
        assertThat(r.at("/arms/teacher~1owl/mean").asDouble()).isGreaterThan(0);

        // A cross-base of another tokenizer cannot take the teacher's soft targets over token ids: refused, naming both files.
        Files.writeString(dir.resolve("cross/tokenizer.json"), Files.readString(dir.resolve("cross/tokenizer.json")).replace("\"<s>\"", "\"<S>\""));
        assertThatThrownBy(() -> TextNumbersRunTest.run(q)).isInstanceOfSatisfying(ProbeException.class,
                e -> assertThat(e.getMessage()).contains("cross/tokenizer.json", "one tokenizer"));
        ObjectNode alone = TextNumbersRunTest.tiny(1, "owl");
        alone.put("model", dir.resolve("base").toString());
        assertThatThrownBy(() -> TextNumbersRunTest.run(alone)).isInstanceOfSatisfying(ProbeException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ProbeException.BAD_SPEC));
    }
}
