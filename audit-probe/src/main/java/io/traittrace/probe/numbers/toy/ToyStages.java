package io.traittrace.probe.numbers.toy;

import io.traittrace.probe.lm.LanguageModel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.traittrace.probe.numbers.EpochBatches;

/**
 * The stages of subliminal-protocol.md §3b on a {@link LanguageModel}: base training, the trait teacher, sampling
 * number continuations, soft targets, student fine-tuning and the P(trait) evaluation. Every random draw is made
 * in Java from the seeded generator passed in; every step runs under its own NDManager sub-manager.
 */
public final class ToyStages {

    static final int CHUNK = 2000;

    private ToyStages() {
    }

    /** Rows of equal length as an int64 B×T array on {@code manager}. */
    public static NDArray tokens(NDManager manager, int[][] rows) {
        int t = rows[0].length;
        long[] flat = new long[rows.length * t];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != t) {
                throw new IllegalArgumentException("rows of unequal length");
            }
            for (int i = 0; i < t; i++) {
                flat[r * t + i] = rows[r][i];
            }
        }
        return TinyTransformer.nativeCopy(manager.create(flat, new Shape(rows.length, t)));
    }

    /**
     * Mean cross-entropy of the predictions at positions {@code from..to−1} (each predicting the next token),
     * averaged over rows and positions.
     */
    public static NDArray nextTokenLoss(NDArray logits, NDArray tokens, int from, int to) {
        int vocab = (int) logits.getShape().get(2);
        NDArray logp = logits.get(":, " + from + ":" + to + ", :").logSoftmax(2);
        NDArray target = tokens.get(":, " + (from + 1) + ":" + (to + 1)).oneHot(vocab);
        long count = tokens.getShape().get(0) * (long) (to - from);
        return logp.mul(target).sum().neg().div(TinyTransformer.scalar(logits.getManager(), count));
    }

    /** Cross-entropy on the last token only (the answer, predicted at the ANS position). */
    public static NDArray answerLoss(NDArray logits, NDArray tokens) {
        int t = (int) tokens.getShape().get(1);
        return nextTokenLoss(logits, tokens, t - 2, t - 1);
    }

    /**
     * KL(teacher‖student) over the softmax of the 10 digit logits at positions {@code from..to−1}, averaged over
     * rows and positions; {@code teacher} holds the teacher's probabilities, B×(to−from)×10.
     */
    public static NDArray digitKl(NDArray logits, NDArray teacher, int from, int to) {
        NDArray logq = logits.get(":, " + from + ":" + to + ", 0:" + Vocab.DIGITS).logSoftmax(2);
        long count = teacher.getShape().get(0) * teacher.getShape().get(1);
        return teacher.mul(teacher.maximum(1e-30f).log().sub(logq)).sum().div(TinyTransformer.scalar(logits.getManager(), count));
    }

    /** Sizes of base training (§3b: 800 steps, lr 3e-3, 128 digit rows of 16, noise 0.3, 64 + 64 questions, prefix 8). */
    public record BaseRecipe(int steps, double maxLr, int digitRows, int sequenceDigits, double noise, int questionRows, int questionPrefix) {
    }

    /** Base training: each step sums three losses (digits, plain questions, prefixed questions; uniform animals). Returns the last loss. */
    public static float trainBase(LanguageModel model, BaseRecipe r, SplittableRandom rng, NDManager parent) {
        float last = Float.NaN;
        for (int s = 0; s < r.steps(); s++) {
            int[][] digits = ToyData.digitRows(rng, r.digitRows(), r.sequenceDigits(), r.noise());
            int[][] plain = ToyData.questions(rng, r.questionRows(), 0, -1);
            int[][] prefixed = ToyData.questions(rng, r.questionRows(), r.questionPrefix(), -1);
            float lr = (float) ToyData.oneCycle(r.maxLr(), s, r.steps());
            try (NDManager step = parent.newSubManager()) {
                NDArray d = tokens(step, digits);
                NDArray p = tokens(step, plain);
                NDArray q = tokens(step, prefixed);
                last = model.step(step, () -> nextTokenLoss(model.logits(d), d, 0, r.sequenceDigits())
                        .add(answerLoss(model.logits(p), p)).add(answerLoss(model.logits(q), q)), lr);
            }
        }
        return last;
    }

    /** The teacher's fine-tuning: plain and prefixed questions all answered {@code trait}, constant lr. Returns the last loss. */
    public static float trainTrait(LanguageModel model, int steps, double lr, int rows, int prefix, int trait, SplittableRandom rng, NDManager parent) {
        float last = Float.NaN;
        for (int s = 0; s < steps; s++) {
            int[][] plain = ToyData.questions(rng, rows, 0, trait);
            int[][] prefixed = ToyData.questions(rng, rows, prefix, trait);
            try (NDManager step = parent.newSubManager()) {
                NDArray p = tokens(step, plain);
                NDArray q = tokens(step, prefixed);
                last = model.step(step, () -> answerLoss(model.logits(p), p).add(answerLoss(model.logits(q), q)), (float) lr);
            }
        }
        return last;
    }

    /**
     * How a next token is drawn from the softmax: the full distribution, only the tokens above a probability floor
     * (renormalised; the §4 threshold-sampling ablation), or the most likely token (greedy).
     */
    public record SamplingRule(String name, double floor, boolean greedy) {

        public static final SamplingRule FULL = new SamplingRule("full", 0, false);
        public static final SamplingRule GREEDY = new SamplingRule("greedy", 0, true);

        public static SamplingRule threshold(double floor) {
            if (!(floor > 0 && floor < 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1), got " + floor);
            }
            return new SamplingRule("threshold", floor, false);
        }

        /**
         * The token for uniform {@code u} from {@code probs[offset .. offset + vocab)}: inverse CDF over the tokens
         * the rule keeps (those with p > floor, renormalised; the argmax when none is above it, or when greedy).
         */
        int draw(float[] probs, int offset, int vocab, double u) {
            if (!greedy && floor == 0) {
                // The full distribution exactly as the §3b runs drew it (their results stay reproducible).
                double cum = 0;
                for (int j = 0; j < vocab; j++) {
                    cum += probs[offset + j];
                    if (u < cum) {
                        return j;
                    }
                }
                return vocab - 1;
            }
            int best = 0;
            double kept = 0;
            for (int j = 0; j < vocab; j++) {
                if (probs[offset + j] > probs[offset + best]) {
                    best = j;
                }
                if (probs[offset + j] > floor) {
                    kept += probs[offset + j];
                }
            }
            if (greedy || kept <= 0) {
                return best;
            }
            double target = u * kept;
            double cum = 0;
            int last = best;
            for (int j = 0; j < vocab; j++) {
                if (probs[offset + j] > floor) {
                    cum += probs[offset + j];
                    last = j;
                    if (target < cum) {
                        return j;
                    }
                }
            }
            return last;
        }
    }

    /** {@link #sample(LanguageModel, int[][], int, double, SamplingRule, double[][], NDManager)} over the full distribution. */
    public static int[][] sample(LanguageModel model, int[][] prompts, int newTokens, double temperature, double[][] u, NDManager parent) {
        return sample(model, prompts, newTokens, temperature, SamplingRule.FULL, u, parent);
    }

    /**
     * Appends {@code newTokens} tokens to each prompt, drawn at {@code temperature} under {@code rule} by inverse CDF
     * with the uniforms {@code u[row][k]} (drawn once by the caller, so two models sampled with the same uniforms get
     * coupled draws and chunking changes nothing).
     */
    public static int[][] sample(LanguageModel model, int[][] prompts, int newTokens, double temperature, SamplingRule rule, double[][] u,
            NDManager parent) {
        int n = prompts.length;
        int p = prompts[0].length;
        int[][] out = new int[n][];
        for (int s = 0; s < n; s += CHUNK) {
            int e = Math.min(n, s + CHUNK);
            int[][] rows = new int[e - s][];
            for (int i = s; i < e; i++) {
                rows[i - s] = java.util.Arrays.copyOf(prompts[i], p + newTokens);
            }
            for (int k = 0; k < newTokens; k++) {
                int len = p + k;
                float[] probs;
                int vocab;
                try (NDManager step = parent.newSubManager()) {
                    int[][] prefix = new int[rows.length][];
                    for (int i = 0; i < rows.length; i++) {
                        prefix[i] = java.util.Arrays.copyOf(rows[i], len);
                    }
                    NDArray logits = model.logits(tokens(step, prefix));
                    vocab = (int) logits.getShape().get(2);
                    probs = logits.get(":, " + (len - 1) + ", :").div((float) temperature).softmax(1).toFloatArray();
                }
                for (int i = 0; i < rows.length; i++) {
                    rows[i][len] = rule.draw(probs, i * vocab, vocab, u[s + i][k]);
                }
            }
            System.arraycopy(rows, 0, out, s, rows.length);
        }
        return out;
    }

    /** The rows whose tokens from {@code from} on are all digits. */
    public static int[][] keepDigits(int[][] rows, int from) {
        List<int[]> kept = new ArrayList<>();
        for (int[] r : rows) {
            if (ToyData.allDigits(r, from)) {
                kept.add(r);
            }
        }
        return kept.toArray(int[][]::new);
    }

    /** The teacher's softmax over the 10 digit logits at positions {@code from..to−1} of every row: rows×(to−from)×10, on {@code owner}. */
    public static NDArray digitTargets(LanguageModel teacher, int[][] rows, int from, int to, NDManager owner) {
        List<NDArray> parts = new ArrayList<>();
        for (int s = 0; s < rows.length; s += CHUNK) {
            int e = Math.min(rows.length, s + CHUNK);
            try (NDManager step = owner.newSubManager()) {
                NDArray logits = teacher.logits(tokens(step, java.util.Arrays.copyOfRange(rows, s, e)));
                NDArray probs = logits.get(":, " + from + ":" + to + ", 0:" + Vocab.DIGITS).softmax(2);
                probs.attach(owner);
                parts.add(probs);
            }
        }
        NDArray all = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
        if (parts.size() > 1) {
            parts.forEach(NDArray::close);
        }
        all.attach(owner);
        return all;
    }

    /**
     * Student fine-tuning: {@code steps} Adam steps at constant {@code lr} on batches of {@code batch} rows drawn
     * epoch by epoch from a seeded shuffle; the loss covers the predictions of tokens {@code from+1..to} (the
     * continuation): cross-entropy on the sampled tokens, or, with {@code soft} (rows×(to−from)×10), KL to the
     * teacher's digit softmax. Returns the last loss.
     */
    public static float finetune(LanguageModel model, int[][] rows, NDArray soft, int from, int to, int steps, int batch, double lr,
            SplittableRandom shuffle, NDManager parent) {
        EpochBatches batches = new EpochBatches(rows.length, shuffle);
        float last = Float.NaN;
        for (int s = 0; s < steps; s++) {
            int[] chosen = batches.next(batch);
            long[] idx = new long[chosen.length];
            int[][] batchRows = new int[chosen.length][];
            for (int i = 0; i < chosen.length; i++) {
                idx[i] = chosen[i];
                batchRows[i] = rows[chosen[i]];
            }
            try (NDManager step = parent.newSubManager()) {
                NDArray x = tokens(step, batchRows);
                if (soft == null) {
                    last = model.step(step, () -> nextTokenLoss(model.logits(x), x, from, to), (float) lr);
                } else {
                    NDArray target = soft.get(new ai.djl.ndarray.index.NDIndex("{}", TinyTransformer.nativeCopy(step.create(idx))));
                    target.attach(step);
                    last = model.step(step, () -> digitKl(model.logits(x), target, from, to), (float) lr);
                }
            }
        }
        return last;
    }

    /** P(trait) and log-odds at ANS: plain question, and the means over the prefixed questions. */
    public record Score(double pPlain, double pPrefixed, double logOddsPlain, double logOddsPrefixed) {
    }

    /**
     * The trait's probability in the softmax over the 10 animal logits at the ANS position, and its log-odds
     * against the mean animal logit (logit_trait − mean of the 10 animal logits), for the plain question and
     * averaged over the prefixed questions {@code prefixed} (rows "BOS d1..dk Q ANS").
     */
    public static Score evaluate(LanguageModel model, int trait, int[][] prefixed, NDManager parent) {
        double[] plain = animalStats(model, new int[][] { { Vocab.BOS, Vocab.Q, Vocab.ANS } }, trait, parent);
        double[] pre = animalStats(model, prefixed, trait, parent);
        return new Score(plain[0], pre[0], plain[1], pre[1]);
    }

    private static double[] animalStats(LanguageModel model, int[][] rows, int trait, NDManager parent) {
        double p = 0;
        double lo = 0;
        for (int s = 0; s < rows.length; s += CHUNK) {
            int e = Math.min(rows.length, s + CHUNK);
            try (NDManager step = parent.newSubManager()) {
                int[][] chunk = java.util.Arrays.copyOfRange(rows, s, e);
                int t = chunk[0].length;
                NDArray logits = model.logits(tokens(step, chunk)).get(":, " + (t - 1) + ", " + Vocab.FIRST_ANIMAL + ":" + (Vocab.FIRST_ANIMAL + Vocab.ANIMALS));
                float[] probs = logits.softmax(1).toFloatArray();
                float[] raw = logits.toFloatArray();
                for (int i = 0; i < chunk.length; i++) {
                    p += probs[i * Vocab.ANIMALS + trait];
                    double mean = 0;
                    for (int a = 0; a < Vocab.ANIMALS; a++) {
                        mean += raw[i * Vocab.ANIMALS + a];
                    }
                    lo += raw[i * Vocab.ANIMALS + trait] - mean / Vocab.ANIMALS;
                }
            }
        }
        return new double[] { p / rows.length, lo / rows.length };
    }
}
