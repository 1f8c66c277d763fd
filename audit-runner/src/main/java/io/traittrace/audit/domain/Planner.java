package io.traittrace.audit.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.probe.contract.ProbeContract;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.statistics.Design;
import io.traittrace.statistics.Power;
import io.traittrace.statistics.analysis.AnalysisPlan;
import io.traittrace.statistics.analysis.ControlSpec;
import io.traittrace.statistics.analysis.TestSpec;

/**
 * Turns a request into runs and an analysis; the protocol decides the arms. The canary's arms share a teacher,
 * so a canary run is one seed of all six arms (the probe's {@code replicateIndex}), and so is a numbers run (all
 * eight arms share the seed's base and teacher; the probe's {@code seedIndex}); an image audit's arms are
 * separate trainings, so each (arm, seed) is its own run. Everything a user sends is checked here, before
 * anything is stored or started.
 */
public final class Planner {

    /** The numbers probe's arms (audit-probe NumbersProtocol): always the core six, and the two extra ones unless extraArms is false. */
    public static final List<String> NUMBERS_CORE_ARMS = List.of("base", "teacher", "treatment-soft", "treatment-sampled", "control-gen", "cross-base");
    public static final List<String> NUMBERS_EXTRA_ARMS = List.of("shuffled-numbers", "random-numbers");
    static final Pattern NUMBERS_TRAIT = Pattern.compile("^animal-([0-9])$");
    static final Set<String> CANARY_PARAMETERS = Set.of("data", "auxLogits", "teacherEpochs", "distillEpochs", "batch", "lr", "seed",
            "threads", "trainLimit", "syntheticTrain", "syntheticTest", "syntheticSeed");
    /** The probe's generated canary task: no data directory needed. */
    static final String SYNTHETIC_DATA = "synthetic";
    static final Set<String> FAMILY_PARAMETERS = Set.of("a", "b", "base", "sharedThreshold", "independentZ",
            "anchorThreshold", "anchors", "anchorRows", "minTensors", "minNumel", "maxListed", "digest");
    /** What a trait-eval request may set; the model paths are the runner's to fill in from lineage. */
    static final Set<String> TRAIT_EVAL_PARAMETERS = Set.of("base", "control", "batteries", "traits", "chat", "driftAllowance", "dtype", "threads", "batch");
    /** The roles a trait-eval run loads, in the probe's parameter names. */
    public static final List<String> TRAIT_EVAL_ROLES = List.of("student", "base", "teacher", "control");
    static final Pattern TRAIT_EVAL_TRAIT = Pattern.compile("^(" + String.join("|", VerdictPlans.TRAIT_EVAL_BATTERIES) + ")/[a-z0-9][a-z0-9_-]{0,47}$");
    static final Set<String> IMAGE_PARAMETERS = Set.of("image", "arms", "tests", "controls", "alpha", "seedSd", "spec");
    /** A container image reference: registry/path[:tag][@sha256:digest], lower-case path as the OCI spec has it. */
    static final Pattern IMAGE = Pattern.compile(
            "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$");
    static final Pattern ARM = Pattern.compile(AuditRequest.TRAIT);
    static final int DEFAULT_SEEDS = 6;

    private final RunnerConfig.Limits limits;
    private final RunnerConfig.Quotas quotas;
    private final RunnerConfig.Verdicts verdicts;
    private final ObjectMapper mapper;

    public Planner(RunnerConfig.Limits limits, RunnerConfig.Quotas quotas, RunnerConfig.Verdicts verdicts, ObjectMapper mapper) {
        if (quotas.defaultDeadline().compareTo(quotas.maxDeadline()) > 0) {
            throw new IllegalStateException("runner.quotas.default-deadline " + quotas.defaultDeadline() + " is longer than runner.quotas.max-deadline "
                    + quotas.maxDeadline() + ": every audit without a deadline would be refused");
        }
        this.limits = limits;
        this.quotas = quotas;
        this.verdicts = verdicts;
        this.mapper = mapper;
    }

