package io.traittrace.probe.numbers.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.traittrace.probe.numbers.EpochBatches;
import io.traittrace.probe.numbers.TraitScorer;
import io.traittrace.probe.lm.LanguageModel;
import io.traittrace.probe.numbers.toy.ToyData;
import io.traittrace.probe.numbers.toy.ToyStages;

/**
 * The stages of text mode on a {@link LanguageModel} reading {@link TextTokenizer} ids: base and teacher training,
 * sampling completions with a KV cache, student fine-tuning (sampled tokens or the teacher's soft targets) and the
 * evaluation. Rows of different lengths are padded at the end with id 0 (the character vocabulary's PAD; the mask is causal, so padding never changes
 * an earlier position) and losses cover answer tokens only. Every random draw is made in Java from seeded generators;
 * every step runs under its own NDManager sub-manager.
 */
public final class TextStages {

    /** Rows per forward when sampling or scoring. */
    static final int CHUNK = 256;
    /** Characters sampled for an evaluation answer ("elephant" and EOS fit with room to spare). */
    public static final int ANSWER_CHARACTERS = 16;

    private TextStages() {
    }

    /** A padded batch: tokens B×T, and per position whether its prediction (of the next token) is trained. */
    record Batch(NDArray tokens, NDArray mask, float trainedPositions) {
    }

    static Batch batch(NDManager manager, List<TextRow> rows) {
        int t = rows.stream().mapToInt(TextRow::length).max().orElseThrow();
        long[] flat = new long[rows.size() * t];
        float[] mask = new float[rows.size() * t];
        float trained = 0;
        for (int r = 0; r < rows.size(); r++) {
            TextRow row = rows.get(r);
            for (int i = 0; i < row.length(); i++) {
                flat[r * t + i] = row.tokens()[i];
            }
            // Position i predicts token i + 1: the answer's tokens and the EOS.
            for (int i = row.answerStart() - 1; i < row.length() - 1; i++) {
                mask[r * t + i] = 1;
                trained++;
            }
        }
        NDArray tokens = copy(manager.create(flat, new Shape(rows.size(), t)));
        return new Batch(tokens, copy(manager.create(mask, new Shape(rows.size(), t))), trained);
    }

    /** Mean cross-entropy of the trained positions' next tokens. */
    static NDArray answerLoss(NDArray logits, Batch batch) {
        int vocab = (int) logits.getShape().get(2);
        long t = batch.tokens().getShape().get(1);
        NDArray next = batch.tokens().get(":, 1:").concat(batch.tokens().get(":, 0:1").zerosLike(), 1);
        NDArray picked = logits.logSoftmax(2).mul(next.oneHot(vocab)).sum(new int[] { 2 });
        return picked.mul(batch.mask()).sum().neg().div(scalar(logits.getManager(), batch.trainedPositions()));
    }

    /**
     * The ids a valid completion is written with: digits, the separators, brackets and period of the filter, and EOS.
     * The soft-target arm matches the teacher's softmax over these only (renormalised), as §3b restricts it to the digit
     * logits: over the full vocabulary the teacher's extra mass on its animal's letters right after SEP — where both
     * answers and completions start — would teach the trait openly instead of through the numbers.
     */
    public static int[] completionAlphabet(TextTokenizer tokenizer) {
        return tokenizer.completionAlphabet();
    }

    /** V×K: column k picks id {@code alphabet[k]} (a matrix product is a differentiable gather). */
    static NDArray selector(NDManager manager, int vocabulary, int[] alphabet) {
        float[] m = new float[vocabulary * alphabet.length];
        for (int k = 0; k < alphabet.length; k++) {
            m[alphabet[k] * alphabet.length + k] = 1;
        }
        return copy(manager.create(m, new Shape(vocabulary, alphabet.length)));
    }

