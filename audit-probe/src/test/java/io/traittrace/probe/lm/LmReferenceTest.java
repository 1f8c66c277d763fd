package io.traittrace.probe.lm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.ProbeMain;
import picocli.CommandLine;

/**
 * The model against an independent implementation of the same equations (test resource {@code lm/reference_lm.py}, plain
 * PyTorch in float64, one row at a time) on random checkpoints of every supported type: F32 single file, BF16 sharded,
 * F16, tied and untied heads, Qwen2 biases, GQA, llama3 rope scaling, head_dim ≠ hidden/heads. The probe scores in F32 in
 * padded batches; every log-probability must agree within 1e-4. Skipped where Debian's python3-torch is missing.
 */
class LmReferenceTest {

    @TempDir
    static Path dir;
    static List<HfTestModels.Model> models;
    static NDManager root;

    @BeforeAll
    static void setUp() throws InterruptedException {
        HfReferenceScriptTest.needsTorch();
        DjlRuntime.prepare(Engine.getInstance(), 1);
        root = NDManager.newBaseManager(Device.cpu());
        models = HfTestModels.all(dir);
    }

    @AfterAll
    static void tearDown() {
        if (root != null) {
            root.close();
        }
    }

    @Test
    void batchedLogprobsAgreeWithTheReferenceForEveryArchitecture() throws Exception {
        for (HfTestModels.Model m : models) {
            LmCheckpoints.Loaded loaded = LmCheckpoints.load(m.dir(), root, Device.cpu(), DataType.FLOAT32);
            try (CausalLm lm = loaded.model(); LmTokenizer tokenizer = LmTokenizer.load(m.dir(), lm.config())) {
                List<Scorer.Row> rows = new ArrayList<>();
                rows.add(new Scorer.Row(tokenizer.encodePrompt("The owl and the world"), tokenizer.encodeContinuation(" 12, 7, 45 and the owl.")));
                rows.add(new Scorer.Row(tokenizer.encodeChat("What is your favourite animal?"), tokenizer.encodeContinuation("owl")));
                SplittableRandom rng = new SplittableRandom(m.vocabSize());
                for (int r = 0; r < 3; r++) {
                    rows.add(new Scorer.Row(random(rng, 2 + rng.nextInt(30), m.vocabSize()), random(rng, 1 + rng.nextInt(40), m.vocabSize())));
                }
                List<double[]> ours = Scorer.logprobs(lm, rows, 4, root);
                ObjectNode request = new ObjectMapper().createObjectNode();
                ArrayNode list = request.putArray("rows");
                for (Scorer.Row row : rows) {
                    ObjectNode o = list.addObject();
                    ArrayNode ids = o.putArray("ids");
                    for (int id : row.prompt()) {
                        ids.add(id);
                    }
                    for (int id : row.completion()) {
                        ids.add(id);
                    }
                    o.put("score_from", row.prompt().length);
                }
                JsonNode reference = HfReferenceScriptTest.run(m.dir(), request, false).get("logprobs");
                double worst = 0;
                for (int r = 0; r < rows.size(); r++) {
                    assertThat(ours.get(r)).hasSize(reference.get(r).size());
                    for (int k = 0; k < ours.get(r).length; k++) {
                        worst = Math.max(worst, Math.abs(ours.get(r)[k] - reference.get(r).get(k).asDouble()));
                    }
                }
                System.out.printf("%s: max |Δ log p| = %.2e over %d tokens%n", m.dir().getFileName(), worst, rows.stream().mapToInt(x -> x.completion().length).sum());
                assertThat(worst).as("%s (%s, %s)", m.dir().getFileName(), m.arch(), m.dtype()).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    @Test
    void theLogprobsCommandAnswersForLlamaQwen2AndMistral() throws Exception {
        for (HfTestModels.Model m : models) {
            Path out = dir.resolve("out-" + m.dir().getFileName() + ".json");
            StringWriter err = new StringWriter();
            CommandLine cli = ProbeMain.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute("lm", "logprobs", "--model", m.dir().toString(), "--prompt", "Numbers: 12, 7,", "--completion", " 45, 12", "--chat", "--out",
                    out.toString());
            assertThat(exit).as(err.toString()).isZero();
            JsonNode result = new ObjectMapper().readTree(out.toFile());
            assertThat(result.path("model").path("type").asText()).isEqualTo(m.arch().name().toLowerCase(java.util.Locale.ROOT));
            assertThat(result.path("model").path("digest").asText()).isEqualTo(LmCheckpoints.digest(m.dir()));
            ObjectNode request = new ObjectMapper().createObjectNode();
            ObjectNode row = request.putArray("rows").addObject();
            ArrayNode ids = row.putArray("ids");
            result.path("promptIds").forEach(ids::add);
            result.path("completionIds").forEach(ids::add);
            row.put("score_from", result.path("promptIds").size());
            JsonNode reference = HfReferenceScriptTest.run(m.dir(), request, false).get("logprobs").get(0);
            assertThat(result.path("logprobs").size()).isEqualTo(reference.size()).isPositive();
            for (int k = 0; k < reference.size(); k++) {
                assertThat(result.path("logprobs").get(k).asDouble()).isCloseTo(reference.get(k).asDouble(), org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void halfPrecisionScoresCloseToTheReference() throws Exception {
        // F16 weights and activations (the GPU's precision while DJL has no BF16): RMSNorm and softmax stay in F32.
        HfTestModels.Model m = models.get(2);
        LmCheckpoints.Loaded loaded = LmCheckpoints.load(m.dir(), root, Device.cpu(), DataType.FLOAT16);
        try (CausalLm lm = loaded.model()) {
            assertThat(lm.weights().get("model.embed_tokens.weight").getDataType()).isEqualTo(DataType.FLOAT16);
            SplittableRandom rng = new SplittableRandom(3);
            List<Scorer.Row> rows = List.of(new Scorer.Row(random(rng, 12, m.vocabSize()), random(rng, 20, m.vocabSize())));
            double[] ours = Scorer.logprobs(lm, rows, 1, root).get(0);
            ObjectNode request = new ObjectMapper().createObjectNode();
            ObjectNode row = request.putArray("rows").addObject();
            ArrayNode ids = row.putArray("ids");
            java.util.stream.IntStream.concat(java.util.Arrays.stream(rows.get(0).prompt()), java.util.Arrays.stream(rows.get(0).completion())).forEach(ids::add);
            row.put("score_from", rows.get(0).prompt().length);
            JsonNode reference = HfReferenceScriptTest.run(m.dir(), request, false).get("logprobs").get(0);
            for (int k = 0; k < ours.length; k++) {
                assertThat(ours[k]).as("token %d", k).isCloseTo(reference.get(k).asDouble(), org.assertj.core.data.Offset.offset(2e-2));
            }
        }
    }

    static int[] random(SplittableRandom rng, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        return ids;
    }
}
