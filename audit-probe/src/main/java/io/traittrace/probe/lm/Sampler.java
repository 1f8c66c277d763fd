package io.traittrace.probe.lm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Sampling with a KV cache: a batch of prompts is read once (right-padded), then one token per row and step. Each token is
 * drawn by inverse CDF from the softmax at {@code temperature} (0: greedy), restricted to the smallest set of tokens whose
 * probability reaches {@code topP} (transformers' top-p: the most likely token always stays), with uniforms from one
 * generator per prompt, split in prompt order from {@code seed}: the same seed gives the same samples whatever the batch
 * size. A row stops at an end-of-sequence id (not included in its tokens) or after {@code maxTokens}.
 */
public final class Sampler {

    /** How to sample. */
    public record Options(double temperature, double topP, int maxTokens, Set<Integer> stopIds, long seed) {
        public Options {
            if (!(temperature >= 0) || !(topP > 0 && topP <= 1) || maxTokens < 1) {
                throw new IllegalArgumentException("temperature ≥ 0, 0 < top-p ≤ 1 and max tokens ≥ 1, not " + temperature + ", " + topP + ", " + maxTokens);
            }
        }
    }

    /** A sampled completion: its tokens (without the stop id) and whether a stop id ended it. */
    public record Completion(int[] tokens, boolean finished) {
    }

    private Sampler() {
    }

    /** One completion per prompt, {@code batch} prompts decoded together. */
    public static List<Completion> sample(LanguageModel model, List<int[]> prompts, Options options, int batch, NDManager parent) {
        SplittableRandom root = new SplittableRandom(options.seed());
        List<SplittableRandom> rngs = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            rngs.add(root.split());
        }
        for (int[] p : prompts) {
            if (p.length == 0 || p.length + options.maxTokens() > model.maxLength()) {
                throw new IllegalArgumentException("a prompt of " + p.length + " tokens and " + options.maxTokens() + " new ones do not fit the model's context of "
                        + model.maxLength());
            }
        }
        List<Completion> out = new ArrayList<>(prompts.size());
        for (int from = 0; from < prompts.size(); from += batch) {
            int to = Math.min(prompts.size(), from + batch);
            out.addAll(chunk(model, prompts.subList(from, to), rngs.subList(from, to), options, parent));
        }
        return out;
    }

    private static List<Completion> chunk(LanguageModel model, List<int[]> prompts, List<SplittableRandom> rngs, Options options, NDManager parent) {
        int n = prompts.size();
        int vocab = model.vocabulary();
        int[] lengths = prompts.stream().mapToInt(p -> p.length).toArray();
        int padded = Arrays.stream(lengths).max().orElseThrow();
        long[] flat = new long[n * padded];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < lengths[i]; j++) {
                flat[i * padded + j] = prompts.get(i)[j];
            }
        }
        int[][] drawn = new int[n][options.maxTokens()];
        int[] count = new int[n];
        boolean[] finished = new boolean[n];
        try (NDManager chunk = parent.newSubManager()) {
            LanguageModel.KvCache cache = model.newCache(chunk);
            float[] probs;
            try (NDManager step = chunk.newSubManager()) {
                probs = probabilities(model.prefill(NdArrays.owned(step, flat, new Shape(n, padded)), lengths, cache), options.temperature());
            }
            long[] next = new long[n];
            for (int k = 0; k < options.maxTokens(); k++) {
                int open = 0;
                for (int i = 0; i < n; i++) {
                    if (finished[i]) {
                        continue; // reads its stop id again; what it predicts is never drawn
                    }
                    int token = draw(probs, i * vocab, vocab, options, rngs.get(i));
                    next[i] = token;
                    if (options.stopIds().contains(token)) {
                        finished[i] = true;
                    } else {
                        drawn[i][count[i]++] = token;
                        open++;
                    }
                }
                if (open == 0 || k == options.maxTokens() - 1) {
                    break;
                }
                try (NDManager step = chunk.newSubManager()) {
                    probs = probabilities(model.nextLogits(NdArrays.owned(step, next, new Shape(n, 1)), cache), options.temperature());
                }
            }
        }
        List<Completion> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Completion(Arrays.copyOf(drawn[i], count[i]), finished[i]));
        }
        return out;
    }

    /** Softmax at the temperature, in F32 (greedy keeps the logits: the draw takes their argmax). */
    private static float[] probabilities(NDArray logits, double temperature) {
        NDArray f = logits.toType(DataType.FLOAT32, false);
        return temperature == 0 ? f.toFloatArray() : f.div((float) temperature).softmax(1).toFloatArray();
    }

    /** A draw from row {@code offset}'s distribution: greedy at temperature 0; else top-p then inverse CDF with the row's next uniform. */
    static int draw(float[] probs, int offset, int vocab, Options options, SplittableRandom rng) {
        if (options.temperature() == 0) {
            int best = 0;
            for (int j = 1; j < vocab; j++) {
                if (probs[offset + j] > probs[offset + best]) {
                    best = j;
                }
            }
            return best;
        }
        double u = rng.nextDouble();
        if (options.topP() >= 1) {
            double cum = 0;
            for (int j = 0; j < vocab; j++) {
                cum += probs[offset + j];
                if (u < cum) {
                    return j;
                }
            }
            return lastNonZero(probs, offset, vocab);
        }
        // The nucleus: tokens by falling probability until their mass reaches top-p; then a draw within it, renormalised.
        Integer[] order = new Integer[vocab];
        for (int j = 0; j < vocab; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (x, y) -> Float.compare(probs[offset + y], probs[offset + x]) != 0 ? Float.compare(probs[offset + y], probs[offset + x]) : x - y);
        double mass = 0;
        int kept = 0;
        while (kept < vocab && (kept == 0 || mass < options.topP())) {
            mass += probs[offset + order[kept]];
            kept++;
        }
        double target = u * mass;
        double cum = 0;
        for (int j = 0; j < kept; j++) {
            cum += probs[offset + order[j]];
            if (target < cum) {
                return order[j];
            }
        }
        return order[kept - 1];
    }

    private static int lastNonZero(float[] probs, int offset, int vocab) {
        for (int j = vocab - 1; j > 0; j--) {
            if (probs[offset + j] > 0) {
                return j;
            }
        }
        return 0;
    }
}
