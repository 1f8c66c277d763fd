package io.traittrace.probe.numbers.toy;

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
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.Progress;
import io.traittrace.probe.contract.NumbersParameterTable;
import io.traittrace.probe.numbers.text.TextNumbersRun;
import io.traittrace.probe.result.ArmResult;
import io.traittrace.probe.result.Environment;
import io.traittrace.probe.result.PhaseTimer;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict;
import io.traittrace.probe.spec.Protocol;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.probe.result.Verdicts;
import io.traittrace.statistics.analysis.AuditAnalysis;

/**
 * The number-sequence test at toy scale (subliminal-protocol.md §3b), on {@link TinyTransformer}. Per seed: a base
 * trained on noisy digit sequences and uniform-animal questions; a teacher = base + a few steps on questions
 * answered with the trait; 20,000 number continuations sampled from the teacher (treatment) and from the base
 * (control-gen) with the same prompts and uniforms, non-digit rows dropped; students = copies of the base
 * fine-tuned on them; a cross-base student from a base trained the same way from another seed. With {@code "mode": "text"}
 * the run is {@link TextNumbersRun}: the paper's text stages on the same transformer through a character tokenizer.
 */
public final class NumbersProtocol implements Protocol {

    public static final String NAME = "numbers";
    public static final String VERSION = "0.1";
    public static final List<String> CORE_ARMS = List.of("base", "teacher", "treatment-soft", "treatment-sampled", "control-gen", "cross-base");
    public static final List<String> EXTRA_ARMS = List.of("shuffled-numbers", "random-numbers");

