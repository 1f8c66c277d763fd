package io.traittrace.probe.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.lm.HfTestModels.Model;
import io.traittrace.probe.safetensors.Dtype;

/**
 * The Python reference ({@code lm/reference_lm.py}) runs on every {@link HfTestModels} variant and answers with
 * log-probabilities that are finite, at most 0, consistent with its own full logits, causal, and independent of
 * left padding cut off by {@code start}. Skipped where {@code /usr/bin/python3} has no torch.
 */
class HfReferenceScriptTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsTorch() throws InterruptedException {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        }
        assumeTrue(ok, PYTHON + " cannot import torch and numpy");
    }

    static Stream<Arguments> variants() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("llamaF32", (Function<Path, Model>) HfTestModels::llamaF32));
        out.add(Arguments.of("llama3ScaledTied", (Function<Path, Model>) HfTestModels::llama3ScaledTied));
        out.add(Arguments.of("qwen2Bf16Sharded", (Function<Path, Model>) HfTestModels::qwen2Bf16Sharded));
        out.add(Arguments.of("mistralF16", (Function<Path, Model>) HfTestModels::mistralF16));
        // Not one of the four fixtures: the reference's Llama bias flags and linear RoPE scaling.
        out.add(Arguments.of("llamaBiasesLinearBf16", (Function<Path, Model>) dir -> HfTestModels
                .builder(HfTestModels.Arch.LLAMA).dtype(Dtype.BF16).hidden(32).intermediate(72).heads(4).kvHeads(1)
                .llamaBiases(true, true).ropeLinear(2.0).shards(2).seed(15).write(dir)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void logProbabilitiesAreFiniteNormalisedAndCausal(String name, Function<Path, Model> variant) throws Exception {
        Model model = variant.apply(tmp.resolve(name));
        assertThat(HfTestModels.files(model.dir())).contains("config.json", "generation_config.json",
                "tokenizer.json", "tokenizer_config.json");
        int v = model.vocabSize();
        SplittableRandom random = new SplittableRandom(name.hashCode());
        long[] row = randomIds(random, v, 23);
        long[] prefix = Arrays.copyOf(row, 12);
        long[] padded = new long[row.length + 3];
        padded[0] = padded[1] = padded[2] = model.tokenizer().padId().orElse(0);
        System.arraycopy(row, 0, padded, 3, row.length);

        ObjectNode request = JSON.createObjectNode();
        var rows = request.putArray("rows");
        addRow(rows.addObject(), row, 0, 1);
        addRow(rows.addObject(), prefix, 0, 5);
        addRow(rows.addObject(), padded, 3, 4);
        JsonNode answer = run(model.dir(), request, true);

        JsonNode logprobs = answer.get("logprobs");
        assertThat(logprobs).hasSize(3);
        assertThat(logprobs.get(0)).hasSize(22);
        assertThat(logprobs.get(1)).hasSize(7);
        assertThat(logprobs.get(2)).hasSize(22);
        for (JsonNode r : logprobs) {
            for (JsonNode lp : r) {
                assertThat(Double.isFinite(lp.asDouble())).isTrue();
                assertThat(lp.asDouble()).isLessThanOrEqualTo(0.0);
            }
        }
        // Random weights still give a peaked, non-uniform distribution (the test can see a wrong forward pass).
        assertThat(logprobs.get(0).get(0).asDouble()).isNotCloseTo(-Math.log(v), within(1e-3));

        JsonNode logits = answer.get("logits");
        assertThat(logits).hasSize(3);
        for (JsonNode l : logits) {
            assertThat(l).hasSize(v);
            assertThat(sumOfSoftmax(l)).isCloseTo(1.0, within(1e-12));
        }
        // The prefix's last logits give the longer row's next log-probability (causality, one forward per row).
        double fromLogits = logSoftmax(logits.get(1), (int) row[12]);
        assertThat(logprobs.get(0).get(11).asDouble()).isCloseTo(fromLogits, within(1e-9));
        for (int t = 5; t < 12; t++) {
            assertThat(logprobs.get(1).get(t - 5).asDouble())
                    .isCloseTo(logprobs.get(0).get(t - 1).asDouble(), within(1e-9));
        }
        // Left padding cut off by "start" changes nothing: positions restart at 0 after it.
        for (int t = 0; t < 22; t++) {
            assertThat(logprobs.get(2).get(t).asDouble()).isCloseTo(logprobs.get(0).get(t).asDouble(), within(1e-9));
        }
    }

    @Test
    void theLlama3RopeScalingChangesTheAnswer() throws Exception {
        Model model = HfTestModels.llama3ScaledTied(tmp.resolve("scaled"));
        ObjectNode request = request(randomIds(new SplittableRandom(3), model.vocabSize(), 40), 1);
        JsonNode scaled = run(model.dir(), request, false).get("logprobs").get(0);
        Path config = model.dir().resolve("config.json");
        ObjectNode json = (ObjectNode) JSON.readTree(config.toFile());
        json.putNull("rope_scaling");
        JSON.writeValue(config.toFile(), json);
        JsonNode plain = run(model.dir(), request, false).get("logprobs").get(0);
        // One token alone sees no rotation; from two on the divided and smoothed frequencies show.
        assertThat(scaled.get(0).asDouble()).isCloseTo(plain.get(0).asDouble(), within(1e-12));
        double largest = 0;
        for (int j = 1; j < scaled.size(); j++) {
            largest = Math.max(largest, Math.abs(scaled.get(j).asDouble() - plain.get(j).asDouble()));
        }
        assertThat(largest).isGreaterThan(1e-4);
    }

    @Test
    void mistralsSlidingWindowLimitsAttention() throws Exception {
        Model model = HfTestModels.builder(HfTestModels.Arch.MISTRAL).dtype(Dtype.F16).hidden(32).heads(4)
                .kvHeads(2).slidingWindow(4).seed(5).write(tmp.resolve("window"));
        ObjectNode request = request(randomIds(new SplittableRandom(4), model.vocabSize(), 12), 1);
        JsonNode windowed = run(model.dir(), request, false).get("logprobs").get(0);
        Path config = model.dir().resolve("config.json");
        ObjectNode json = (ObjectNode) JSON.readTree(config.toFile());
        json.putNull("sliding_window");
        JSON.writeValue(config.toFile(), json);
        JsonNode full = run(model.dir(), request, false).get("logprobs").get(0);
        // logprobs[j] is token j+1 given 0..j: within the window (j < 4) the same, beyond it not.
        for (int j = 0; j < 4; j++) {
            assertThat(windowed.get(j).asDouble()).isCloseTo(full.get(j).asDouble(), within(1e-12));
        }
        assertThat(Math.abs(windowed.get(10).asDouble() - full.get(10).asDouble())).isGreaterThan(1e-6);
    }

    private static ObjectNode request(long[] ids, int scoreFrom) {
        ObjectNode request = JSON.createObjectNode();
        addRow(request.putArray("rows").addObject(), ids, 0, scoreFrom);
        return request;
    }

    private static void addRow(ObjectNode row, long[] ids, int start, int scoreFrom) {
        var array = row.putArray("ids");
        for (long id : ids) {
            array.add(id);
        }
        row.put("start", start).put("score_from", scoreFrom);
    }

    private static long[] randomIds(SplittableRandom random, int vocab, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(vocab);
        }
        return ids;
    }

    private static double sumOfSoftmax(JsonNode logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (JsonNode l : logits) {
            max = Math.max(max, l.asDouble());
        }
        double sum = 0;
        for (JsonNode l : logits) {
            sum += Math.exp(l.asDouble() - max);
        }
        double total = 0;
        for (JsonNode l : logits) {
            total += Math.exp(l.asDouble() - max) / sum;
        }
        return total;
    }

    private static double logSoftmax(JsonNode logits, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (JsonNode l : logits) {
            max = Math.max(max, l.asDouble());
        }
        double sum = 0;
        for (JsonNode l : logits) {
            sum += Math.exp(l.asDouble() - max);
        }
        return logits.get(index).asDouble() - max - Math.log(sum);
    }

    /** Runs the reference on a model directory; its stderr goes into the failure message. */
    static JsonNode run(Path modelDir, JsonNode request, boolean logits) throws IOException, InterruptedException {
        Path requestFile = Files.createTempFile(modelDir, "request", ".json");
        JSON.writeValue(requestFile.toFile(), request);
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString(), modelDir.toString(),
                requestFile.toString()));
        if (logits) {
            command.add("--logits");
        }
        Path err = Files.createTempFile(modelDir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().putAll(Map.of("OMP_NUM_THREADS", "1"));
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(err)).isZero();
        return JSON.readTree(new String(out, StandardCharsets.UTF_8));
    }

    /** target/test-classes/lm/reference_lm.py, from the test resources. */
    static Path script() {
        URL url = HfReferenceScriptTest.class.getResource("/lm/reference_lm.py");
        assertThat(url).as("lm/reference_lm.py on the test classpath").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