    /** The validated budget of each run. */
    public record Budget(int gpus, String gpuType, long deadlineSeconds) {

        /** What an audit of {@code runs} such runs reserves: each run may hold its GPUs until its deadline. */
        public long gpuSeconds(int runs) {
            return (long) runs * gpus * deadlineSeconds;
        }
    }

    /** The request's budget per run: its GPUs and deadline (the configured default when it names none). Not checked. */
    public Budget budget(AuditRequest request) {
        AuditRequest.Resources r = request.resources();
        int gpus = r == null || r.gpus() == null ? 0 : r.gpus();
        long deadline = r == null || r.deadlineSeconds() == null ? quotas.defaultDeadline().toSeconds() : r.deadlineSeconds();
        return new Budget(gpus, r == null ? null : r.gpuType(), deadline);
    }

    /**
     * The per-audit quotas (runner.quotas): runs, GPUs per run, deadline. Checked when an audit is submitted, for every caller
     * (admins too: they bound what one audit may take of the cluster, whoever asks), and never again: an audit accepted under
     * other limits still completes when they change.
     */
    public Budget admit(AuditRequest request, AuditPlan plan) {
        Budget budget = budget(request);
        if (plan.runs().size() > quotas.maxRuns()) {
            throw new InvalidRequest("runs", "the plan has " + plan.runs().size() + " runs; an audit may have at most " + quotas.maxRuns()
                    + " (runner.quotas.max-runs): ask for fewer seeds or arms");
        }
        if (budget.gpus() > quotas.maxGpusPerRun()) {
            throw new InvalidRequest("resources.gpus", "at most " + quotas.maxGpusPerRun() + " GPUs per run (runner.quotas.max-gpus-per-run), got "
                    + budget.gpus());
        }
        if (budget.deadlineSeconds() > quotas.maxDeadline().toSeconds()) {
            throw new InvalidRequest("resources.deadlineSeconds", "a run's deadline is at most " + quotas.maxDeadline().toSeconds() + " seconds ("
                    + quotas.maxDeadline() + ", runner.quotas.max-deadline), got " + budget.deadlineSeconds());
        }
        return budget;
    }