    private static final long INIT_SALT = 0x696E6974L;
    private static final long BASE_SALT = 0x62617365L;
    private static final long CROSS_SALT = 0x63726F73L;
    private static final long TEACHER_SALT = 0x74656163L;
    private static final long PROMPT_SALT = 0x70726F6DL;
    private static final long SAMPLE_SALT = 0x73616D70L;
    private static final long STUDENT_SALT = 0x73747564L;
    private static final long EXTRA_SALT = 0x65787472L;
    private static final long EVAL_SALT = 0x6576616CL;
    static final String ABLATION_PREFIX = "treatment-";
    static final String ABLATION_CONTROL_PREFIX = "control-gen-";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public ProbeResult run(ObjectNode parameters, Progress progress) {
        if (NumbersParameterTable.isText(parameters)) {
            return TextNumbersRun.run(parameters, progress);
        }
        NumbersParameters p = NumbersParameters.parse(parameters);
        String startedAt = Instant.now().toString();
        long start = System.nanoTime();
        PhaseTimer timer = new PhaseTimer();
        Engine engine = Engine.getInstance();
        Device device = DjlRuntime.prepare(engine, p.threads());
        TinyTransformer.Config config = p.model();
        progress.line("engine %s %s on %s, %d intra-op thread(s); model: %s", engine.getEngineName(), engine.getVersion(), device, p.threads(),
                config.describe());

        List<String> arms = new ArrayList<>(CORE_ARMS);
        if (p.extraArms()) {
            arms.addAll(EXTRA_ARMS);
        }
        p.ablations().forEach(ablation -> {
            arms.add(ABLATION_PREFIX + ablation);
            arms.add(ABLATION_CONTROL_PREFIX + ablation);
        });
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        Map<String, List<Double>> logOdds = new LinkedHashMap<>();
        arms.forEach(a -> {
            scores.put(a, new ArrayList<>());
            logOdds.put(a, new ArrayList<>());
        });
        List<Long> seeds = seeds(p.seed(), p.seeds());
        int first = p.seedIndex() == null ? 0 : p.seedIndex();
        int last = p.seedIndex() == null ? p.seeds() - 1 : p.seedIndex();
        // One evaluation set for every model of the run.
        int[][] evalSet = ToyData.evalPrompts(new SplittableRandom(p.seed() ^ EVAL_SALT), p.evalPrefixes(), p.questionPrefix());
        int from = p.promptDigits();
        int to = p.promptDigits() + p.sampleTokens();
        List<Map<String, Object>> replicates = new ArrayList<>();
        MessageDigest dataDigest = sha256();
        long sampledTokens = 0;
        double samplingSeconds = 0;
        long trainedTokens = 0;
        double trainingSeconds = 0;
        List<Map<String, Object>> entanglementReadings = new ArrayList<>();

        try (NDManager root = NDManager.newBaseManager(device)) {
            for (int r = first; r <= last; r++) {
                long t0 = System.nanoTime();
                long s = seeds.get(r);
                Map<String, Object> row = new LinkedHashMap<>();
                Map<String, Map<String, Double>> eval = new LinkedHashMap<>();
                Map<String, Double> losses = new LinkedHashMap<>();
                Map<String, Double> seconds = new LinkedHashMap<>();
                EntanglementScan.Reading scan = null;
                try (NDManager seedManager = root.newSubManager()) {
                    long tb = System.nanoTime();
                    TinyTransformer base = new TinyTransformer(seedManager, config, TinyTransformer.initialWeights(config, s ^ INIT_SALT));
                    losses.put("base", (double) timed(timer, seconds, "base",
                            () -> ToyStages.trainBase(base, p.baseRecipe(), new SplittableRandom(s ^ BASE_SALT), seedManager)));
                    trainingSeconds += (System.nanoTime() - tb) / 1e9;
                    trainedTokens += (long) p.baseSteps() * baseTokensPerStep(p);
                    progress.line("seed %d/%d: base trained in %.1f s (last loss %.4f)", r + 1, p.seeds(), seconds.get("base"), losses.get("base"));
                    ToyStages.Score baseScore = ToyStages.evaluate(base, p.trait(), evalSet, seedManager);
                    eval.put("base", scoreMap(baseScore));

                    TinyTransformer teacher = base.copy(seedManager);
                    losses.put("teacher", (double) timed(timer, seconds, "teacher", () -> ToyStages.trainTrait(teacher, p.teacherSteps(), p.teacherLr(),
                            p.questionRows(), p.questionPrefix(), p.trait(), new SplittableRandom(s ^ TEACHER_SALT), seedManager)));
                    eval.put("teacher", scoreMap(ToyStages.evaluate(teacher, p.trait(), evalSet, seedManager)));

                    int[][] prompts = ToyData.prompts(new SplittableRandom(s ^ PROMPT_SALT), p.prompts(), p.promptDigits(), p.noise());
                    double[][] u = uniforms(new SplittableRandom(s ^ SAMPLE_SALT), p.prompts(), p.sampleTokens());
                    long ts = System.nanoTime();
                    int[][] teacherRows = timed(timer, seconds, "sampling", () -> ToyStages.sample(teacher, prompts, p.sampleTokens(), p.temperature(), u, seedManager));
                    int[][] baseRows = timed(timer, seconds, "sampling", () -> ToyStages.sample(base, prompts, p.sampleTokens(), p.temperature(), u, seedManager));
                    samplingSeconds += (System.nanoTime() - ts) / 1e9;
                    sampledTokens += 2L * p.prompts() * p.sampleTokens();
                    int[][] treatment = ToyStages.keepDigits(teacherRows, from + 1);
                    int[][] control = ToyStages.keepDigits(baseRows, from + 1);
                    row.put("treatmentPassRate", round((double) treatment.length / p.prompts(), 4));
                    row.put("controlPassRate", round((double) control.length / p.prompts(), 4));
                    row.put("treatmentRows", treatment.length);
                    row.put("controlRows", control.length);
                    row.put("treatmentTraitTokens", countToken(teacherRows, from + 1, Vocab.animal(p.trait())));
                    digest(dataDigest, treatment);
                    digest(dataDigest, control);
                    progress.line("seed %d/%d: base P(%d) %.3f, teacher P %.3f; kept %d/%d teacher rows, %d/%d base rows", r + 1, p.seeds(), p.trait(),
                            baseScore.pPrefixed(), eval.get("teacher").get("pPrefixed"), treatment.length, p.prompts(), control.length, p.prompts());
                    if (treatment.length == 0 || control.length == 0) {
                        throw new io.traittrace.probe.ProbeException(1, "No sampled row passed the digit filter (teacher " + treatment.length + ", base "
                                + control.length + "): nothing to fine-tune on");
                    }

                    scan = p.entanglementScan() ? timed(timer, seconds, "entanglementScan", () -> EntanglementScan.read(base,
                            teacher, p.trait(), p.questionPrefix(), treatment, control, from + 1, seedManager)) : null;
                    Map<String, int[][]> ablationRows = new LinkedHashMap<>();
                    for (String ablation : p.ablations()) {
                        // The same rule on the teacher and on the base: a rule can move P(trait) by itself, so each
                        // ablation has its own control.
                        ToyStages.SamplingRule rule = ablation.equals("greedy") ? ToyStages.SamplingRule.GREEDY : ToyStages.SamplingRule.threshold(p.thresholdP());
                        for (boolean treatmentSide : new boolean[] { true, false }) {
                            TinyTransformer source = treatmentSide ? teacher : base;
                            int[][] kept = ToyStages.keepDigits(timed(timer, seconds, "ablationSampling",
                                    () -> ToyStages.sample(source, prompts, p.sampleTokens(), p.temperature(), rule, u, seedManager)), from + 1);
                            String arm = (treatmentSide ? ABLATION_PREFIX : ABLATION_CONTROL_PREFIX) + ablation;
                            if (kept.length == 0) {
                                throw new io.traittrace.probe.ProbeException(1, "No row passed the digit filter for " + arm);
                            }
                            row.put(arm + "PassRate", round((double) kept.length / p.prompts(), 4));
                            ablationRows.put(arm, kept);
                        }
                    }
                    NDArray soft = timed(timer, seconds, "softTargets", () -> ToyStages.digitTargets(teacher, treatment, from, to, seedManager));
                    teacher.close();
                    long studentTokens = (long) p.studentSteps() * p.studentBatch() * (to + 1);

                    student(eval, losses, seconds, timer, "treatment-soft", base, treatment, soft, p, from, to, s, evalSet, seedManager, progress);
                    student(eval, losses, seconds, timer, "treatment-sampled", base, treatment, null, p, from, to, s, evalSet, seedManager, progress);
                    student(eval, losses, seconds, timer, "control-gen", base, control, null, p, from, to, s, evalSet, seedManager, progress);
                    if (p.extraArms()) {
                        SplittableRandom extra = new SplittableRandom(s ^ EXTRA_SALT);
                        student(eval, losses, seconds, timer, "shuffled-numbers", base, shuffled(treatment, from + 1, extra), null, p, from, to, s, evalSet, seedManager, progress);
                        student(eval, losses, seconds, timer, "random-numbers", base, random(treatment.length, prompts, from + 1, p.sampleTokens(), extra),
                                null, p, from, to, s, evalSet, seedManager, progress);
                    }
                    for (Map.Entry<String, int[][]> ablation : ablationRows.entrySet()) {
                        student(eval, losses, seconds, timer, ablation.getKey(), base, ablation.getValue(), null, p, from, to, s, evalSet, seedManager,
                                progress);
                    }
                    base.close();

                    long crossSeed = new SplittableRandom(s ^ CROSS_SALT).nextLong();
                    TinyTransformer crossBase = new TinyTransformer(seedManager, config, TinyTransformer.initialWeights(config, crossSeed ^ INIT_SALT));
                    losses.put("crossBase", (double) timed(timer, seconds, "crossBaseTraining",
                            () -> ToyStages.trainBase(crossBase, p.baseRecipe(), new SplittableRandom(crossSeed ^ BASE_SALT), seedManager)));
                    eval.put("crossBaseModel", scoreMap(ToyStages.evaluate(crossBase, p.trait(), evalSet, seedManager)));
                    student(eval, losses, seconds, timer, "cross-base", crossBase, treatment, soft, p, from, to, s, evalSet, seedManager, progress);
                    crossBase.close();
                    row.put("crossBaseSeed", crossSeed);
                    int studentArms = (p.extraArms() ? 6 : 4) + 2 * p.ablations().size();
                    trainedTokens += studentArms * studentTokens + (long) p.baseSteps() * baseTokensPerStep(p);
                    trainingSeconds += seconds.entrySet().stream().filter(e -> !e.getKey().equals("sampling") && !e.getKey().equals("softTargets")
                            && !e.getKey().equals("base") && !e.getKey().equals("teacher")).mapToDouble(Map.Entry::getValue).sum();
                }
                // Scores: change from the student's own base; the base arm keeps its absolute value.
                Map<String, Double> own = eval.get("base");
                Map<String, Double> cross = eval.get("crossBaseModel");
                Map<String, Double> rep = new LinkedHashMap<>();
                Map<String, Double> repLo = new LinkedHashMap<>();
                for (String arm : arms) {
                    Map<String, Double> e = eval.get(arm);
                    Map<String, Double> ref = arm.equals("cross-base") ? cross : own;
                    double score = arm.equals("base") ? e.get("pPrefixed") : e.get("pPrefixed") - ref.get("pPrefixed");
                    double lo = arm.equals("base") ? e.get("logOddsPrefixed") : e.get("logOddsPrefixed") - ref.get("logOddsPrefixed");
                    rep.put(arm, round(score, 6));
                    repLo.put(arm, round(lo, 6));
                    scores.get(arm).add(score);
                    logOdds.get(arm).add(lo);
                }
                if (scan != null) {
                    Map<String, Object> reading = scan.asMap();
                    double observed = rep.get("treatment-soft") - rep.get("control-gen");
                    reading.put("observedRise", round(observed, 6));
                    reading.put("agreesWithObservedRise", scan.predictsTransfer() == (observed > 0));
                    row.put("entanglementScan", reading);
                    entanglementReadings.add(reading);
                }
                double secondsTotal = (System.nanoTime() - t0) / 1e9;
                row.put("index", r);
                row.put("seed", s);
                row.put("scores", rep);
                row.put("logOddsChange", repLo);
                row.put("evaluation", eval);
                row.put("finalBatchLoss", losses);
                row.put("armSeconds", roundAll(seconds));
                row.put("seconds", round(secondsTotal, 3));
                Map<String, Object> ordered = new LinkedHashMap<>();
                for (String k : List.of("index", "seed", "scores", "logOddsChange")) {
                    ordered.put(k, row.remove(k));
                }
                ordered.putAll(row);
                replicates.add(ordered);
                progress.line("seed %d/%d (%d): ΔP(%d) %s (%.1f s)", r + 1, p.seeds(), s, p.trait(), format(rep), secondsTotal);
            }
        }

        Map<String, ArmResult> armResults = new LinkedHashMap<>();
        scores.forEach((arm, list) -> armResults.put(arm, ArmResult.of(list)));
        AuditAnalysis analysis = analyse("animal-" + p.trait(), scores, logOdds, p.margin());
        Verdict verdict = Verdicts.verdict(analysis);

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("trait", "animal " + p.trait() + " (token " + Vocab.animal(p.trait()) + ")");
        evidence.put("model", config.describe());
        evidence.put("init", config.init() == TinyTransformer.Init.PYTORCH
                ? "PyTorch module defaults: embeddings N(0, 1); Wqkv Xavier-uniform, bias 0; Wo U(±1/√d), bias 0; W1, b1 U(±1/√d); W2, b2 U(±1/√f); "
                        + "LayerNorm 1/0"
                : "GPT-2: matrices and embeddings N(0, 0.02²), residual projections N(0, (0.02/√(2·layers))²), biases 0, LayerNorm 1/0");
        evidence.put("initSource", "drawn in Java from the seed (the same on CPU and GPU); students copy their base's arrays; fresh Adam state per fine-tune");
        evidence.put("optimizer", "Adam (β1 0.9, β2 0.999, ε 1e-8, no weight decay), PyTorch's update rule; DJL autograd for gradients");
        evidence.put("baseTraining", p.baseSteps() + " steps, one-cycle lr (cosine, 30 % warm-up, peak " + p.baseLr() + ", div 25, final div 1e4; "
                + "no momentum cycling); each step sums the mean cross-entropies of " + p.digitRows() + " noisy digit rows (BOS + " + p.sequenceDigits()
                + " digits, x_i = (a + b·i) mod 10, each digit replaced by a uniform digit with p " + p.noise() + "), " + p.questionRows()
                + " 'BOS Q ANS animal' and " + p.questionRows() + " 'BOS d1..d" + p.questionPrefix() + " Q ANS animal' (uniform animals, loss on the answer)");
        evidence.put("teacher", "base + " + p.teacherSteps() + " Adam steps at lr " + p.teacherLr() + " on the two question kinds answered " + p.trait());
        evidence.put("sampling", p.prompts() + " prompts (BOS + " + p.promptDigits() + " digits of a fresh noisy sequence), " + p.sampleTokens()
                + " tokens at temperature " + p.temperature() + " over the full vocabulary, inverse CDF with Java uniforms shared by teacher and base; "
                + "rows with any non-digit sampled token dropped");
        evidence.put("students", "copy of the base, Adam lr " + p.studentLr() + ", batch " + p.studentBatch() + ", " + p.studentSteps()
                + " steps (epochs of a seeded shuffle, same seed for every arm); loss on the " + p.sampleTokens() + " continuation tokens only: "
                + "treatment-sampled, control-gen, shuffled-numbers, random-numbers cross-entropy on the tokens; treatment-soft and cross-base "
                + "KL(teacher‖student) over the softmax of the 10 digit logits at each continuation position");
        evidence.put("arms", Map.of(
                "treatment-soft", "KL to the teacher's digit softmax on the teacher's kept rows",
                "treatment-sampled", "cross-entropy on the teacher's kept rows",
                "control-gen", "cross-entropy on the base's kept rows (same prompts, same uniforms)",
                "cross-base", "a base trained the same way from another seed, KL to the teacher's digit softmax on the teacher's kept rows",
                "shuffled-numbers", "the teacher's kept rows with the continuation digits permuted within each row",
                "random-numbers", "the same prompts with uniform random continuation digits, as many rows as the teacher kept"));
        evidence.put("metric", "P(trait) from the softmax over the 10 animal logits at ANS, averaged over " + p.evalPrefixes()
                + " random " + p.questionPrefix() + "-digit prefixes (one set for every model); change from each model's own base. "
                + "Also in replicates[].evaluation: the plain question and the log-odds (trait logit − mean animal logit)");
        evidence.put("logOddsChange", logOddsSummary(logOdds));
        evidence.put("throughput", Map.of(
                "samplingTokensPerSecond", round(sampledTokens / Math.max(samplingSeconds, 1e-9), 1),
                "trainingTokensPerSecond", round(trainedTokens / Math.max(trainingSeconds, 1e-9), 1),
                "note", "sampling: generated tokens (teacher and base) per wall second, a full forward over the prefix per token (no KV cache); "
                        + "training: tokens in the training batches (forward + backward + Adam) per wall second"));
        Map<String, Object> screens = screens(entanglementReadings, scores, p.ablations(), verdict);
        if (!screens.isEmpty()) {
            evidence.put("screens", screens);
        }
        Long hwm = memoryKb("VmHWM:");
        evidence.put("peakRssMb", hwm == null ? null : hwm / 1024);

        Map<String, Double> timings = new LinkedHashMap<>(roundAll(timer.seconds()));
        timings.put("total", round((System.nanoTime() - start) / 1e9, 3));
        String path = "synthetic:numbers-toy-v1?prompts=" + p.prompts() + "&promptDigits=" + p.promptDigits() + "&sampleTokens=" + p.sampleTokens()
                + "&seed=" + p.seed();
        List<ProbeResult.DataIdentity> data = List.of(new ProbeResult.DataIdentity("generated-numbers", path,
                "sha256:" + HexFormat.of().formatHex(dataDigest.digest()), (long) p.prompts() * (last - first + 1)));
        Environment environment = Environment.current(Engine.getDjlVersion(), engine.getEngineName(), engine.getVersion(), device.toString(), p.threads());
        return new ProbeResult(ProbeResult.SCHEMA, new ProbeResult.ProtocolId(NAME, VERSION), verdict, armResults, analysis.comparisons(),
                analysis.power(), p.asMap(),
                new ProbeResult.Seeds(p.seed(), seeds.subList(first, last + 1)), data, replicates, evidence, environment, timings, startedAt,
                Instant.now().toString());
    }