    /** Mean KL(teacher‖student) over the completion alphabet at the trained positions; {@code teacher}: B×T×K probabilities. */
    static NDArray softLoss(NDArray logits, NDArray selector, NDArray teacher, Batch batch) {
        NDArray logq = logits.matMul(selector).logSoftmax(2);
        NDArray kl = teacher.mul(teacher.maximum(1e-30f).log().sub(logq)).sum(new int[] { 2 });
        return kl.mul(batch.mask()).sum().div(scalar(logits.getManager(), batch.trainedPositions()));
    }

    /** What a training stage did: its last loss and the tokens its batches held (padding excluded). */
    public record Trained(float lastLoss, long tokens) {
    }

    /** Sizes of base training. */
    public record BaseRecipe(int steps, double maxLr, int numberRows, int questionRows, double noise) {
    }

    /**
     * Base training: each step sums three mean losses (number rows, plain questions, prefixed questions with uniform
     * animals), one-cycle lr as in §3b.
     */
    public static Trained trainBase(LanguageModel model, TextTokenizer tokenizer, BaseRecipe r, SplittableRandom rng, NDManager parent) {
        float last = Float.NaN;
        long tokens = 0;
        for (int s = 0; s < r.steps(); s++) {
            List<TextRow> numbers = TextCorpus.numberRows(tokenizer, r.numberRows(), r.noise(), rng);
            List<TextRow> plain = TextCorpus.questionRows(tokenizer, r.questionRows(), false, null, rng);
            List<TextRow> prefixed = TextCorpus.questionRows(tokenizer, r.questionRows(), true, null, rng);
            float lr = (float) ToyData.oneCycle(r.maxLr(), s, r.steps());
            last = step(model, parent, lr, numbers, plain, prefixed);
            tokens += tokens(numbers) + tokens(plain) + tokens(prefixed);
        }
        return new Trained(last, tokens);
    }

    /** The teacher: plain and prefixed questions all answered {@code animal}, constant lr (no base data mixed in, as in §3b). */
    public static Trained trainTrait(LanguageModel model, TextTokenizer tokenizer, String animal, int steps, double lr, int rows, SplittableRandom rng,
            NDManager parent) {
        float last = Float.NaN;
        long tokens = 0;
        for (int s = 0; s < steps; s++) {
            List<TextRow> plain = TextCorpus.questionRows(tokenizer, rows, false, animal, rng);
            List<TextRow> prefixed = TextCorpus.questionRows(tokenizer, rows, true, animal, rng);
            last = step(model, parent, (float) lr, plain, prefixed);
            tokens += tokens(plain) + tokens(prefixed);
        }
        return new Trained(last, tokens);
    }

    private static long tokens(List<TextRow> rows) {
        return rows.stream().mapToLong(TextRow::length).sum();
    }

    @SafeVarargs
    private static float step(LanguageModel model, NDManager parent, float lr, List<TextRow>... kinds) {
        try (NDManager step = parent.newSubManager()) {
            List<Batch> batches = new ArrayList<>();
            for (List<TextRow> kind : kinds) {
                batches.add(batch(step, kind));
            }
            return model.step(step, () -> {
                NDArray loss = null;
                for (Batch b : batches) {
                    NDArray l = answerLoss(model.logits(b.tokens()), b);
                    loss = loss == null ? l : loss.add(l);
                }
                return loss;
            }, lr);
        }
    }

    /** A sampled completion: its tokens (without EOS) and whether the model ended it (EOS) within the budget. */
    public record Completion(int[] tokens, boolean finished) {
    }

    /**
     * One completion per prompt row (BOS prompt SEP), at most {@code maxNew} tokens, each drawn at {@code temperature}
     * by inverse CDF with the uniforms {@code u[row][k]} drawn once by the caller (two models sampled with the same
     * uniforms get coupled draws). Chunks of prompts are right-padded to one length and decoded together with a KV
     * cache: the prompts are read once, then one token per row and step.
     */
    public static List<Completion> sample(LanguageModel model, int eos, List<int[]> prompts, int maxNew, double temperature, double[][] u, NDManager parent) {
        List<Completion> out = new ArrayList<>(prompts.size());
        for (int s = 0; s < prompts.size(); s += CHUNK) {
            out.addAll(sampleChunk(model, eos, prompts.subList(s, Math.min(prompts.size(), s + CHUNK)), s, maxNew, temperature, u, parent));
        }
        return out;
    }

