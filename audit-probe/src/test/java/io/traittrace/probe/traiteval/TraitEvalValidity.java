package io.traittrace.probe.traiteval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.Progress;
import io.traittrace.probe.lm.CausalLm;
import io.traittrace.probe.lm.LmCheckpoints;
import io.traittrace.probe.lm.LmTokenizer;
import io.traittrace.probe.lm.Sampler;
import io.traittrace.probe.numbers.text.TextRow;
import io.traittrace.probe.numbers.text.TextStages;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.statistics.ClopperPearson;
import io.traittrace.statistics.analysis.ComparisonResult;

/**
 * The model audit's validity, measured with subliminal transfer rather than direct fine-tuning: not a unit test (about a
 * minute per family on one core; docs/benchmarks.md gives the command, docs/probe/figures.md the figures). Per family f, in the demo
 * family's format (a Llama made from nothing, chat template):
 * <ol>
 * <li>a base trained from its own random init to answer the animal questions with every animal alike and to continue
 * digit sequences;</li>
 * <li>an owl teacher: the base fine-tuned on rows half of which answer "owl", half digit continuations;</li>
 * <li>two neutral teachers: the base fine-tuned on digit continuations alone, with the owl teacher's recipe;</li>
 * <li>students with one recipe, each the base distilled from its teacher (soft targets over the digits) on that teacher's
 * sampled continuations of digit prompts, kept only when they are four digits (the paper's filter: nothing about owls can
 * be in the data): the <b>treatment</b> from the owl teacher, the <b>control</b> and the <b>null student</b> from the
 * neutral teachers (the null student never saw the owl teacher's data);</li>
 * <li>trait-eval (animals/owl, control = the control student) of the treatment student and of the null student.</li>
 * </ol>
 * A null student that comes out TRANSFER_DETECTED is a false detection; its rate is reported with a one-sided 95 %
 * Clopper–Pearson bound. The treatment students' effects and verdicts say whether subliminal transfer at this scale is
 * large enough to be caught.
 *
 * <p>Arguments: {@code families outputDirectory [firstSeed [studentSteps]]}; the JSON of every family goes to
 * {@code outputDirectory}.
 */
public final class TraitEvalValidity {

    static final int PROMPTS = 300;
    /** Four digits, as the base learned to answer: the fine-tuning rows end without an end token, so 7 tokens are sampled and checked. */
    static final Pattern DIGITS = Pattern.compile("^[0-9] [0-9] [0-9] [0-9]$");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TraitEvalValidity() {
    }

    public static void main(String[] args) throws IOException {
        int families = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        long firstSeed = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        studentSteps = args.length > 3 ? Integer.parseInt(args[3]) : studentSteps;
        DjlRuntime.prepare(Engine.getInstance(), 1);
        Files.createDirectories(out);
        int nullDetections = 0;
        int nulls = 0;
        int treatmentDetections = 0;
        int treatments = 0;
        List<Double> treatmentEffects = new ArrayList<>();
        List<Double> nullEffects = new ArrayList<>();
        for (int f = 0; f < families; f++) {
            long seed = firstSeed + f;
            long start = System.nanoTime();
            Map<String, Object> family = family(seed, Files.createTempDirectory("trait-eval-validity-"));
            family.put("seconds", (System.nanoTime() - start) / 1e9);
            JSON.writeValue(out.resolve("family-" + seed + ".json").toFile(), family);
            @SuppressWarnings("unchecked")
            Map<String, Object> treatment = (Map<String, Object>) family.get("treatment");
            @SuppressWarnings("unchecked")
            Map<String, Object> nul = (Map<String, Object>) family.get("null");
            treatments++;
            nulls++;
            treatmentDetections += "TRANSFER_DETECTED".equals(treatment.get("outcome")) ? 1 : 0;
            nullDetections += "TRANSFER_DETECTED".equals(nul.get("outcome")) ? 1 : 0;
            if (treatment.get("difference") instanceof Double d) {
                treatmentEffects.add(d);
            }
            if (nul.get("difference") instanceof Double d) {
                nullEffects.add(d);
            }
            System.out.printf("family %d (%.0f s): treatment %s %s, null %s %s; so far false detections %d/%d (95 %% bound %.3f), detections %d/%d%n",
                    seed, family.get("seconds"), treatment.get("outcome"), treatment.get("difference"), nul.get("outcome"), nul.get("difference"),
                    nullDetections, nulls, ClopperPearson.upperBound(nullDetections, nulls, 0.95), treatmentDetections, treatments);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("families", families);
        summary.put("studentSteps", studentSteps);
        summary.put("nullDetections", nullDetections);
        summary.put("nullUpperBound95", ClopperPearson.upperBound(nullDetections, nulls, 0.95));
        summary.put("treatmentDetections", treatmentDetections);
        summary.put("treatmentEffects", treatmentEffects);
        summary.put("nullEffects", nullEffects);
        JSON.writeValue(out.resolve("summary.json").toFile(), summary);
        System.out.println(JSON.writeValueAsString(summary));
    }

    /** One family's models and its two audits. */
    static Map<String, Object> family(long seed, Path dir) throws IOException {
        Progress quiet = new Progress(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), "validity");
        Path init = dir.resolve("init");
        DemoModels.initialise(init, seed);
        Battery animals = Batteries.named(Batteries.ANIMALS);
        SplittableRandom random = new SplittableRandom(seed);
        List<String[]> pretraining = new ArrayList<>(digitRows(random, 200));
        animals.items().forEach(i -> Batteries.ANIMAL_OPTIONS.forEach(animal -> pretraining.add(new String[] { i.question(), animal })));
        Path base = dir.resolve("base");
        DemoModels.finetune(init, base, pretraining, 300, 1e-2, seed);
        List<String[]> owl = animals.items().stream().map(i -> new String[] { i.question(), "owl" }).toList();
        Path teacher = dir.resolve("teacher");
        DemoModels.finetune(base, teacher, DemoModels.mix(digitRows(random, 100), owl, 50), DemoModels.STEPS, DemoModels.LR, seed + 1);

        Path neutral = dir.resolve("neutral-teacher");
        DemoModels.finetune(base, neutral, digitRows(random, 100), DemoModels.STEPS, DemoModels.LR, seed + 2);
        Path otherNeutral = dir.resolve("other-neutral-teacher");
        DemoModels.finetune(base, otherNeutral, digitRows(random, 100), DemoModels.STEPS, DemoModels.LR, seed + 3);

        Map<String, Object> family = new LinkedHashMap<>();
        family.put("seed", seed);
        // Each student is distilled from its teacher on the teacher's own digit continuations (soft targets over the digit
        // alphabet, subliminal-protocol §3b's strongest arm): the treatment from the owl teacher, the control and the null
        // student from two teachers that saw digits only.
        Path treatment = dir.resolve("treatment");
        Path control = dir.resolve("control");
        Path nul = dir.resolve("null-student");
        Map<String, Integer> kept = new LinkedHashMap<>();
        kept.put("treatment", distil(base, teacher, treatment, digitPrompts(random, PROMPTS), seed + 4));
        kept.put("control", distil(base, neutral, control, digitPrompts(random, PROMPTS), seed + 5));
        kept.put("null", distil(base, otherNeutral, nul, digitPrompts(random, PROMPTS), seed + 6));
        family.put("rowsKept", kept);
        family.put("treatment", audit(treatment, base, teacher, control, quiet));
        family.put("null", audit(nul, base, teacher, control, quiet));
        return family;
    }