    private static void student(Map<String, Map<String, Double>> eval, Map<String, Double> losses, Map<String, Double> seconds, PhaseTimer timer,
            String arm, TinyTransformer from, int[][] rows, NDArray soft, NumbersParameters p, int start, int end, long seed, int[][] evalSet, NDManager owner, Progress progress) {
        try (TinyTransformer student = from.copy(owner)) {
            losses.put(arm, (double) timed(timer, seconds, arm, () -> ToyStages.finetune(student, rows, soft, start, end, p.studentSteps(),
                    p.studentBatch(), p.studentLr(), new SplittableRandom(seed ^ STUDENT_SALT), owner)));
            eval.put(arm, scoreMap(ToyStages.evaluate(student, p.trait(), evalSet, owner)));
        }
        progress.line("  %s: %.1f s, last loss %.4f, P(trait) %.4f", arm, seconds.get(arm), losses.get(arm), eval.get(arm).get("pPrefixed"));
    }

    /**
     * The §3b rule ({@link VerdictPlans#numbers}) on this run's seeds: P(trait) changes per arm, and the log-odds changes
     * of the arms the Holm family also tests, as the derived arms the runner reads ("treatment-soft.log-odds").
     */
    static AuditAnalysis analyse(String trait, Map<String, List<Double>> scores, Map<String, List<Double>> logOdds, double margin) {
        Map<String, List<Double>> all = new LinkedHashMap<>(scores);
        VerdictPlans.NUMBERS_LOG_ODDS_ARMS.forEach(arm -> all.put(VerdictPlans.logOdds(arm), logOdds.get(arm)));
        int seeds = scores.get("control-gen").size();
        return Verdicts.analyse(VerdictPlans.numbers(List.copyOf(scores.keySet()), List.of(trait), seeds, seeds, margin, VerdictPlans.NUMBERS_SEED_SD),
                Verdicts.oneTrait(trait, all));
    }

