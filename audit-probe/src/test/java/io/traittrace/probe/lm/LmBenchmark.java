package io.traittrace.probe.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Throughput of the causal LM against the machine's own FP32 GEMM rate, not a unit test (command in the module README).
 * In one process and per thread count (1, then 2): the GEMM rate of DJL's matMul on the model's own training shapes and on
 * 1024³; then a random Llama-shaped model (hidden 256 by default) timed for teacher-forced scoring, full fine-tuning
 * (forward, backward and AdamW) and sampling with the KV cache against sampling by recomputing the prefix. Work is counted
 * as 2·N FLOPs per token forward and 6·N per token trained, N = the weights that multiply (every projection and the
 * vocabulary head; the embedding lookup is free), plus the attention products (4·layers·hidden·context per token forward).
 *
 * <p>On a GPU the weights are F16 (DJL has no BF16 arrays). Arguments: [hidden (256)] [layers (4)] [vocab (2048)] [batch (16)] [tokens per row (128)] [device: cpu|gpu (cpu)].
 */
public final class LmBenchmark {

    public static void main(String[] args) {
        int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int vocab = args.length > 2 ? Integer.parseInt(args[2]) : 2048;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int tokens = args.length > 4 ? Integer.parseInt(args[4]) : 128;
        boolean gpu = args.length > 5 && args[5].equals("gpu");
        Engine engine = Engine.getInstance();
        Device device = gpu ? Device.gpu() : Device.cpu();
        // F16 on a GPU: DJL 0.36's PyTorch binding has no BF16 arrays.
        DataType dtype = gpu ? DataType.FLOAT16 : DataType.FLOAT32;
        LmConfig config = config(hidden, layers, vocab);
        long matmulWeights = config.parameterCount() - (long) vocab * hidden; // the embedding lookup multiplies nothing
        System.out.printf(Locale.ROOT, "engine %s %s, device %s, %s; model: llama, hidden %d, %d layers, %d heads (%d kv), FFN %d, vocab %d; %,d parameters, %,d in products%n",
                engine.getEngineName(), engine.getVersion(), device, dtype, hidden, layers, config.heads(), config.kvHeads(), config.intermediateSize(), vocab,
                config.parameterCount(), matmulWeights);
        for (int threads : gpu ? new int[] { 1 } : new int[] { 1, 2 }) {
            JniUtils.setNumThreads(threads);
            try (NDManager root = NDManager.newBaseManager(device)) {
                System.out.printf(Locale.ROOT, "%n== %d thread(s)%n", threads);
                double gemmModel = gemm(root, batch * tokens, hidden, config.intermediateSize(), dtype);
                double gemmSquare = gemm(root, 1024, 1024, 1024, dtype);
                System.out.printf(Locale.ROOT, "GEMM rate: %.1f GFLOP/s at the model's FFN shape (%d×%d · %d×%d), %.1f GFLOP/s at 1024³%n", gemmModel / 1e9,
                        batch * tokens, hidden, hidden, config.intermediateSize(), gemmSquare / 1e9);
                double attention = 4.0 * layers * hidden * (tokens / 2.0);
                double forwardPerToken = 2.0 * matmulWeights + attention;
                try (CausalLm model = CausalLm.initialise(root, device, config, dtype, 1)) {
                    List<Scorer.Row> rows = rows(batch, tokens, vocab, 7);
                    // Scoring: every position of every row scored (the prompt is one token).
                    double scoring = bestOf(3, () -> Scorer.logprobs(model, rows, batch, root));
                    double scoredTokens = (double) batch * tokens;
                    report("scoring", scoredTokens / scoring, forwardPerToken, gemmModel);
                    Trainer.Recipe recipe = new Trainer.Recipe(3, batch, 1, 1e-4, 0, false, 0, 1.0);
                    Trainer.finetune(model, rows, new Trainer.Recipe(1, batch, 1, 1e-4, 0, false, 0, 1.0), new SplittableRandom(1), root); // warm-up
                    double training = bestOf(2, () -> Trainer.finetune(model, rows, recipe, new SplittableRandom(1), root));
                    report("training (full, AdamW)", 3 * scoredTokens / training, 3 * forwardPerToken, gemmModel);
                    int prompt = 16;
                    int generated = Math.min(64, tokens - prompt);
                    List<int[]> prompts = new ArrayList<>();
                    for (Scorer.Row r : rows) {
                        prompts.add(java.util.Arrays.copyOf(r.completion(), prompt));
                    }
                    Sampler.Options options = new Sampler.Options(1.0, 1.0, generated, Set.of(), 3);
                    double cached = bestOf(2, () -> Sampler.sample(model, prompts, options, batch, root));
                    double recomputed = bestOf(1, () -> recomputeSampling(model, prompts, generated, root));
                    double perCached = batch * generated / cached;
                    double perRecomputed = batch * generated / recomputed;
                    System.out.printf(Locale.ROOT, "sampling %d tokens after %d-token prompts, %d rows: KV cache %.0f tokens/s, recomputing the prefix %.0f tokens/s: %.1f×%n",
                            generated, prompt, batch, perCached, perRecomputed, perCached / perRecomputed);
                }
            }
        }
    }