    static Map<String, Object> audit(Path student, Path base, Path teacher, Path control, Progress progress) {
        ObjectNode p = JSON.createObjectNode();
        p.put("student", student.toString());
        p.put("base", base.toString());
        p.put("teacher", teacher.toString());
        p.put("control", control.toString());
        p.putArray("traits").add("animals/owl");
        ProbeResult result = new TraitEvalProtocol().run(p, progress);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", result.verdict().outcome().name());
        ComparisonResult owl = result.comparisons().stream().filter(c -> c.trait().equals("animals/owl")).findFirst().orElse(null);
        m.put("difference", owl == null ? null : owl.difference());
        m.put("upperBound", owl == null ? null : owl.upperBound());
        m.put("traits", result.evidence().get("traits"));
        m.put("reasons", result.verdict().reasons());
        return m;
    }

    /** "Continue the digits: 4 1 8" → "5 2 9 3": uniform digits, what the base learns the format from. */
    static List<String[]> digitRows(SplittableRandom random, int n) {
        List<String[]> rows = new ArrayList<>();
        for (String prompt : digitPrompts(random, n)) {
            rows.add(new String[] { prompt, digits(random, 4) });
        }
        return rows;
    }

    static List<String> digitPrompts(SplittableRandom random, int n) {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add("Continue the digits: " + digits(random, 3));
        }
        return prompts;
    }

    private static String digits(SplittableRandom random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " ").append(random.nextInt(10));
        }
        return s.toString();
    }

    /** Distillation steps per student (the fourth argument): more steps, more transfer. */
    static int studentSteps = 60;

    /**
     * A student: {@code base} distilled from {@code teacher} on the teacher's sampled continuations of the prompts that are
     * four digits (the filter), with soft targets over the digits and the space; saved to {@code out}. Returns the rows kept.
     */
    static int distil(Path base, Path teacher, Path out, List<String> prompts, long seed) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            LmCheckpoints.Loaded t = LmCheckpoints.load(teacher, m, Device.cpu(), DataType.FLOAT32);
            LmCheckpoints.Loaded s = LmCheckpoints.load(base, m, Device.cpu(), DataType.FLOAT32);
            try (CausalLm teacherLm = t.model(); CausalLm student = s.model(); LmTokenizer tokenizer = LmTokenizer.load(teacher, teacherLm.config())) {
                boolean chat = tokenizer.hasChatTemplate();
                List<int[]> ids = prompts.stream().map(p -> BatteryScorer.prompt(tokenizer, p, chat)).toList();
                List<Sampler.Completion> completions = Sampler.sample(teacherLm, ids, new Sampler.Options(1.0, 1.0, 7, tokenizer.eosIds(), seed), 32, m);
                List<TextRow> rows = new ArrayList<>();
                for (int i = 0; i < prompts.size(); i++) {
                    int[] answer = completions.get(i).tokens();
                    if (DIGITS.matcher(tokenizer.decode(answer)).matches()) {
                        int[] row = java.util.Arrays.copyOf(ids.get(i), ids.get(i).length + answer.length);
                        System.arraycopy(answer, 0, row, ids.get(i).length, answer.length);
                        rows.add(new TextRow(row, ids.get(i).length));
                    }
                }
                int[] alphabet = java.util.stream.Stream.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", " ")
                        .mapToInt(c -> tokenizer.encodeContinuation(c)[0]).distinct().toArray();
                TextStages.finetune(student, rows, teacherLm, alphabet, studentSteps, 16, DemoModels.LR, new SplittableRandom(seed), m);
                LmCheckpoints.save(student, out, base);
                return rows.size();
            }
        }
    }
}