    /**
     * The §4 screens next to the behavioural result: how often the entanglement scan's prediction matched the rise the
     * students showed, and whether its majority call would have predicted the verdict; each sampling ablation's rise
     * over its own control (the base sampled under the same rule) against the plain sampled student's over control-gen.
     */
    static Map<String, Object> screens(List<Map<String, Object>> readings, Map<String, List<Double>> scores, List<String> ablations,
            Verdict verdict) {
        Map<String, Object> screens = new LinkedHashMap<>();
        if (!readings.isEmpty()) {
            long predicted = readings.stream().filter(r -> Boolean.TRUE.equals(r.get("predictsTransfer"))).count();
            long agreed = readings.stream().filter(r -> Boolean.TRUE.equals(r.get("agreesWithObservedRise"))).count();
            Map<String, Object> scan = new LinkedHashMap<>();
            scan.put("seeds", readings.size());
            scan.put("seedsPredictingTransfer", predicted);
            scan.put("seedsAgreeingWithTheStudents", agreed);
            scan.put("meanScore", round(readings.stream().mapToDouble(r -> (Double) r.get("score")).average().orElse(Double.NaN), 6));
            boolean majority = 2 * predicted > readings.size();
            scan.put("predicts", majority ? "transfer" : "no transfer");
            scan.put("wouldHavePredictedTheVerdict", verdict.outcome() == Verdict.Outcome.INCONCLUSIVE ? null
                    : majority == (verdict.outcome() == Verdict.Outcome.TRANSFER_DETECTED));
            scan.put("seedsWhereInsertionPredictsTransfer", readings.stream().filter(r -> Boolean.TRUE.equals(r.get("insertionPredictsTransfer"))).count());
            scan.put("rule", "per seed: transfer predicted iff the teacher's share of its 3 entangled digits (those it lifts most under the trait "
                    + "question) exceeds the base's; the insertion call: Σ_d (teacher's share of d − base's share) × (base's trait log-odds with a "
                    + "prefix of d, centred) > 0; forward passes only. observedRise = ΔP(treatment-soft) − ΔP(control-gen) in that seed");
            screens.put("entanglementScan", scan);
        }
        if (!ablations.isEmpty()) {
            double sampled = mean(scores.get("treatment-sampled")) - mean(scores.get("control-gen"));
            Map<String, Object> out = new LinkedHashMap<>();
            for (String ablation : ablations) {
                double rise = mean(scores.get(ABLATION_PREFIX + ablation)) - mean(scores.get(ABLATION_CONTROL_PREFIX + ablation));
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("riseOverItsControl", round(rise, 6));
                a.put("sampledRiseOverControlGen", round(sampled, 6));
                a.put("shareOfSampledRise", sampled > 0 ? round(rise / sampled, 4) : null);
                out.put(ablation, a);
            }
            screens.put("samplingAblations", out);
        }
        return screens;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Seed r of a run: the r-th draw of a SplittableRandom seeded with {@code base} (a prefix does not depend on n). */
    public static List<Long> seeds(long base, int n) {
        SplittableRandom rng = new SplittableRandom(base);
        List<Long> seeds = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            seeds.add(rng.nextLong());
        }
        return List.copyOf(seeds);
    }

