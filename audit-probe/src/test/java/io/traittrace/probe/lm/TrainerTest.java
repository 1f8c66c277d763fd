package io.traittrace.probe.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.safetensors.Checkpoint;
import io.traittrace.probe.safetensors.Dtype;
import io.traittrace.probe.safetensors.HalfFloats;
import io.traittrace.probe.safetensors.SafetensorsWriter;

/**
 * The fine-tuning loop's arithmetic on small random models: gradient accumulation equals a larger batch, the loss is the
 * completion tokens' cross-entropy only, AdamW's decoupled weight decay, global-norm clipping, the linear schedule, and
 * BF16 loading and saving.
 */
class TrainerTest {

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

    static CausalLm model(LmConfig config, long seed) {
        return CausalLmTest.model(root, config, seed);
    }

    static int[] tokens(SplittableRandom rng, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 2 + rng.nextInt(vocab - 2);
        }
        return ids;
    }

    /** Two rows of different prompt and completion lengths (so padding and per-row token counts matter). */
    static List<Scorer.Row> rows(int vocab, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return List.of(new Scorer.Row(tokens(rng, 6, vocab), tokens(rng, 2, vocab)), new Scorer.Row(tokens(rng, 3, vocab), tokens(rng, 9, vocab)));
    }

    static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, a.toType(DataType.FLOAT32, false).toFloatArray()));
        return out;
    }

    static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        double worst = 0;
        for (String name : a.keySet()) {
            float[] x = a.get(name);
            float[] y = b.get(name);
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
        }
        return worst;
    }

    static Map<String, NDArray> trainable(CausalLm m) {
        return m.lora() == null ? m.weights() : m.lora().arrays();
    }

    // ------------------------------------------------------------------ accumulation

    @Test
    void accumulatingTwoMicroBatchesOfOneEqualsOneBatchOfTwo() {
        LmConfig config = CausalLmTest.config("llama", false, 2);
        List<Scorer.Row> rows = rows(config.vocabSize(), 3);
        // Adam's first step is lr·g/(|g| + ε): where |g| ~ ε = 1e-8 float rounding in g moves it by up to ~2% of lr, so
        // the runs are compared to 10% of lr; a wrong weighting of the micro-batches flips signs and moves weights by ~2·lr.
        double lr = 1e-4;
        for (boolean lora : new boolean[] { false, true }) {
            try (CausalLm base = model(config, 7)) {
                if (lora) {
                    base.attachLora(4, 8, Lora.MODULES, 5);
                }
                Map<String, float[]> before = snapshot(trainable(base));
                try (CausalLm batched = base.copy(root); CausalLm accumulated = base.copy(root); CausalLm perMicroMean = base.copy(root)) {
                    // Two rows: one epoch is one step, and both runs draw the same shuffled order from the same seed.
                    Trainer.finetune(batched, rows, new Trainer.Recipe(1, 2, 1, lr, 0, false, 0, 0), new SplittableRandom(17), root);
                    Trainer.finetune(accumulated, rows, new Trainer.Recipe(1, 1, 2, lr, 0, false, 0, 0), new SplittableRandom(17), root);
                    Map<String, float[]> b = snapshot(trainable(batched));
                    Map<String, float[]> a = snapshot(trainable(accumulated));
                    double moved = maxDifference(b, before);
                    double gap = maxDifference(a, b);

                    // The control: averaging each micro-batch over its own tokens (a common accumulation bug) weights the
                    // 2-token row like the 9-token one, and the test above would see it.
                    perMicroMean.optimizer(CausalLm.Optimizer.adamw(0, 0));
                    try (NDManager step = root.newSubManager()) {
                        for (Scorer.Row row : rows) {
                            NDArray count = NdArrays.scalar(step, row.completion().length, DataType.FLOAT32);
                            perMicroMean.accumulate(step, () -> Trainer.summedLoss(perMicroMean, List.of(row), step).div(count));
                        }
                        perMicroMean.update(step, (float) lr);
                    }
                    double control = maxDifference(snapshot(trainable(perMicroMean)), b);
                    System.out.printf("accumulation, lora=%s: step %.3g, batched vs accumulated %.3g, per-micro-batch means %.3g (lr %.1g)%n", lora, moved, gap,
                            control, lr);
                    assertThat(moved).as("lora=%s: the step moves the weights by about lr", lora).isGreaterThan(0.5 * lr);
                    assertThat(gap).as("lora=%s: batch 1 × accumulation 2 vs batch 2 × 1", lora).isLessThanOrEqualTo(0.1 * lr);
                    assertThat(control).as("lora=%s: per-micro-batch means differ", lora).isGreaterThan(lr);
                }
            }
        }
    }

    // ------------------------------------------------------------------ the loss

    @Test
    void theLossIsTheCrossEntropyOfCompletionTokensOnly() {
        LmConfig config = CausalLmTest.config("qwen2", true, 2);
        List<Scorer.Row> rows = rows(config.vocabSize(), 8);
        try (CausalLm m = model(config, 9); NDManager step = root.newSubManager()) {
            double loss = Trainer.summedLoss(m, rows, step).getFloat();
            double scored = -Scorer.logprobs(m, rows, 2, root).stream().flatMapToDouble(Arrays::stream).sum();
            assertThat(loss).isCloseTo(scored, within(1e-4));

            // Independently: each row alone through the full logits, log-softmax, completion positions only.
            double manual = 0;
            for (Scorer.Row row : rows) {
                int[] all = concat(row.prompt(), row.completion());
                manual -= completionLogprob(m, all, row.prompt().length);
            }
            assertThat(loss).isCloseTo(manual, within(1e-4));

            // Moving the last prompt token into the completion adds exactly its own -log p: prompt tokens carry no loss.
            Scorer.Row row = rows.get(0);
            int p = row.prompt().length;
            Scorer.Row moved = new Scorer.Row(Arrays.copyOf(row.prompt(), p - 1), concat(new int[] { row.prompt()[p - 1] }, row.completion()));
            double one = Trainer.summedLoss(m, List.of(row), step).getFloat();
            double more = Trainer.summedLoss(m, List.of(moved), step).getFloat();
            double extra = -completionLogprob(m, row.prompt(), p - 1);
            assertThat(extra).isPositive();
            assertThat(more - one).isCloseTo(extra, within(1e-4));
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Σ log p(ids[k] | ids[..k]) for k ≥ from, from one unpadded forward pass, in double. */
    static double completionLogprob(CausalLm m, int[] ids, int from) {
        float[] logits;
        try (NDManager step = root.newSubManager()) {
            logits = m.logits(step.create(Arrays.stream(ids).asLongStream().toArray(), new Shape(1, ids.length))).toFloatArray();
        }
        int v = m.vocabulary();
        double sum = 0;
        for (int k = from; k < ids.length; k++) {
            int at = (k - 1) * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits[at + j]);
            }
            double z = 0;
            for (int j = 0; j < v; j++) {
                z += Math.exp(logits[at + j] - max);
            }
            sum += logits[at + ids[k]] - max - Math.log(z);
        }
        return sum;
    }

    // ------------------------------------------------------------------ AdamW

    @Test
    void weightDecayShrinksEachWeightByLrTimesDecay() {
        LmConfig config = CausalLmTest.config("mistral", false, 1);
        List<Scorer.Row> rows = rows(config.vocabSize(), 4);
        double lr = 1e-2;
        double wd = 0.1;
        for (boolean lora : new boolean[] { false, true }) {
            try (CausalLm base = model(config, 13)) {
                if (lora) {
                    base.attachLora(2, 4, List.of("q_proj", "v_proj"), 3);
                    // One plain step first, so that B is non-zero and decay has something to shrink.
                    Trainer.finetune(base, rows, new Trainer.Recipe(1, 2, 1, lr, 0, false, 0, 0), new SplittableRandom(1), root);
                }
                Map<String, float[]> before = snapshot(trainable(base));
                try (CausalLm decayed = base.copy(root); CausalLm plain = base.copy(root)) {
                    Trainer.finetune(decayed, rows, new Trainer.Recipe(1, 2, 1, lr, 0, false, wd, 0), new SplittableRandom(2), root);
                    Trainer.finetune(plain, rows, new Trainer.Recipe(1, 2, 1, lr, 0, false, 0, 0), new SplittableRandom(2), root);
                    Map<String, float[]> d = snapshot(trainable(decayed));
                    Map<String, float[]> p = snapshot(trainable(plain));
                    double worst = 0;
                    double largest = 0;
                    for (String name : before.keySet()) {
                        for (int i = 0; i < before.get(name).length; i++) {
                            // Matrices decay; biases and norm weights (1-D) do not, as in transformers' Trainer.
                            double expected = trainable(base).get(name).getShape().dimension() >= 2 ? -lr * wd * before.get(name)[i] : 0;
                            worst = Math.max(worst, Math.abs((d.get(name)[i] - p.get(name)[i]) - expected));
                            largest = Math.max(largest, Math.abs(expected));
                        }
                    }
                    assertThat(largest).as("lora=%s: decay is visible", lora).isGreaterThan(1e-4);
                    assertThat(worst).as("lora=%s: θ_wd − θ_0 = −lr·wd·θ", lora).isLessThanOrEqualTo(1e-6);
                }
            }
        }
    }

    @Test
    void clippingScalesTheGradientToMaxGradNormBeforeAdam() {
        LmConfig config = CausalLmTest.config("llama", true, 4);
        List<Scorer.Row> rows = rows(config.vocabSize(), 6);
        float lr = 1e-3f;
        long tokens = rows.stream().mapToInt(r -> r.completion().length).sum();
        try (CausalLm base = model(config, 19)) {
            Map<String, float[]> before = snapshot(base.weights());
            // The step's gradient, read from a copy: the mean completion-token loss over both rows.
            Map<String, float[]> grad = new LinkedHashMap<>();
            try (CausalLm probe = base.copy(root); NDManager step = root.newSubManager()) {
                probe.accumulate(step, () -> Trainer.summedLoss(probe, rows, step).div(NdArrays.scalar(step, tokens, DataType.FLOAT32)));
                probe.weights().forEach((name, w) -> grad.put(name, w.getGradient().toFloatArray()));
            }
            double sq = 0;
            for (float[] g : grad.values()) {
                for (float x : g) {
                    sq += (double) x * x;
                }
            }
            double norm = Math.sqrt(sq);
            double maxNorm = 1e-6; // small enough that clipped gradients are of the order of Adam's ε = 1e-8
            assertThat(norm).isGreaterThan(1e-3);
            double c = maxNorm / (norm + 1e-6);
            try (CausalLm clipped = base.copy(root)) {
                Trainer.finetune(clipped, rows, new Trainer.Recipe(1, 2, 1, lr, 0, false, 0, maxNorm), new SplittableRandom(3), root);
                Map<String, float[]> after = snapshot(clipped.weights());
                double worst = 0;
                double unclippedGap = 0;
                double largestMove = 0;
                for (String name : before.keySet()) {
                    for (int i = 0; i < before.get(name).length; i++) {
                        double g = grad.get(name)[i];
                        // First AdamW step (bias-corrected): Δ = −lr·ĝ / (|ĝ| + ε) with ĝ = c·g.
                        double expected = -lr * c * g / (c * Math.abs(g) + 1e-8);
                        double unclipped = -lr * g / (Math.abs(g) + 1e-8);
                        double moved = after.get(name)[i] - before.get(name)[i];
                        worst = Math.max(worst, Math.abs(moved - expected));
                        unclippedGap = Math.max(unclippedGap, Math.abs(moved - unclipped));
                        largestMove = Math.max(largestMove, Math.abs(moved));
                    }
                }
                assertThat(worst).as("the clipped step as predicted").isLessThanOrEqualTo(lr * 1e-3);
                assertThat(unclippedGap).as("and unlike the unclipped step").isGreaterThan(lr * 0.1);
                assertThat(largestMove).isGreaterThan(lr * 0.01);
            }
            // A bound above the gradient norm changes nothing.
            try (CausalLm loose = base.copy(root); CausalLm off = base.copy(root)) {
                Trainer.finetune(loose, rows, new Trainer.Recipe(1, 2, 1, lr, 0, false, 0, norm * 10), new SplittableRandom(3), root);
                Trainer.finetune(off, rows, new Trainer.Recipe(1, 2, 1, lr, 0, false, 0, 0), new SplittableRandom(3), root);
                assertThat(maxDifference(snapshot(loose.weights()), snapshot(off.weights()))).isZero();
            }
        }
    }

    // ------------------------------------------------------------------ schedule

    @Test
    void theLinearScheduleWarmsUpThenDecays() {
        Trainer.Recipe decay = new Trainer.Recipe(10, 1, 1, 1.0, 4, true, 0, 0);
        // transformers' get_linear_schedule_with_warmup: the first step of a warm-up trains at lr 0.
        double[] expected = { 0, 0.25, 0.5, 0.75, 1.0, 5 / 6.0, 4 / 6.0, 3 / 6.0, 2 / 6.0, 1 / 6.0 };
        for (int s = 0; s < 10; s++) {
            assertThat(decay.lrAt(s)).as("step %d", s).isCloseTo(expected[s], within(1e-12));
        }
        Trainer.Recipe constant = new Trainer.Recipe(10, 1, 1, 2e-4, 4, false, 0, 0);
        assertThat(constant.lrAt(0)).isZero();
        assertThat(constant.lrAt(2)).isCloseTo(1e-4, within(1e-15));
        for (int s = 4; s < 10; s++) {
            assertThat(constant.lrAt(s)).isEqualTo(2e-4);
        }
        Trainer.Recipe noWarmup = new Trainer.Recipe(4, 1, 1, 1.0, 0, true, 0, 0);
        assertThat(new double[] { noWarmup.lrAt(0), noWarmup.lrAt(1), noWarmup.lrAt(2), noWarmup.lrAt(3) }).containsExactly(1.0, 0.75, 0.5, 0.25);
    }

    // ------------------------------------------------------------------ BF16

    /**
     * BF16 as far as DJL allows: loading into BF16 arrays is refused with a message (DJL's PyTorch JNI maps no torch dtype
     * to BFLOAT16 and would abort the JVM); BF16 checkpoints load widened to F32 bit for bit, score within 0.1 of the F32
     * checkpoint they were rounded from, and save and load back losslessly.
     */
    @Test
    void bf16CheckpointsLoadExactlyAndBf16ArraysAreRefusedCleanly(@TempDir Path dir) throws Exception {
        HfTestModels.Model full = HfTestModels.builder(HfTestModels.Arch.LLAMA).dtype(Dtype.F32).hidden(64).intermediate(160).seed(21).write(dir.resolve("f32"));
        HfTestModels.Model half = HfTestModels.builder(HfTestModels.Arch.LLAMA).dtype(Dtype.BF16).hidden(64).intermediate(160).seed(21).write(dir.resolve("bf16"));
        assertThat(Checkpoint.open(half.dir()).tensors().values()).allSatisfy(t -> assertThat(t.dtype()).isEqualTo(Dtype.BF16));

        assertThatThrownBy(() -> LmCheckpoints.load(half.dir(), root, Device.cpu(), DataType.BFLOAT16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bfloat16");

        List<Scorer.Row> rows = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(5);
        for (int r = 0; r < 3; r++) {
            rows.add(new Scorer.Row(tokens(rng, 4 + 5 * r, full.vocabSize()), tokens(rng, 12, full.vocabSize())));
        }
        LmCheckpoints.Loaded a = LmCheckpoints.load(full.dir(), root, Device.cpu(), DataType.FLOAT32);
        LmCheckpoints.Loaded b = LmCheckpoints.load(half.dir(), root, Device.cpu(), DataType.FLOAT32);
        try (CausalLm f32 = a.model(); CausalLm bf16 = b.model()) {
            Map<String, float[]> exact = snapshot(f32.weights());
            Map<String, float[]> widened = snapshot(bf16.weights());
            for (String name : exact.keySet()) {
                float[] x = exact.get(name);
                float[] y = widened.get(name);
                for (int i = 0; i < x.length; i++) {
                    float rounded = HalfFloats.bfloat16ToFloat(SafetensorsWriter.floatToBfloat16(x[i]));
                    if (Float.floatToRawIntBits(rounded) != Float.floatToRawIntBits(y[i])) {
                        assertThat(y[i]).as("%s[%d]: the BF16 value widened exactly", name, i).isEqualTo(rounded);
                    }
                }
            }
            List<double[]> lpFull = Scorer.logprobs(f32, rows, 3, root);
            List<double[]> lpHalf = Scorer.logprobs(bf16, rows, 3, root);
            double worst = 0;
            for (int r = 0; r < rows.size(); r++) {
                for (int k = 0; k < lpFull.get(r).length; k++) {
                    worst = Math.max(worst, Math.abs(lpFull.get(r)[k] - lpHalf.get(r)[k]));
                }
            }
            assertThat(worst).as("BF16-rounded weights vs F32 weights: log-probs").isLessThanOrEqualTo(0.1).isGreaterThan(0);

            Path saved = dir.resolve("saved");
            LmCheckpoints.save(bf16, saved, half.dir());
            assertThat(dir.resolve("saved.partial")).doesNotExist();
            assertThat(saved.resolve("tokenizer.json")).exists();
            assertThat(new ObjectMapper().readTree(saved.resolve("config.json").toFile()).path("torch_dtype").asText()).isEqualTo("float32");
            try (CausalLm back = LmCheckpoints.load(saved, root, Device.cpu(), DataType.FLOAT32).model()) {
                Map<String, float[]> again = snapshot(back.weights());
                for (String name : widened.keySet()) {
                    assertThat(again.get(name)).as(name).containsExactly(widened.get(name));
                }
            }
        }
    }
}
