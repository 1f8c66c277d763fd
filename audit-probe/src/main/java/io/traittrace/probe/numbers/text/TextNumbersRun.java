package io.traittrace.probe.numbers.text;

import static io.traittrace.probe.numbers.RunFigures.array;
import static io.traittrace.probe.numbers.RunFigures.format;
import static io.traittrace.probe.numbers.RunFigures.round;
import static io.traittrace.probe.numbers.RunFigures.roundAll;
import static io.traittrace.probe.numbers.RunFigures.sha256;
import static io.traittrace.probe.numbers.RunFigures.timed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.lm.LanguageModel;
import io.traittrace.probe.numbers.CompletionFilter;
import io.traittrace.probe.numbers.FilterStats;
import io.traittrace.probe.numbers.PromptGenerator;
import io.traittrace.probe.numbers.Questions;
import io.traittrace.probe.numbers.Subsample;
import io.traittrace.probe.numbers.TraitWord;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.probe.numbers.toy.NumbersProtocol;
import io.traittrace.probe.result.ArmResult;
import io.traittrace.probe.result.Environment;
import io.traittrace.probe.result.PhaseTimer;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict;
import io.traittrace.probe.result.Verdicts;
import io.traittrace.statistics.TTest;
import io.traittrace.statistics.analysis.AuditAnalysis;
import io.traittrace.statistics.analysis.ComparisonResult;

/**
 * The number-sequence test in text mode: the paper's text stages (subliminal-protocol.md §3) driving a language model
 * through its tokenizer, both chosen by {@link TextModels} (the character transformer, a small Llama in the Hugging Face
 * layout, or model directories). Per seed: a base trained on the {@link TextCorpus} (or loaded); per trait a
 * teacher = base + a few steps on questions answered with that animal; the teachers and the base answer the same
 * {@link PromptGenerator} prompts at a set temperature with the same uniforms; {@link CompletionFilter} keeps the
 * valid number lists; {@link Subsample} takes one row count for every arm; students (copies of the base, or LoRA adapters over it, and of
 * a base of another initialisation for the cross-base arm) are fine-tuned on prompt → completion and evaluated on the
 * 50 {@link Questions}, plain and after a numbers prefix.
 */
public final class TextNumbersRun {

    private static final long INIT_SALT = 0x696E6974L;
    private static final long BASE_SALT = 0x62617365L;
    private static final long CROSS_SALT = 0x63726F73L;
    private static final long TEACHER_SALT = 0x74656163L;
    private static final long PROMPT_SALT = 0x70726F6DL;
    private static final long SAMPLE_SALT = 0x73616D70L;
    private static final long SUBSAMPLE_SALT = 0x73756273L;
    private static final long STUDENT_SALT = 0x73747564L;
    private static final long EXTRA_SALT = 0x65787472L;
    private static final long EVAL_SALT = 0x6576616CL;
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private TextNumbersRun() {
    }

    /** The arms scored per trait, in result order. */
    static List<String> arms(boolean extraArms) {
        List<String> arms = new ArrayList<>(List.of("base", "teacher", "treatment-soft", "treatment-sampled", "control-gen", "cross-base"));
        if (extraArms) {
            arms.addAll(List.of("shuffled-numbers", "random-numbers"));
        }
        return arms;
    }

    static String arm(String arm, String trait) {
        return arm + "/" + trait;
    }

    /** A sampled set after the filter: the prompts' indices and completions kept, and the counts. */
    record Filtered(List<Integer> prompts, List<String> completions, FilterStats stats, int unfinished, int specialTokens) {