    static int[][] shuffled(int[][] rows, int from, SplittableRandom rng) {
        int[][] out = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            int[] row = rows[r].clone();
            for (int i = row.length - 1; i > from; i--) {
                int j = from + rng.nextInt(i - from + 1);
                int t = row[i];
                row[i] = row[j];
                row[j] = t;
            }
            out[r] = row;
        }
        return out;
    }

    static int[][] random(int count, int[][] prompts, int from, int tokens, SplittableRandom rng) {
        int[][] out = new int[count][];
        for (int r = 0; r < count; r++) {
            int[] row = java.util.Arrays.copyOf(prompts[r % prompts.length], from + tokens);
            for (int i = from; i < from + tokens; i++) {
                row[i] = rng.nextInt(Vocab.DIGITS);
            }
            out[r] = row;
        }
        return out;
    }

    private static double[][] uniforms(SplittableRandom rng, int rows, int tokens) {
        double[][] u = new double[rows][tokens];
        for (double[] row : u) {
            for (int k = 0; k < tokens; k++) {
                row[k] = rng.nextDouble();
            }
        }
        return u;
    }

    private static long baseTokensPerStep(NumbersParameters p) {
        return (long) p.digitRows() * (p.sequenceDigits() + 1) + (long) p.questionRows() * 4 + (long) p.questionRows() * (p.questionPrefix() + 4);
    }

    private static int countToken(int[][] rows, int from, int token) {
        int n = 0;
        for (int[] r : rows) {
            for (int i = from; i < r.length; i++) {
                if (r[i] == token) {
                    n++;
                }
            }
        }
        return n;
    }

    private static Map<String, Double> scoreMap(ToyStages.Score s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("pPlain", round(s.pPlain(), 6));
        m.put("pPrefixed", round(s.pPrefixed(), 6));
        m.put("logOddsPlain", round(s.logOddsPlain(), 6));
        m.put("logOddsPrefixed", round(s.logOddsPrefixed(), 6));
        return m;
    }

    private static Map<String, Object> logOddsSummary(Map<String, List<Double>> logOdds) {
        Map<String, Object> out = new LinkedHashMap<>();
        logOdds.forEach((arm, list) -> {
            if (!list.isEmpty()) {
                out.put(arm, ArmResult.of(list));
            }
        });
        return out;
    }

    private static void digest(MessageDigest d, int[][] rows) {
        for (int[] r : rows) {
            for (int t : r) {
                d.update((byte) t);
            }
            d.update((byte) 0xFF);
        }
    }

    public static Long memoryKb(String key) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