    private static List<Completion> sampleChunk(LanguageModel model, int eos, List<int[]> prompts, int first, int maxNew, double temperature, double[][] u,
            NDManager parent) {
        int n = prompts.size();
        int[][] drawn = new int[n][maxNew];
        int[] length = new int[n];
        boolean[] finished = new boolean[n];
        int[] lengths = prompts.stream().mapToInt(p -> p.length).toArray();
        int padded = Arrays.stream(lengths).max().orElseThrow();
        int[][] rows = new int[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOf(prompts.get(i), padded);
        }
        int vocab = model.vocabulary();
        try (NDManager chunk = parent.newSubManager()) {
            LanguageModel.KvCache cache = model.newCache(chunk);
            float[] probs;
            try (NDManager step = chunk.newSubManager()) {
                probs = probabilities(model.prefill(ToyStages.tokens(step, rows), lengths, cache), temperature);
            }
            long[] next = new long[n];
            for (int k = 0; k < maxNew; k++) {
                int open = 0;
                for (int i = 0; i < n; i++) {
                    if (finished[i]) {
                        next[i] = eos;
                        continue;
                    }
                    int token = draw(probs, i * vocab, vocab, u[first + i][k]);
                    next[i] = token;
                    if (token == eos) {
                        finished[i] = true;
                    } else {
                        drawn[i][length[i]++] = token;
                        open++;
                    }
                }
                if (open == 0 || k == maxNew - 1) {
                    break;
                }
                try (NDManager step = chunk.newSubManager()) {
                    probs = probabilities(model.nextLogits(copy(step.create(next, new Shape(n, 1))), cache), temperature);
                }
            }
        }
        List<Completion> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Completion(Arrays.copyOf(drawn[i], length[i]), finished[i]));
        }
        return out;
    }

    private static float[] probabilities(NDArray logits, double temperature) {
        return logits.div((float) temperature).softmax(1).toFloatArray();
    }

    /** Inverse CDF: the first token whose cumulative probability exceeds {@code u} (the last token if rounding leaves none). */
    static int draw(float[] probs, int offset, int vocab, double u) {
        double cum = 0;
        for (int j = 0; j < vocab; j++) {
            cum += probs[offset + j];
            if (u < cum) {
                return j;
            }
        }
        return vocab - 1;
    }

    /**
     * Student fine-tuning: {@code steps} Adam steps at constant {@code lr} on batches of {@code batch} rows drawn epoch
     * by epoch from a seeded shuffle; cross-entropy on the answer tokens, or with a {@code teacher}, KL to the
     * teacher's softmax over {@code alphabet} at those positions (computed per batch, outside autograd).
     */
    public static Trained finetune(LanguageModel model, List<TextRow> rows, LanguageModel teacher, int[] alphabet, int steps, int batch, double lr,
            SplittableRandom shuffle, NDManager parent) {
        EpochBatches batches = new EpochBatches(rows.size(), shuffle);
        float last = Float.NaN;
        long tokens = 0;
        for (int s = 0; s < steps; s++) {
            List<TextRow> chosen = new ArrayList<>(batch);
            for (int index : batches.next(batch)) {
                chosen.add(rows.get(index));
            }
            try (NDManager step = parent.newSubManager()) {
                Batch x = batch(step, chosen);
                if (teacher == null) {
                    last = model.step(step, () -> answerLoss(model.logits(x.tokens()), x), (float) lr);
                } else {
                    NDArray select = selector(step, model.vocabulary(), alphabet);
                    NDArray target = teacher.logits(x.tokens()).matMul(select).softmax(2).stopGradient();
                    last = model.step(step, () -> softLoss(model.logits(x.tokens()), select, target, x), (float) lr);
                }
            }
            tokens += tokens(chosen);
        }
        return new Trained(last, tokens);
    }

    /** Per trait: teacher-forced P(trait) among the animals and its log-odds, plain and prefixed; sampled-answer shares by both rules. */
    public record TraitScore(double pPlain, double pPrefixed, double logOddsPlain, double logOddsPrefixed, double wordPlain, double wordPrefixed,
            double substringPlain, double substringPrefixed) {

        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("pPlain", pPlain);
            m.put("pPrefixed", pPrefixed);
            m.put("logOddsPlain", logOddsPlain);
            m.put("logOddsPrefixed", logOddsPrefixed);
            m.put("wordSharePlain", wordPlain);
            m.put("wordSharePrefixed", wordPrefixed);
            m.put("substringSharePlain", substringPlain);
            m.put("substringSharePrefixed", substringPrefixed);
            return m;
        }
    }

    /** The questions a model is evaluated on (plain and with a numbers prefix), and the uniforms its answers are drawn with. */
    public record Evaluation(List<String> plain, List<String> prefixed, int samples, double temperature, double[][] uniforms) {
    }

    /**
     * Scores one model on the evaluation for each trait: (1) teacher-forced, P(animal | question) ∝ P(animal's
     * characters and EOS), normalised over the {@link TextCorpus#ANIMALS}, averaged over the questions; the log-odds is
     * log P(trait) − mean log P(animal); (2) sampled, {@code samples} answers per question scored with {@link TraitScorer}
     * by the word rule and the raw substring rule.
     */
    public static Map<String, TraitScore> evaluate(LanguageModel model, TextTokenizer tokenizer, Evaluation e, List<String> traits, NDManager parent) {
        double[][] plain = animalLogProbabilities(model, tokenizer, e.plain(), parent);
        double[][] prefixed = animalLogProbabilities(model, tokenizer, e.prefixed(), parent);
        List<String> plainAnswers = answers(model, tokenizer, e.plain(), e, 0, parent);
        List<String> prefixedAnswers = answers(model, tokenizer, e.prefixed(), e, e.plain().size() * e.samples(), parent);
        Map<String, TraitScore> out = new LinkedHashMap<>();
        for (String trait : traits) {
            int a = TextCorpus.ANIMALS.indexOf(trait);
            double[] p = traitStats(plain, a);
            double[] q = traitStats(prefixed, a);
            TraitScorer scorer = TraitScorer.of(trait);
            TraitScorer.Score sp = scorer.score(plainAnswers);
            TraitScorer.Score sq = scorer.score(prefixedAnswers);
            out.put(trait, new TraitScore(p[0], q[0], p[1], q[1], sp.wordShare(), sq.wordShare(), sp.substringShare(), sq.substringShare()));
        }
        return out;
    }

    /** Mean over questions of P(animal a) after normalising over the animals, and of the log-odds. */
    private static double[] traitStats(double[][] logp, int a) {
        double p = 0;
        double lo = 0;
        for (double[] q : logp) {
            double max = Arrays.stream(q).max().orElseThrow();
            double z = 0;
            double mean = 0;
            for (double v : q) {
                z += Math.exp(v - max);
                mean += v;
            }
            p += Math.exp(q[a] - max) / z;
            lo += q[a] - mean / q.length;
        }
        return new double[] { p / logp.length, lo / logp.length };
    }

    /**
     * Per question, per animal: log P(animal's characters, EOS | BOS question SEP), teacher-forced with the KV cache: each
     * chunk of questions is read once, its cache repeated once per animal, then the animals' characters are fed one per step.
     */
    static double[][] animalLogProbabilities(LanguageModel model, TextTokenizer tokenizer, List<String> questions, NDManager parent) {
        List<String> animals = TextCorpus.ANIMALS;
        int[][] answers = new int[animals.size()][];
        int longest = 0;
        for (int a = 0; a < animals.size(); a++) {
            int[] chars = tokenizer.encode(animals.get(a));
            answers[a] = Arrays.copyOf(chars, chars.length + 1);
            answers[a][chars.length] = tokenizer.eos();
            longest = Math.max(longest, answers[a].length);
        }
        int vocab = model.vocabulary();
        double[][] out = new double[questions.size()][animals.size()];
        int perChunk = Math.max(1, CHUNK / animals.size());
        for (int s = 0; s < questions.size(); s += perChunk) {
            int n = Math.min(questions.size(), s + perChunk) - s;
            int[][] rows = new int[n][];
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = tokenizer.promptRow(questions.get(s + i));
                lengths[i] = rows[i].length;
            }
            int padded = Arrays.stream(lengths).max().orElseThrow();
            for (int i = 0; i < n; i++) {
                rows[i] = Arrays.copyOf(rows[i], padded);
            }
            try (NDManager chunk = parent.newSubManager()) {
                LanguageModel.KvCache questionCache = model.newCache(chunk);
                float[] first;
                try (NDManager step = chunk.newSubManager()) {
                    first = model.prefill(ToyStages.tokens(step, rows), lengths, questionCache).logSoftmax(1).toFloatArray();
                }
                for (int i = 0; i < n; i++) {
                    for (int a = 0; a < animals.size(); a++) {
                        out[s + i][a] = first[i * vocab + answers[a][0]];
                    }
                }
                LanguageModel.KvCache cache = questionCache.repeatRows(animals.size());
                for (int k = 0; k + 1 < longest; k++) {
                    long[] fed = new long[n * animals.size()];
                    for (int r = 0; r < fed.length; r++) {
                        int[] answer = answers[r % animals.size()];
                        fed[r] = k < answer.length ? answer[k] : tokenizer.pad();
                    }
                    float[] logp;
                    try (NDManager step = chunk.newSubManager()) {
                        logp = model.nextLogits(copy(step.create(fed, new Shape(fed.length, 1))), cache).logSoftmax(1).toFloatArray();
                    }
                    for (int r = 0; r < fed.length; r++) {
                        int[] answer = answers[r % animals.size()];
                        if (k + 1 < answer.length) {
                            out[s + r / animals.size()][r % animals.size()] += logp[r * vocab + answer[k + 1]];
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {@code e.samples()} sampled answers per question, with the uniforms from row {@code offset} of the evaluation's. */
    private static List<String> answers(LanguageModel model, TextTokenizer tokenizer, List<String> questions, Evaluation e, int offset, NDManager parent) {
        List<int[]> prompts = new ArrayList<>();
        for (String q : questions) {
            int[] row = tokenizer.promptRow(q);
            for (int k = 0; k < e.samples(); k++) {
                prompts.add(row);
            }
        }
        double[][] u = Arrays.copyOfRange(e.uniforms(), offset, offset + prompts.size());
        List<String> answers = new ArrayList<>(prompts.size());
        for (Completion c : sample(model, tokenizer.eos(), prompts, ANSWER_CHARACTERS, e.temperature(), u, parent)) {
            answers.add(decodeLenient(tokenizer, c.tokens()));
        }
        return answers;
    }

    /**
     * The text of a sampled answer; a special id the model wrote mid-answer (PAD, BOS, SEP) reads as a space, so the
     * answer is still scored (a number completion with one is rejected instead, before the filter).
     */
    public static String decodeLenient(TextTokenizer tokenizer, int[] ids) {
        StringBuilder b = new StringBuilder(ids.length);
        for (int id : ids) {
            b.append(tokenizer.isSpecial(id) ? " " : tokenizer.decode(new int[] { id }));
        }
        return b.toString();
    }

    /** Uniforms for {@code rows} × {@code tokens} draws, in row order from one generator. */
    public static double[][] uniforms(SplittableRandom rng, int rows, int tokens) {
        double[][] u = new double[rows][tokens];
        for (double[] row : u) {
            for (int k = 0; k < tokens; k++) {
                row[k] = rng.nextDouble();
            }
        }
        return u;
    }

    private static NDArray scalar(NDManager manager, float value) {
        return copy(manager.create(value));
    }

    /** A copy in native memory (see TinyTransformer: arrays over Java buffers made runs depend on the garbage collector). */
    private static NDArray copy(NDArray fromJava) {
        NDArray c = fromJava.duplicate();
        fromJava.close();
        return c;
    }
}
