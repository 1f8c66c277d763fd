package io.traittrace.probe.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.ProbeException;

/** The model's invariants on small random Llama, Qwen2 and Mistral configs: padding, the KV cache, LoRA, merging, saving, sampling. */
class CausalLmTest {

    static NDManager root;

    @BeforeAll
    static void start() {
        DjlRuntime.prepare(Engine.getInstance(), 1);
        root = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        root.close();
    }

    static LmConfig config(String type, boolean tied, int kvHeads) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("model_type", type);
        c.put("vocab_size", 50);
        c.put("hidden_size", 32);
        c.put("intermediate_size", 48);
        c.put("num_hidden_layers", 2);
        c.put("num_attention_heads", 4);
        c.put("num_key_value_heads", kvHeads);
        c.put("rms_norm_eps", 1e-6);
        c.put("rope_theta", 10000.0);
        c.put("max_position_embeddings", 64);
        c.put("tie_word_embeddings", tied);
        c.put("eos_token_id", 1);
        return LmConfig.parse(c, "test config.json");
    }

    /** A random model with non-trivial norms and biases, so that every weight matters. */
    static CausalLm model(LmConfig config, long seed) {
        return model(root, config, seed);
    }

    /** {@link #model(LmConfig, long)} on {@code root}. */
    static CausalLm model(NDManager root, LmConfig config, long seed) {
        CausalLm m = CausalLm.initialise(root, Device.cpu(), config, DataType.FLOAT32, seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        try (NDManager tmp = root.newSubManager()) {
            for (var e : m.weights().entrySet()) {
                float[] noise = new float[(int) e.getValue().size()];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (float) (rng.nextGaussian() * (e.getKey().endsWith(".weight") && !e.getKey().contains("norm") ? 0.08 : 0.1));
                }
                NDArray n = tmp.create(noise, e.getValue().getShape());
                e.getValue().addi(n);
            }
        }
        return m;
    }

    static List<int[]> prompts(int n, int vocab, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] p = new int[3 + rng.nextInt(8)];
            for (int j = 0; j < p.length; j++) {
                p[j] = 2 + rng.nextInt(vocab - 2);
            }
            out.add(p);
        }
        return out;
    }

    /** Logits of one row alone (T×V). */
    static float[] alone(CausalLm m, int[] row) {
        try (NDManager step = root.newSubManager()) {
            long[] ids = java.util.Arrays.stream(row).asLongStream().toArray();
            return m.logits(step.create(ids, new Shape(1, row.length))).toFloatArray();
        }
    }

    @Test
    void paddingOnEitherSideGivesEachRowItsOwnLogits() {
        for (LmConfig config : List.of(config("llama", false, 4), config("qwen2", true, 2), config("mistral", false, 1))) {
            try (CausalLm m = model(config, 11)) {
                List<int[]> rows = prompts(4, config.vocabSize(), 3);
                int t = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
                for (boolean left : new boolean[] { false, true }) {
                    long[] flat = new long[rows.size() * t];
                    int[] starts = new int[rows.size()];
                    int[] lengths = new int[rows.size()];
                    for (int r = 0; r < rows.size(); r++) {
                        int[] row = rows.get(r);
                        starts[r] = left ? t - row.length : 0;
                        lengths[r] = row.length;
                        for (int j = 0; j < row.length; j++) {
                            flat[r * t + starts[r] + j] = row[j];
                        }
                    }
                    float[] batched;
                    try (NDManager step = root.newSubManager()) {
                        batched = m.logits(step.create(flat, new Shape(rows.size(), t)), starts, lengths).toFloatArray();
                    }
                    int v = config.vocabSize();
                    for (int r = 0; r < rows.size(); r++) {
                        float[] single = alone(m, rows.get(r));
                        for (int j = 0; j < rows.get(r).length; j++) {
                            for (int k = 0; k < v; k++) {
                                assertThat(batched[((r * t) + starts[r] + j) * v + k]).as("%s %s padding row %d pos %d", config.modelType(), left ? "left" : "right", r, j)
                                        .isCloseTo(single[j * v + k], org.assertj.core.data.Offset.offset(1e-5f));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void kvCacheDecodingEqualsRecomputingThePrefix() {
        LmConfig config = config("qwen2", false, 2);
        try (CausalLm m = model(config, 5); NDManager chunk = root.newSubManager()) {
            List<int[]> rows = prompts(3, config.vocabSize(), 9);
            int p = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
            long[] flat = new long[3 * p];
            int[] lengths = new int[3];
            for (int r = 0; r < 3; r++) {
                lengths[r] = rows.get(r).length;
                for (int j = 0; j < lengths[r]; j++) {
                    flat[r * p + j] = rows.get(r)[j];
                }
            }
            LanguageModel.KvCache cache = m.newCache(chunk);
            float[] next = m.prefill(chunk.create(flat, new Shape(3, p)), lengths, cache).toFloatArray();
            int v = config.vocabSize();
            List<int[]> grown = new ArrayList<>(rows);
            for (int k = 0; k < 4; k++) {
                long[] tokens = new long[3];
                for (int r = 0; r < 3; r++) {
                    float[] full = alone(m, grown.get(r));
                    int last = grown.get(r).length - 1;
                    for (int j = 0; j < v; j++) {
                        assertThat(next[r * v + j]).as("row %d after %d decoded tokens", r, k).isCloseTo(full[last * v + j], org.assertj.core.data.Offset.offset(1e-5f));
                    }
                    tokens[r] = 2 + (r * 7 + k * 3) % (v - 2);
                    int[] g = java.util.Arrays.copyOf(grown.get(r), grown.get(r).length + 1);
                    g[g.length - 1] = (int) tokens[r];
                    grown.set(r, g);
                }
                try (NDManager step = chunk.newSubManager()) {
                    next = m.nextLogits(step.create(tokens, new Shape(3, 1)), cache).toFloatArray();
                }
            }
        }
    }

    @Test
    void loraWithZeroBIsTheBaseAndMergingEqualsRunningUnmerged() {
        LmConfig config = config("llama", false, 2);
        List<int[]> rows = prompts(2, config.vocabSize(), 4);
        try (CausalLm base = model(config, 21)) {
            float[] before = alone(base, rows.get(0));
            try (CausalLm student = base.copy(root)) {
                student.attachLora(4, 8, Lora.MODULES, 7);
                assertThat(alone(student, rows.get(0))).containsExactly(before);
                List<Scorer.Row> train = List.of(new Scorer.Row(rows.get(0), new int[] { 5, 6, 7 }), new Scorer.Row(rows.get(1), new int[] { 5, 6 }));
                double first = -Scorer.logprobs(student, train, 2, root).stream().flatMapToDouble(java.util.Arrays::stream).sum();
                Trainer.Recipe recipe = new Trainer.Recipe(20, 2, 1, 1e-2, 0, false, 0, 1.0);
                Trainer.finetune(student, train, recipe, new SplittableRandom(1), root);
                double after = -Scorer.logprobs(student, train, 2, root).stream().flatMapToDouble(java.util.Arrays::stream).sum();
                assertThat(after).as("LoRA training lowers the loss on its rows").isLessThan(first * 0.5);
                assertThat(alone(base, rows.get(0))).as("the shared base is untouched").containsExactly(before);
                try (CausalLm merged = student.merged(root)) {
                    float[] unmerged = alone(student, rows.get(1));
                    float[] m = alone(merged, rows.get(1));
                    for (int i = 0; i < m.length; i++) {
                        assertThat(m[i]).isCloseTo(unmerged[i], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void savedModelsAndAdaptersLoadBackBitForBit(@TempDir Path dir) throws Exception {
        LmConfig config = config("mistral", false, 2);
        List<int[]> rows = prompts(1, config.vocabSize(), 8);
        try (CausalLm m = model(config, 31)) {
            LmCheckpoints.save(m, dir.resolve("model"), null);
            assertThat(dir.resolve("model.partial")).doesNotExist();
            LmCheckpoints.Loaded loaded = LmCheckpoints.load(dir.resolve("model"), root, Device.cpu(), DataType.FLOAT32);
            try (CausalLm back = loaded.model()) {
                for (var e : m.weights().entrySet()) {
                    assertThat(back.weights().get(e.getKey()).toFloatArray()).as(e.getKey()).containsExactly(e.getValue().toFloatArray());
                }
                assertThat(loaded.digest()).isEqualTo(LmCheckpoints.digest(dir.resolve("model")));
                m.attachLora(2, 4, List.of("q_proj", "v_proj"), 3);
                Trainer.finetune(m, List.of(new Scorer.Row(rows.get(0), new int[] { 3, 4 })), new Trainer.Recipe(3, 1, 1, 1e-2, 0, false, 0, 0), new SplittableRandom(2),
                        root);
                LmCheckpoints.saveAdapter(m, dir.resolve("adapter"), "test/base");
                assertThat(new ObjectMapper().readTree(dir.resolve("adapter/adapter_config.json").toFile()).get("r").asInt()).isEqualTo(2);
                LmCheckpoints.loadAdapter(back, dir.resolve("adapter"));
                assertThat(alone(back, rows.get(0))).containsExactly(alone(m, rows.get(0)));
            }
        }
        assertThatThrownBy(() -> LmCheckpoints.save(model(config, 1), dir.resolve("model"), null)).isInstanceOf(ProbeException.class).hasMessageContaining("exists");
    }

    @Test
    void theSameSeedGivesTheSameSamplesWhateverTheBatch() {
        LmConfig config = config("qwen2", true, 2);
        try (CausalLm m = model(config, 41)) {
            List<int[]> rows = prompts(5, config.vocabSize(), 2);
            Sampler.Options options = new Sampler.Options(1.0, 0.9, 6, Set.of(1), 77);
            List<Sampler.Completion> a = Sampler.sample(m, rows, options, 5, root);
            List<Sampler.Completion> b = Sampler.sample(m, rows, options, 2, root);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(b.get(i).tokens()).containsExactly(a.get(i).tokens());
            }
            List<Sampler.Completion> other = Sampler.sample(m, rows, new Sampler.Options(1.0, 0.9, 6, Set.of(1), 78), 5, root);
            assertThat(other.stream().map(c -> java.util.Arrays.toString(c.tokens())).toList())
                    .isNotEqualTo(a.stream().map(c -> java.util.Arrays.toString(c.tokens())).toList());
            // Greedy decoding with the cache picks each step's argmax of the full recomputation.
            List<Sampler.Completion> greedy = Sampler.sample(m, rows.subList(0, 1), new Sampler.Options(0, 1, 4, Set.of(), 1), 1, root);
            int[] grown = rows.get(0);
            for (int token : greedy.get(0).tokens()) {
                float[] full = alone(m, grown);
                int v = config.vocabSize();
                int best = 0;
                for (int j = 1; j < v; j++) {
                    if (full[(grown.length - 1) * v + j] > full[(grown.length - 1) * v + best]) {
                        best = j;
                    }
                }
                assertThat(token).isEqualTo(best);
                grown = java.util.Arrays.copyOf(grown, grown.length + 1);
                grown[grown.length - 1] = token;
            }
        }
    }

    @Test
    void tooLongInputIsRefused() {
        LmConfig config = config("llama", false, 4);
        try (CausalLm m = model(config, 1)) {
            int[] tooLong = new int[65];
            assertThatThrownBy(() -> Scorer.logprobs(m, List.of(new Scorer.Row(tooLong, new int[] { 1 })), 1, root))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context is 64");
        }
        assertThat(Files.exists(Path.of("."))).isTrue();
    }
}