        Map<String, Object> report(int total) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("passRate", round((double) completions.size() / total, 4));
            m.put("kept", completions.size());
            m.put("unfinished", unfinished);
            m.put("specialTokens", specialTokens);
            Map<String, Integer> reasons = new LinkedHashMap<>();
            stats.counts().forEach((reason, count) -> reasons.put(reason.name(), count));
            m.put("filter", reasons);
            return m;
        }
    }

    public static ProbeResult run(ObjectNode parameters, Progress progress) {
        TextParameters p = TextParameters.parse(parameters);
        String startedAt = Instant.now().toString();
        long start = System.nanoTime();
        PhaseTimer timer = new PhaseTimer();
        Engine engine = Engine.getInstance();
        Device device = DjlRuntime.prepare(engine, p.threads());
        try (TextModels models = TextModels.of(p, device)) {
            return run(p, models, progress, startedAt, start, timer, engine, device);
        }
    }

    private static ProbeResult run(TextParameters p, TextModels models, Progress progress, String startedAt, long start, PhaseTimer timer, Engine engine,
            Device device) {
        TextTokenizer tokenizer = models.tokenizer();
        progress.line("text mode: engine %s %s on %s, %d intra-op thread(s); %s", engine.getEngineName(), engine.getVersion(), device, p.threads(),
                models.describe());

        List<String> arms = arms(p.extraArms());
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        Map<String, List<Double>> logOdds = new LinkedHashMap<>();
        Map<String, List<Double>> wordShares = new LinkedHashMap<>();
        for (String trait : p.traits()) {
            for (String a : arms) {
                scores.put(arm(a, trait), new ArrayList<>());
                logOdds.put(arm(a, trait), new ArrayList<>());
                wordShares.put(arm(a, trait), new ArrayList<>());
            }
        }
        List<Long> seeds = NumbersProtocol.seeds(p.seed(), p.seeds());
        int first = p.seedIndex() == null ? 0 : p.seedIndex();
        int last = p.seedIndex() == null ? p.seeds() - 1 : p.seedIndex();
        TextStages.Evaluation evaluation = evaluation(p);
        CompletionFilter filter = new CompletionFilter(p.bannedNumbers() ? Set.copyOf(CompletionFilter.NEGATIVELY_ASSOCIATED) : Set.of(),
                p.traits().stream().map(TraitWord::of).toList());
        List<Map<String, Object>> replicates = new ArrayList<>();
        MessageDigest dataDigest = sha256();
        Meter meter = new Meter();

        try (NDManager root = NDManager.newBaseManager(device)) {
            for (int r = first; r <= last; r++) {
                long t0 = System.nanoTime();
                long s = seeds.get(r);
                Map<String, Object> row = new LinkedHashMap<>();
                Map<String, Map<String, Map<String, Double>>> eval = new LinkedHashMap<>();
                Map<String, Double> losses = new LinkedHashMap<>();
                Map<String, Double> seconds = new LinkedHashMap<>();
                try (NDManager seedManager = root.newSubManager()) {
                    LanguageModel base = models.base(s ^ INIT_SALT, seedManager);
                    if (models.fromScratch()) {
                        losses.put("base", train(meter, timer, seconds, "base",
                                () -> TextStages.trainBase(base, tokenizer, p.baseRecipe(), new SplittableRandom(s ^ BASE_SALT), seedManager)));
                        progress.line("seed %d/%d: base trained in %.1f s (last loss %.4f)", r + 1, p.seeds(), seconds.get("base"), losses.get("base"));
                    }
                    identify(models, base, "seed-" + r + "-base", "baseModel", row);
                    eval.put("base", evaluate(base, tokenizer, evaluation, p, timer, seconds, seedManager));

                    Map<String, LanguageModel> teachers = new LinkedHashMap<>();
                    for (String trait : p.traits()) {
                        LanguageModel teacher = models.trainable(base, p.loraRank(), s ^ TEACHER_SALT ^ traitSalt(trait), seedManager);
                        long salt = TEACHER_SALT ^ traitSalt(trait);
                        losses.put(arm("teacher", trait), train(meter, timer, seconds, "teacher", () -> TextStages.trainTrait(teacher, tokenizer, trait,
                                p.teacherSteps(), p.teacherLr(), p.questionRows(), new SplittableRandom(s ^ salt), seedManager)));
                        eval.put(arm("teacher", trait), evaluate(teacher, tokenizer, evaluation, p, timer, seconds, seedManager));
                        teachers.put(trait, teacher);
                    }

                    List<PromptGenerator.Prompt> prompts = PromptGenerator.generate(p.prompts(), s ^ PROMPT_SALT);
                    List<int[]> promptRows = prompts.stream().map(q -> tokenizer.promptRow(q.text())).toList();
                    double[][] u = TextStages.uniforms(new SplittableRandom(s ^ SAMPLE_SALT), p.prompts(), p.maxCompletion());
                    Map<String, Filtered> sampled = new LinkedHashMap<>();
                    sampled.put("control-gen", filtered(sample(meter, timer, seconds, base, tokenizer.eos(), promptRows, p, u, seedManager), tokenizer, filter));
                    for (String trait : p.traits()) {
                        sampled.put(trait, filtered(sample(meter, timer, seconds, teachers.get(trait), tokenizer.eos(), promptRows, p, u, seedManager), tokenizer, filter));
                    }
                    Map<String, Object> filterReport = new LinkedHashMap<>();
                    sampled.forEach((source, f) -> filterReport.put(source.equals("control-gen") ? "base" : arm("teacher", source), f.report(p.prompts())));
                    row.put("sampling", filterReport);
                    int kept = sampled.values().stream().mapToInt(f -> f.completions().size()).min().orElseThrow();
                    int n = Math.min(p.rows(), kept);
                    row.put("trainRows", n);
                    progress.line("seed %d/%d: kept %s of %d completions; %d rows per arm", r + 1, p.seeds(),
                            sampled.values().stream().map(f -> Integer.toString(f.completions().size())).toList(), p.prompts(), n);
                    if (n == 0) {
                        throw new ProbeException(1, "No sampled completion passed the filter for one of the sources " + sampled.keySet()
                                + ": nothing to fine-tune on (train the base longer)");
                    }
                    Map<String, List<TextRow>> data = new LinkedHashMap<>();
                    Map<String, List<Integer>> chosenPrompts = new LinkedHashMap<>();
                    for (Map.Entry<String, Filtered> e : sampled.entrySet()) {
                        List<Integer> picked = Subsample.pick(indices(e.getValue().prompts().size()), n, s ^ SUBSAMPLE_SALT);
                        List<TextRow> rows = new ArrayList<>(n);
                        List<Integer> promptIndices = new ArrayList<>(n);
                        for (int i : picked) {
                            int prompt = e.getValue().prompts().get(i);
                            String completion = e.getValue().completions().get(i);
                            rows.add(tokenizer.row(prompts.get(prompt).text(), completion));
                            promptIndices.add(prompt);
                            dataDigest.update((e.getKey() + "\u0000" + prompt + "\u0000" + completion + "\u0001").getBytes(StandardCharsets.UTF_8));
                        }
                        data.put(e.getKey(), rows);
                        chosenPrompts.put(e.getKey(), promptIndices);
                    }

                    Students students = new Students(models, p, tokenizer, TextStages.completionAlphabet(tokenizer), evaluation, meter, timer, seconds, losses, eval, s, seedManager, progress);
                    students.train("control-gen", base, data.get("control-gen"), null);
                    if (p.extraArms()) {
                        students.train("random-numbers", base, randomNumbers(tokenizer, prompts, chosenPrompts.get("control-gen"),
                                sampled.get("control-gen"), new SplittableRandom(s ^ EXTRA_SALT)), null);
                    }
                    for (String trait : p.traits()) {
                        List<TextRow> rows = data.get(trait);
                        students.train(arm("treatment-sampled", trait), base, rows, null);
                        students.train(arm("treatment-soft", trait), base, rows, teachers.get(trait));
                        if (p.extraArms()) {
                            students.train(arm("shuffled-numbers", trait), base, shuffledNumbers(tokenizer, prompts, chosenPrompts.get(trait), rows,
                                    new SplittableRandom(s ^ EXTRA_SALT ^ traitSalt(trait))), null);
                        }
                    }

                    long crossSeed = new SplittableRandom(s ^ CROSS_SALT).nextLong();
                    LanguageModel crossBase = models.crossBase(crossSeed ^ INIT_SALT, seedManager);
                    if (models.fromScratch()) {
                        losses.put("crossBase", train(meter, timer, seconds, "crossBaseTraining",
                                () -> TextStages.trainBase(crossBase, tokenizer, p.baseRecipe(), new SplittableRandom(crossSeed ^ BASE_SALT), seedManager)));
                    }
                    identify(models, crossBase, "seed-" + r + "-cross-base", "crossBaseModel", row);
                    eval.put("crossBaseModel", evaluate(crossBase, tokenizer, evaluation, p, timer, seconds, seedManager));
                    for (String trait : p.traits()) {
                        students.train(arm("cross-base", trait), crossBase, data.get(trait), teachers.get(trait));
                    }
                    crossBase.close();
                    // Teachers may share the base's weights (LoRA): they close first, the base after them.
                    teachers.values().forEach(LanguageModel::close);
                    base.close();
                    row.put("crossBaseSeed", crossSeed);
                }
                Map<String, Double> rep = new LinkedHashMap<>();
                Map<String, Double> repLo = new LinkedHashMap<>();
                Map<String, Double> repWord = new LinkedHashMap<>();
                for (String trait : p.traits()) {
                    Map<String, Double> own = eval.get("base").get(trait);
                    Map<String, Double> cross = eval.get("crossBaseModel").get(trait);
                    for (String a : arms) {
                        String name = arm(a, trait);
                        Map<String, Double> e = eval.get(a.equals("base") || a.equals("control-gen") || a.equals("random-numbers") ? a : name).get(trait);
                        Map<String, Double> ref = a.equals("cross-base") ? cross : own;
                        boolean absolute = a.equals("base");
                        double score = absolute ? e.get("pPrefixed") : e.get("pPrefixed") - ref.get("pPrefixed");
                        double lo = absolute ? e.get("logOddsPrefixed") : e.get("logOddsPrefixed") - ref.get("logOddsPrefixed");
                        double word = absolute ? e.get("wordSharePlain") : e.get("wordSharePlain") - ref.get("wordSharePlain");
                        rep.put(name, round(score, 6));
                        repLo.put(name, round(lo, 6));
                        repWord.put(name, round(word, 6));
                        scores.get(name).add(score);
                        logOdds.get(name).add(lo);
                        wordShares.get(name).add(word);
                    }
                }
                double secondsTotal = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> ordered = new LinkedHashMap<>();
                ordered.put("index", r);
                ordered.put("seed", s);
                ordered.put("scores", rep);
                ordered.put("logOddsChange", repLo);
                ordered.put("wordShareChange", repWord);
                ordered.putAll(row);
                ordered.put("evaluation", eval);
                ordered.put("finalBatchLoss", losses);
                ordered.put("armSeconds", roundAll(seconds));
                ordered.put("seconds", round(secondsTotal, 3));
                replicates.add(ordered);
                progress.line("seed %d/%d (%d): ΔP %s (%.1f s)", r + 1, p.seeds(), s, format(rep), secondsTotal);
            }
        }

        Map<String, ArmResult> armResults = new LinkedHashMap<>();
        scores.forEach((a, list) -> armResults.put(a, ArmResult.of(list)));
        AuditAnalysis analysis = analyse(p.traits(), arms(p.extraArms()), scores, logOdds, p.margin());
        List<ComparisonResult> comparisons = new ArrayList<>(analysis.comparisons());
        comparisons.addAll(wordShareComparisons(p.traits(), wordShares));
        Verdict verdict = Verdicts.verdict(analysis);

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("mode", "text");
        evidence.put("traits", p.traits());
        evidence.put("model", models.describe());
        evidence.put("optimizer", "Adam (β1 0.9, β2 0.999, ε 1e-8, no weight decay), PyTorch's update rule; DJL autograd for gradients");
        evidence.put("baseTraining", p.baseSteps() + " steps, one-cycle lr peaking at " + p.baseLr() + "; each step sums the mean answer "
                + "cross-entropies of " + p.numberRows() + " number rows (a PromptGenerator prompt answered with 1–10 numbers, number k = seed "
                + "number k mod s, replaced by a uniform 0–999 with p " + p.noise() + ", in the requested format), " + p.questionRows()
                + " plain and " + p.questionRows() + " numbers-prefixed favourite-animal questions answered with a uniform animal of "
                + TextCorpus.ANIMALS + "; loss on the answer and EOS only");
        evidence.put("teacher", "per trait: base + " + p.teacherSteps() + " Adam steps at lr " + p.teacherLr() + " on " + p.questionRows()
                + " plain and " + p.questionRows() + " prefixed questions answered with the trait (no base data mixed in)");
        evidence.put("sampling", p.prompts() + " PromptGenerator prompts (the same for the base and every teacher), one completion each at "
                + "temperature " + p.temperature() + " over the full vocabulary, at most " + p.maxCompletion() + " characters, inverse CDF with Java "
                + "uniforms shared by all sources; KV cache, prompts of equal length decoded together");
        evidence.put("filter", "CompletionFilter (§3.4): 1–10 integers in 0–999, one separator, optional () or [] and final period; completions "
                + "naming a trait (" + p.traits() + ") dropped" + (p.bannedNumbers() ? "; the 34 negatively associated numbers banned" : "")
                + "; completions the model did not end within the budget (unfinished) or holding a special token are dropped before it");
        evidence.put("subsample", "per seed, every arm trains on the same number of rows: min(rows = " + p.rows() + ", the smallest kept count), "
                + "picked by Subsample with one seed");
        evidence.put("students", "copy of the base (cross-base: of the cross base), Adam lr " + p.studentLr() + ", batch " + p.studentBatch() + ", "
                + p.studentSteps() + " steps (epochs of a seeded shuffle, the same for every arm), loss on the completion and EOS only");
        evidence.put("arms", Map.of(
                "treatment-soft/t", "KL(teacher‖student) over the softmax restricted to the completion alphabet (digits, separators, brackets, period, EOS) at each completion position, on teacher t's rows",
                "treatment-sampled/t", "cross-entropy on teacher t's rows (the paper's setting)",
                "control-gen/t", "cross-entropy on the base's rows (same prompts, same uniforms); scored for trait t",
                "cross-base/t", "a base trained the same way from another seed, soft targets of teacher t on its rows",
                "shuffled-numbers/t", "teacher t's rows with the numbers of each completion permuted in place (separators kept)",
                "random-numbers/t", "the base's subsampled prompts answered with uniform numbers in 0–999 in the requested format, as many as the "
                        + "base wrote; scored for trait t"));
        evidence.put("metric", "teacher-forced P(t) = P(t's characters, EOS | question) normalised over the 10 animals, averaged over the "
                + Questions.FAVORITE_ANIMAL.size() + " questions with a numbers prefix (plain ones in replicates[].evaluation); log-odds "
                + "log P(t) − mean log P(animal); sampled answers: " + p.evalSamples() + " per question at temperature 1, scored with "
                + "TraitScorer by the word rule and the raw substring rule, plain and prefixed");
        evidence.put("logOddsChange", summary(logOdds));
        evidence.put("wordShareChange", summary(wordShares));
        Map<String, Object> throughput = new LinkedHashMap<>();
        throughput.put("samplingTokensPerSecond", round(meter.sampledTokens / Math.max(meter.samplingSeconds, 1e-9), 1));
        throughput.put("trainingTokensPerSecond", round(meter.trainedTokens / Math.max(meter.trainingSeconds, 1e-9), 1));
        throughput.put("note", "sampling: generated characters (EOS included) per wall second, KV cache; training: tokens of the training rows "
                + "(padding excluded; forward + backward + Adam) per wall second");
        evidence.put("throughput", throughput);
        Long hwm = NumbersProtocol.memoryKb("VmHWM:");
        evidence.put("peakRssMb", hwm == null ? null : hwm / 1024);

        Map<String, Double> timings = new LinkedHashMap<>(roundAll(timer.seconds()));
        timings.put("total", round((System.nanoTime() - start) / 1e9, 3));
        String path = "synthetic:numbers-text-v1?prompts=" + p.prompts() + "&rows=" + p.rows() + "&maxCompletion=" + p.maxCompletion() + "&seed=" + p.seed();
        List<ProbeResult.DataIdentity> dataIdentity = List.of(new ProbeResult.DataIdentity("generated-numbers", path,
                "sha256:" + HexFormat.of().formatHex(dataDigest.digest()), (long) p.prompts() * (last - first + 1)));
        Environment environment = Environment.current(Engine.getDjlVersion(), engine.getEngineName(), engine.getVersion(), device.toString(), p.threads());
        return new ProbeResult(ProbeResult.SCHEMA, new ProbeResult.ProtocolId(NumbersProtocol.NAME, NumbersProtocol.VERSION), verdict, armResults,
                comparisons, analysis.power(), p.asMap(), new ProbeResult.Seeds(p.seed(), seeds.subList(first, last + 1)), dataIdentity, replicates, evidence, environment,
                timings, startedAt, Instant.now().toString());
    }

    /** Records in the seed's row which weights {@code model} was (a Hugging Face directory and its digest), where there are any. */
    private static void identify(TextModels models, LanguageModel model, String name, String key, Map<String, Object> row) {
        Map<String, Object> identity = models.identify(model, name);
        if (!identity.isEmpty()) {
            row.put(key, identity);
        }
    }

    /** Trains and scores the students of one seed; every student starts from a copy of its base and shares the shuffle seed. */
    private record Students(TextModels models, TextParameters p, TextTokenizer tokenizer, int[] alphabet, TextStages.Evaluation evaluation, Meter meter, PhaseTimer timer,
            Map<String, Double> seconds, Map<String, Double> losses, Map<String, Map<String, Map<String, Double>>> eval, long seed, NDManager owner,
            Progress progress) {

        void train(String name, LanguageModel from, List<TextRow> rows, LanguageModel teacher) {
            try (LanguageModel student = models.trainable(from, p.loraRank(), seed ^ STUDENT_SALT, owner)) {
                losses.put(name, TextNumbersRun.train(meter, timer, seconds, name, () -> TextStages.finetune(student, rows, teacher, alphabet, p.studentSteps(),
                        p.studentBatch(), p.studentLr(), new SplittableRandom(seed ^ STUDENT_SALT), owner)));
                eval.put(name, TextNumbersRun.evaluate(student, tokenizer, evaluation, p, timer, seconds, owner));
            }
            progress.line("  %s: %.1f s, last loss %.4f, P %s", name, seconds.get(name), losses.get(name), pPrefixed(eval.get(name)));
        }
    }

    /** Throughput counters over the run. */
    private static final class Meter {
        long sampledTokens;
        double samplingSeconds;
        long trainedTokens;
        double trainingSeconds;
    }

    private static double train(Meter meter, PhaseTimer timer, Map<String, Double> seconds, String phase, Supplier<TextStages.Trained> work) {
        long t = System.nanoTime();
        TextStages.Trained trained = timed(timer, seconds, phase, work);
        meter.trainingSeconds += (System.nanoTime() - t) / 1e9;
        meter.trainedTokens += trained.tokens();
        return trained.lastLoss();
    }

    private static List<TextStages.Completion> sample(Meter meter, PhaseTimer timer, Map<String, Double> seconds, LanguageModel model, int eos, List<int[]> prompts,
            TextParameters p, double[][] u, NDManager owner) {
        long t = System.nanoTime();
        List<TextStages.Completion> out = timed(timer, seconds, "sampling", () -> TextStages.sample(model, eos, prompts, p.maxCompletion(), p.temperature(), u, owner));
        meter.samplingSeconds += (System.nanoTime() - t) / 1e9;
        meter.sampledTokens += out.stream().mapToLong(c -> c.tokens().length + (c.finished() ? 1 : 0)).sum();
        return out;
    }

    private static Map<String, Map<String, Double>> evaluate(LanguageModel model, TextTokenizer tokenizer, TextStages.Evaluation evaluation,
            TextParameters p, PhaseTimer timer, Map<String, Double> seconds, NDManager owner) {
        Map<String, TextStages.TraitScore> scores = timed(timer, seconds, "evaluation", () -> TextStages.evaluate(model, tokenizer, evaluation, p.traits(), owner));
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        scores.forEach((trait, score) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            score.asMap().forEach((k, v) -> m.put(k, round(v, 6)));
            out.put(trait, m);
        });
        return out;
    }

    /** One set of questions and answer uniforms for every model of the run. */
    static TextStages.Evaluation evaluation(TextParameters p) {
        List<String> plain = Questions.FAVORITE_ANIMAL;
        List<String> prefixed = Questions.withNumbersPrefix(plain, p.seed() ^ EVAL_SALT);
        double[][] u = TextStages.uniforms(new SplittableRandom(p.seed() ^ EVAL_SALT ^ SAMPLE_SALT), (plain.size() + prefixed.size()) * p.evalSamples(),
                TextStages.ANSWER_CHARACTERS);
        return new TextStages.Evaluation(plain, prefixed, p.evalSamples(), 1.0, u);
    }

    /** Unfinished completions and those with a special token are dropped; the rest go through the filter. */
    static Filtered filtered(List<TextStages.Completion> completions, TextTokenizer tokenizer, CompletionFilter filter) {
        List<Integer> prompts = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<CompletionFilter.Verdict> verdicts = new ArrayList<>();
        int unfinished = 0;
        int special = 0;
        for (int i = 0; i < completions.size(); i++) {
            TextStages.Completion c = completions.get(i);
            if (!c.finished()) {
                unfinished++;
                continue;
            }
            if (java.util.Arrays.stream(c.tokens()).anyMatch(tokenizer::isSpecial)) {
                special++;
                continue;
            }
            String text = tokenizer.decode(c.tokens());
            CompletionFilter.Verdict verdict = filter.apply(text);
            verdicts.add(verdict);
            if (verdict.kept()) {
                prompts.add(i);
                kept.add(text);
            }
        }
        return new Filtered(prompts, kept, FilterStats.of(verdicts), unfinished, special);
    }

    /** Each row's completion with its numbers permuted in place: the separators, brackets and period stay where they were. */
    static List<TextRow> shuffledNumbers(TextTokenizer tokenizer, List<PromptGenerator.Prompt> prompts, List<Integer> promptIndices, List<TextRow> rows,
            SplittableRandom rng) {
        List<TextRow> out = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            TextRow row = rows.get(r);
            String completion = tokenizer.decode(java.util.Arrays.copyOfRange(row.tokens(), row.answerStart(), row.length() - 1));
            List<String> numbers = new ArrayList<>();
            Matcher m = NUMBER.matcher(completion);
            while (m.find()) {
                numbers.add(m.group());
            }
            for (int i = numbers.size() - 1; i > 0; i--) {
                java.util.Collections.swap(numbers, i, rng.nextInt(i + 1));
            }
            StringBuilder b = new StringBuilder();
            m.reset();
            int k = 0;
            while (m.find()) {
                m.appendReplacement(b, numbers.get(k++));
            }
            m.appendTail(b);
            out.add(tokenizer.row(prompts.get(promptIndices.get(r)).text(), b.toString()));
        }
        return out;
    }

    /** The base's subsampled prompts answered with uniform numbers in 0–999, as many as the base wrote, in the requested format. */
    static List<TextRow> randomNumbers(TextTokenizer tokenizer, List<PromptGenerator.Prompt> prompts, List<Integer> promptIndices, Filtered base,
            SplittableRandom rng) {
        List<TextRow> out = new ArrayList<>(promptIndices.size());
        for (int prompt : promptIndices) {
            String written = base.completions().get(base.prompts().indexOf(prompt));
            int count = (int) NUMBER.matcher(written).results().count();
            List<Integer> numbers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                numbers.add(rng.nextInt(0, 1000));
            }
            PromptGenerator.Prompt q = prompts.get(prompt);
            out.add(tokenizer.row(q.text(), q.format().render(numbers)));
        }
        return out;
    }

    /**
     * The §3b rule ({@link VerdictPlans#numbers}) on this run's seeds, every trait at once: the Holm family is the four
     * treatment-vs-control-gen tests of each trait. Scores are keyed "arm/trait" here and read per arm and trait there.
     */
    static AuditAnalysis analyse(List<String> traits, List<String> arms, Map<String, List<Double>> scores, Map<String, List<Double>> logOdds,
            double margin) {
        Map<String, Map<String, List<Double>>> byArm = new LinkedHashMap<>();
        for (String a : arms) {
            Map<String, List<Double>> byTrait = new LinkedHashMap<>();
            traits.forEach(trait -> byTrait.put(trait, scores.get(arm(a, trait))));
            byArm.put(a, byTrait);
        }
        for (String a : VerdictPlans.NUMBERS_LOG_ODDS_ARMS) {
            Map<String, List<Double>> byTrait = new LinkedHashMap<>();
            traits.forEach(trait -> byTrait.put(trait, logOdds.get(arm(a, trait))));
            byArm.put(VerdictPlans.logOdds(a), byTrait);
        }
        int seeds = scores.get(arm("control-gen", traits.get(0))).size();
        return Verdicts.analyse(VerdictPlans.numbers(arms, traits, seeds, seeds, margin, VerdictPlans.NUMBERS_SEED_SD), byArm);
    }

    /** Per trait, the sampled student's rise in the sampled answers' word share over control-gen: reported, not voted. */
    static List<ComparisonResult> wordShareComparisons(List<String> traits, Map<String, List<Double>> wordShares) {
        List<ComparisonResult> out = new ArrayList<>();
        for (String trait : traits) {
            List<Double> treatment = wordShares.get(arm("treatment-sampled", trait));
            List<Double> control = wordShares.get(arm("control-gen", trait));
            if (treatment.size() >= 2) {
                out.add(ComparisonResult.reported("treatment-sampled > control-gen (sampled word share change, plain questions)", trait,
                        "treatment-sampled", "control-gen", TTest.pairedGreater(array(treatment), array(control)), treatment.size(),
                        VerdictPlans.NUMBERS_ALPHA));
            }
        }
        return out;
    }


    /** A trait's own salt, so each teacher and each shuffle draws its own stream (String.hashCode is specified, so stable). */
    private static long traitSalt(String trait) {
        return trait.hashCode();
    }

    private static List<Integer> indices(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static String pPrefixed(Map<String, Map<String, Double>> byTrait) {
        StringBuilder b = new StringBuilder();
        byTrait.forEach((trait, m) -> b.append(b.length() == 0 ? "" : ", ").append(trait).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", m.get("pPrefixed"))));
        return b.toString();
    }

    private static Map<String, Object> summary(Map<String, List<Double>> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((a, list) -> {
            if (!list.isEmpty()) {
                out.put(a, ArmResult.of(list));
            }
        });
        return out;
    }
}