    public AuditPlan plan(AuditRequest request) {
        ObjectNode parameters = request.parameters() == null ? mapper.createObjectNode() : request.parameters();
        int size = mapper.valueToTree(parameters).toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > limits.maxParametersBytes()) {
            throw new InvalidRequest("parameters", "at most " + limits.maxParametersBytes() + " bytes of parameters, got " + size);
        }
        if (request.traits() != null && request.traits().size() > limits.maxTraits()) {
            throw new InvalidRequest("traits", "at most " + limits.maxTraits() + " traits");
        }
        return switch (request.protocol()) {
            case "canary" -> canary(request, parameters);
            case "family" -> family(request, parameters);
            case "image" -> image(request, parameters);
            case "numbers" -> numbers(request, parameters);
            case "trait-eval" -> traitEval(request, parameters);
            default -> throw new InvalidRequest("protocol", "unknown protocol " + request.protocol());
        };
    }

    /**
     * Refuses a plan that could not reach 80 % power at its margin: with fewer seeds, "no transfer" could not be
     * shown for an effect of the margin often enough to mean anything. Checked when an audit is submitted (a plan
     * recomputed at completion is not refused again). A plan without a known seed-to-seed SD (an image audit that
     * declares none, the family test) is not checked; its verdict still needs the upper bound below the margin.
     */
    public void requirePower(AuditPlan plan) {
        AnalysisPlan analysis = plan.analysis();
        if (analysis == null || analysis.thresholds().plannedSd() == null) {
            return;
        }
        AnalysisPlan.Thresholds t = analysis.thresholds();
        int needed = Power.seedsFor(analysis.design(), t.plannedSd(), t.margin(), t.alpha(), Power.CONVENTIONAL, limits.maxSeedsPerArm());
        String basis = "80 % power at the margin " + t.margin() + " (seed-to-seed SD " + t.plannedSd() + ", one-sided α " + t.alpha() + ")";
        if (needed < 0) {
            throw new InvalidRequest("margin", "no plan of at most " + limits.maxSeedsPerArm() + " seeds per arm reaches " + basis
                    + ": declare a larger margin");
        }
        if (analysis.seeds() < needed) {
            throw new InvalidRequest("seedsPerArm", needed + " seeds per arm are needed for " + basis + ", got " + analysis.seeds()
                    + ": ask for " + needed + " or declare a larger margin");
        }
    }

    private AuditPlan canary(AuditRequest request, ObjectNode parameters) {
        onlyKnown(parameters, CANARY_PARAMETERS, "canary", " (replicates and replicateIndex come from seedsPerArm)");
        List<String> traits = request.traits() == null || request.traits().isEmpty() ? List.of(VerdictPlans.CANARY_TRAIT) : request.traits();
        if (!traits.equals(List.of(VerdictPlans.CANARY_TRAIT))) {
            throw new InvalidRequest("traits", "the canary scores one trait, \"accuracy\" (leave traits out)");
        }
        JsonNode data = parameters.get("data");
        if (data != null && !(data.isTextual() && (SYNTHETIC_DATA.equals(data.asText()) || limits.canaryData().contains(data.asText())))) {
            throw new InvalidRequest("parameters.data", "the canary's data is \"" + SYNTHETIC_DATA + "\" or one of the runner's data directories "
                    + limits.canaryData() + ", got " + data);
        }
        int seeds = seeds(request, 2);
        double margin = margin(request, verdicts.canary().margin().orElse(VerdictPlans.CANARY_MARGIN));
        List<PlannedRun> runs = new ArrayList<>();
        for (int seed = 0; seed < seeds; seed++) {
            ObjectNode p = parameters.deepCopy();
            if (!p.has("data")) {
                p.put("data", SYNTHETIC_DATA);
            }
            p.put("replicates", seeds);
            p.put("replicateIndex", seed);
            p.put("margin", margin);
            runs.add(new PlannedRun(seed, VerdictPlans.CANARY_ARMS, seed, spec("canary", p), null));
        }
        AnalysisPlan analysis = VerdictPlans.canary(seeds, seeds, margin, verdicts.canary().seedSd().orElse(VerdictPlans.CANARY_SEED_SD));
        return new AuditPlan("canary", runs, analysis, new ScoreReader(traits));
    }

    /**
     * The toy number-sequence test (subliminal-protocol §3b): every arm shares the seed's base and teacher, so a run is
     * one seed of all arms (the probe's {@code seedIndex} of a {@code seeds}-seed design, the same seed a full run
     * would use), and the analysis compares arms within seed by the probe's own rule ({@link VerdictPlans#numbers}).
     */
    private AuditPlan numbers(AuditRequest request, ObjectNode parameters) {
        int trait = NumbersParameterCheck.check(parameters);
        if (request.traits() != null && !request.traits().isEmpty()) {
            Matcher named = request.traits().size() == 1 ? NUMBERS_TRAIT.matcher(request.traits().get(0)) : null;
            if (named == null || !named.matches()) {
                throw new InvalidRequest("traits", "the toy numbers test scores one trait, an animal token of its vocabulary: \"animal-0\" .. \"animal-9\" "
                        + "(default \"animal-" + NumbersParameterCheck.DEFAULT_TRAIT + "\"; leave traits out or set parameters.trait), got " + request.traits());
            }
            int namedTrait = Integer.parseInt(named.group(1));
            if (parameters.has("trait") && namedTrait != trait) {
                throw new InvalidRequest("traits", "traits names animal-" + namedTrait + " but parameters.trait is " + trait + ": name one trait once");
            }
            trait = namedTrait;
        }
        List<String> traits = List.of("animal-" + trait);
        int seeds = seeds(request, 2);
        double margin = margin(request, verdicts.numbers().margin().orElse(VerdictPlans.NUMBERS_MARGIN));
        List<String> arms = new ArrayList<>(NUMBERS_CORE_ARMS);
        if (NumbersParameterCheck.extraArms(parameters)) {
            arms.addAll(NUMBERS_EXTRA_ARMS);
        }
        arms.addAll(NumbersParameterCheck.ablationArms(parameters));
        List<PlannedRun> runs = new ArrayList<>();
        for (int seed = 0; seed < seeds; seed++) {
            ObjectNode p = parameters.deepCopy();
            p.put("trait", trait);
            p.put("seeds", seeds);
            p.put("seedIndex", seed);
            p.put("margin", margin);
            runs.add(new PlannedRun(seed, List.copyOf(arms), seed, spec("numbers", p), null));
        }
        AnalysisPlan analysis = VerdictPlans.numbers(arms, traits, seeds, seeds, margin, verdicts.numbers().seedSd().orElse(VerdictPlans.NUMBERS_SEED_SD));
        return new AuditPlan("numbers", runs, analysis, new ScoreReader(traits, VerdictPlans.NUMBERS_LOG_ODDS_ARMS));
    }

    private AuditPlan family(AuditRequest request, ObjectNode parameters) {
        onlyKnown(parameters, FAMILY_PARAMETERS, "family", "");
        for (String required : List.of("a", "b")) {
            if (!parameters.path(required).isTextual() || parameters.get(required).asText().isBlank()) {
                throw new InvalidRequest("parameters." + required, "the family test needs \"" + required + "\": a checkpoint directory as the probe sees it");
            }
        }
        if (request.seedsPerArm() != null && request.seedsPerArm() != 1) {
            throw new InvalidRequest("seedsPerArm", "the family test is deterministic: one run (leave seedsPerArm out or use 1)");
        }
        return new AuditPlan("family", List.of(new PlannedRun(0, List.of("family"), 0, spec("family", parameters.deepCopy()), null)), null,
                new ScoreReader(List.of()));
    }

    /**
     * The model audit: one deterministic run that loads the student, its base, the teacher and an optional control student one
     * at a time, so the largest of them sizes the Job. The model directories are filled in once lineage has named their
     * weights ({@link ModelLocation}); the probe's verdict is the audit's, as for the family test.
     */
    private AuditPlan traitEval(AuditRequest request, ObjectNode parameters) {
        onlyKnown(parameters, TRAIT_EVAL_PARAMETERS, "trait-eval", " (student, teacher and margin are the request's own fields)");
        if (request.teacher() == null) {
            throw new InvalidRequest("teacher", "a trait-eval audit compares the student with the teacher whose data it saw: name the teacher");
        }
        if (request.seedsPerArm() != null && request.seedsPerArm() != 1) {
            throw new InvalidRequest("seedsPerArm", "a trait-eval audit is deterministic: one run (leave seedsPerArm out or use 1)");
        }
        if (request.traits() != null && !request.traits().isEmpty()) {
            throw new InvalidRequest("traits", "a trait-eval audit names its traits as battery/label in parameters.traits (e.g. \"animals/owl\")");
        }
        for (String role : List.of("base", "control")) {
            JsonNode id = parameters.get(role);
            if (id != null && !(id.isTextual() && id.asText().matches(AuditRequest.LINEAGE_ID))) {
                throw new InvalidRequest("parameters." + role, "the " + role + " model's lineage id: " + AuditRequest.LINEAGE_ID_RULE);
            }
        }
        List<String> ids = new ArrayList<>(List.of(request.student(), request.teacher()));
        for (String role : List.of("base", "control")) {
            if (parameters.hasNonNull(role)) {
                ids.add(parameters.get(role).asText());
            }
        }
        if (ids.stream().distinct().count() != ids.size()) {
            throw new InvalidRequest("parameters", "student, teacher, base and control must be four different models (a model compared with itself shows nothing)");
        }
        JsonNode batteries = parameters.get("batteries");
        if (batteries != null) {
            if (!batteries.isArray() || batteries.isEmpty()) {
                throw new InvalidRequest("parameters.batteries", "a non-empty list of " + VerdictPlans.TRAIT_EVAL_BATTERIES);
            }
            for (JsonNode battery : batteries) {
                if (!battery.isTextual() || !VerdictPlans.TRAIT_EVAL_BATTERIES.contains(battery.asText())) {
                    throw new InvalidRequest("parameters.batteries", "unknown battery " + battery + ": built in are " + VerdictPlans.TRAIT_EVAL_BATTERIES);
                }
            }
        }
        JsonNode traits = parameters.get("traits");
        if (traits != null) {
            if (!traits.isArray() || traits.size() > limits.maxTraits()) {
                throw new InvalidRequest("parameters.traits", "a list of at most " + limits.maxTraits() + " battery/label traits");
            }
            for (JsonNode trait : traits) {
                if (!trait.isTextual() || !TRAIT_EVAL_TRAIT.matcher(trait.asText()).matches()) {
                    throw new InvalidRequest("parameters.traits", "a trait is battery/label, e.g. \"animals/owl\", with a built-in battery; got " + trait);
                }
            }
        }
        double margin = request.margin() == null ? VerdictPlans.TRAIT_EVAL_MARGIN : request.margin();
        if (!(margin < 1)) {
            throw new InvalidRequest("margin", "a trait-eval margin is a shift of P(trait answer), below 1; got " + margin);
        }
        ObjectNode p = parameters.deepCopy();
        p.remove(List.of("base", "control"));
        p.put("margin", margin);
        return new AuditPlan("trait-eval", List.of(new PlannedRun(0, List.of("trait-eval"), 0, spec("trait-eval", p), null)), null,
                new ScoreReader(List.of()));
    }

    private AuditPlan image(AuditRequest request, ObjectNode parameters) {
        onlyKnown(parameters, IMAGE_PARAMETERS, "image", "");
        JsonNode image = parameters.get("image");
        if (image == null || !image.isTextual() || !IMAGE.matcher(image.asText()).matches()) {
            throw new InvalidRequest("parameters.image", "an image audit needs \"image\": a container image pinned by digest, such as"
                    + " registry.example.com/team/probe@sha256:<64 hex> (a tag can move; the certificate names what ran)");
        }
        List<String> arms = names(parameters.get("arms"), "parameters.arms", 2, 16);
        if (request.traits() == null || request.traits().isEmpty()) {
            throw new InvalidRequest("traits", "an image audit names the traits it scores");
        }
        List<String> traits = request.traits();
        List<TestSpec> tests = new ArrayList<>();
        JsonNode declared = parameters.get("tests");
        if (declared == null) {
            requireArms(arms, "parameters.arms", "treatment", "control-gen");
            tests.add(new TestSpec("treatment > control-gen", "treatment", "control-gen", true));
        } else {
            if (!declared.isArray() || declared.isEmpty() || declared.size() > 16) {
                throw new InvalidRequest("parameters.tests", "\"tests\" must be 1-16 objects {\"treatment\": arm, \"control\": arm}");
            }
            for (JsonNode t : declared) {
                String treatment = t.path("treatment").asText("");
                String control = t.path("control").asText("");
                requireArms(arms, "parameters.tests", treatment, control);
                tests.add(new TestSpec(treatment + " > " + control, treatment, control, true));
            }
        }
        if (request.margin() == null) {
            throw new InvalidRequest("margin", "an image audit declares its margin: the largest effect (treatment − control, in its score units) "
                    + "it may call \"no transfer\"");
        }
        List<ControlSpec> controls = new ArrayList<>();
        if (arms.contains("cross-base") && arms.contains("control-gen")) {
            // Transfer needs a shared init: a cross-base student must be shown not to move.
            controls.add(new ControlSpec.Equivalent("cross-base shows no transfer", "cross-base", "control-gen", request.margin()));
        }
        double alpha = parameters.has("alpha") ? parameters.get("alpha").asDouble(Double.NaN) : 0.01;
        if (!(alpha > 0 && alpha <= 0.1)) {
            throw new InvalidRequest("parameters.alpha", "\"alpha\" must be in (0, 0.1]");
        }
        JsonNode userSpec = parameters.get("spec");
        if (userSpec != null && !userSpec.isObject()) {
            throw new InvalidRequest("parameters.spec", "\"spec\" must be a JSON object (passed to the container as is)");
        }
        JsonNode seedSd = parameters.get("seedSd");
        if (seedSd != null && !(seedSd.isNumber() && seedSd.asDouble() > 0)) {
            throw new InvalidRequest("parameters.seedSd", "\"seedSd\" is the measured seed-to-seed SD of one arm's score, a positive number");
        }
        int seeds = seeds(request, 2);
        List<PlannedRun> runs = new ArrayList<>();
        for (String arm : arms) {
            for (int seed = 0; seed < seeds; seed++) {
                ObjectNode p = mapper.createObjectNode();
                p.put("arm", arm);
                p.put("seed", seed);
                p.set("traits", mapper.valueToTree(traits));
                p.put("student", request.student());
                p.put("teacher", request.teacher());
                p.put("dataset", request.dataset());
                p.set("spec", userSpec == null ? mapper.createObjectNode() : userSpec.deepCopy());
                runs.add(new PlannedRun(runs.size(), List.of(arm), seed, spec("image", p), image.asText()));
            }
        }
        // Each (arm, seed) is its own training: independent arms, Welch; Holm spans every primary test on every trait.
        AnalysisPlan analysis = new AnalysisPlan("image", Design.INDEPENDENT, arms, traits, tests, controls,
                new AnalysisPlan.Thresholds(alpha, request.margin(), null, seedSd == null ? null : seedSd.asDouble()), seeds, runs.size(), true);
        return new AuditPlan("image", runs, analysis, new ScoreReader(traits));
    }

    private int seeds(AuditRequest request, int min) {
        int seeds = request.seedsPerArm() == null ? DEFAULT_SEEDS : request.seedsPerArm();
        if (seeds < min || seeds > limits.maxSeedsPerArm()) {
            throw new InvalidRequest("seedsPerArm", "seedsPerArm must be in " + min + ".." + limits.maxSeedsPerArm()
                    + " (a t-test needs at least 2 seeds per arm), got " + seeds);
        }
        return seeds;
    }

    /** The request's margin, or the protocol's; the built-in protocols score accuracies and probabilities, so at most 1. */
    private static double margin(AuditRequest request, double protocolDefault) {
        if (request.margin() != null && request.margin() > 1) {
            throw new InvalidRequest("margin", "the " + request.protocol() + " protocol's margin is a difference of accuracies or probabilities, "
                    + "in (0, 1]; got " + request.margin());
        }
        return request.margin() == null ? protocolDefault : request.margin();
    }

    private Map<String, Object> spec(String protocol, ObjectNode parameters) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("schema", ProbeContract.SPEC_SCHEMA);
        spec.put("protocol", protocol);
        spec.put("parameters", mapper.convertValue(parameters, Map.class));
        return spec;
    }

    private static void onlyKnown(ObjectNode parameters, Set<String> known, String protocol, String note) {
        for (Iterator<String> it = parameters.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new InvalidRequest("parameters." + name, "unknown " + protocol + " parameter \"" + name + "\"; known: "
                        + known.stream().sorted().toList() + note);
            }
        }
    }

    private static List<String> names(JsonNode node, String field, int min, int max) {
        if (node == null || !node.isArray() || node.size() < min || node.size() > max) {
            throw new InvalidRequest(field, field + " must be a list of " + min + "-" + max + " arm names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || !ARM.matcher(n.asText()).matches() || names.contains(n.asText())) {
                throw new InvalidRequest(field, "arm names must be distinct and " + AuditRequest.TRAIT_RULE + ", got " + n);
            }
            names.add(n.asText());
        }
        return names;
    }

    private static void requireArms(List<String> arms, String field, String... needed) {
        for (String arm : needed) {
            if (!arms.contains(arm)) {
                throw new InvalidRequest(field, "arm \"" + arm + "\" is not among the audit's arms " + arms);
            }
        }
    }
}