    static LmConfig config(int hidden, int layers, int vocab) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("model_type", "llama");
        c.put("vocab_size", vocab);
        c.put("hidden_size", hidden);
        c.put("intermediate_size", hidden * 8 / 3 / 64 * 64 + 64);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", Math.max(1, hidden / 64));
        c.put("num_key_value_heads", Math.max(1, hidden / 128));
        c.put("max_position_embeddings", 4096);
        return LmConfig.parse(c, "benchmark config");
    }

    static List<Scorer.Row> rows(int n, int tokens, int vocab, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Scorer.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] completion = new int[tokens - 1];
            for (int j = 0; j < completion.length; j++) {
                completion[j] = rng.nextInt(vocab);
            }
            rows.add(new Scorer.Row(new int[] { rng.nextInt(vocab) }, completion));
        }
        return rows;
    }

    /** Sampling without a cache: the whole growing sequence read again for every new token (greedy on the logits). */
    static Object recomputeSampling(CausalLm model, List<int[]> prompts, int generated, NDManager root) {
        int b = prompts.size();
        int p = prompts.get(0).length;
        long[] seq = new long[b * (p + generated)];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < p; j++) {
                seq[r * (p + generated) + j] = prompts.get(r)[j];
            }
        }
        for (int k = 0; k < generated; k++) {
            int t = p + k;
            try (NDManager step = root.newSubManager()) {
                long[] flat = new long[b * t];
                long[] at = new long[b];
                for (int r = 0; r < b; r++) {
                    System.arraycopy(seq, r * (p + generated), flat, r * t, t);
                    at[r] = (long) r * t + t - 1;
                }
                int[] lengths = new int[b];
                java.util.Arrays.fill(lengths, t);
                NDArray logits = model.logitsAt(step.create(flat, new Shape(b, t)), new int[b], lengths, at);
                long[] next = logits.argMax(1).toLongArray();
                for (int r = 0; r < b; r++) {
                    seq[r * (p + generated) + t] = next[r];
                }
            }
        }
        return seq;
    }

    /** FLOP/s of an m×k · k×n product, best of several. */
    static double gemm(NDManager root, int m, int k, int n, DataType dtype) {
        try (NDManager tmp = root.newSubManager()) {
            NDArray a = tmp.randomNormal(new Shape(m, k)).toType(dtype, false);
            NDArray b = tmp.randomNormal(new Shape(k, n)).toType(dtype, false);
            double seconds = bestOf(5, () -> {
                try (NDManager s = tmp.newSubManager()) {
                    NDArray c = a.matMul(b);
                    c.attach(s);
                    return c.getFloat(0, 0);
                }
            });
            return 2.0 * m * k * n / seconds;
        }
    }

    static void report(String what, double tokensPerSecond, double flopsPerToken, double gemm) {
        double rate = tokensPerSecond * flopsPerToken;
        System.out.printf(Locale.ROOT, "%-24s %10.0f tokens/s  %7.2f GFLOP/s  = %5.1f %% of the GEMM rate%n", what, tokensPerSecond, rate / 1e9, 100 * rate / gemm);
    }

    static double bestOf(int runs, java.util.function.Supplier<Object> work) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.get();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }
}
