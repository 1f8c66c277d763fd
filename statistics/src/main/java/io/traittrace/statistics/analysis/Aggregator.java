package io.traittrace.statistics.analysis;

import static io.traittrace.statistics.analysis.Format.against;
import static io.traittrace.statistics.analysis.Format.number;
import static java.util.stream.Collectors.joining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.traittrace.statistics.Design;
import io.traittrace.statistics.Holm;
import io.traittrace.statistics.Power;
import io.traittrace.statistics.SignFlip;
import io.traittrace.statistics.TTest;

/**
 * Turns per-seed scores into an audit's statistics and verdict. Conservative by construction: a failed, missing or
 * unusable run, an arm short of seeds, a test without variance or a control that cannot be shown makes the audit
 * INCONCLUSIVE; a test that finds nothing is NO_TRANSFER_DETECTED only when it could have found an effect of the
 * declared margin (the upper confidence bound of the difference lies below it), else INCONCLUSIVE as underpowered.
 * Every statistic that can be computed is still reported.
 */
public final class Aggregator {

    /** A t-test and a t-interval need two seeds per arm. */
    private static final int MIN_SEEDS = 2;
    /** Failures quoted in a reason; the rest are counted. */
    private static final int QUOTED_FAILURES = 3;

    private final AnalysisPlan plan;
    private final double alpha;
    /** Per arm and trait: seed → score, seeds ascending. */
    private final Map<Cell, SortedMap<Integer, Double>> scores;

    private Aggregator(AnalysisPlan plan, Map<Cell, SortedMap<Integer, Double>> scores) {
        this.plan = plan;
        this.alpha = plan.thresholds().alpha();
        this.scores = scores;
    }

    /**
     * Aggregates an audit. The outcome is decided in this order, each INCONCLUSIVE clause adding its reason: no usable
     * run; a failed, missing or unusable run; an arm a test or control reads with fewer than 2 seeds; a test without
     * variance; a control not shown. Then TRANSFER_DETECTED if a primary test detects on some trait (and its treatment
     * also exceeds the test's alsoAbove arm; if not, INCONCLUSIVE); else NO_TRANSFER_DETECTED if every primary
     * difference's upper bound lies below the margin; else INCONCLUSIVE, underpowered. A completed run whose result
     * lacks a score the plan names (or holds a non-finite one), names a seed outside the plan, or repeats an arm and
     * seed already reported counts as failed, with that reason.
     *
     * @param plan what to test, fixed before the runs
     * @param completed the runs that handed back a result
     * @param failed the runs that did not (final attempts only)
     * @throws IllegalArgumentException when a run id appears twice: the caller's bookkeeping is wrong
     */
    public static AuditAnalysis analyse(AnalysisPlan plan, List<RunScores> completed, List<RunFailure> failed) {
        requireDistinctRunIds(completed, failed);
        List<RunScores> usable = new ArrayList<>();
        List<RunFailure> failures = new ArrayList<>(failed);
        Map<String, String> runByArmAndSeed = new HashMap<>();
        completed.stream().sorted(Comparator.comparingInt(RunScores::seed).thenComparing(RunScores::runId)).forEach(run -> {
            Optional<String> problem = problem(plan, run, runByArmAndSeed);
            if (problem.isPresent()) {
                failures.add(new RunFailure(run.runId(), problem.get()));
            } else {
                usable.add(run);
                run.scores().keySet().forEach(arm -> runByArmAndSeed.put(arm + "|" + run.seed(), run.runId()));
            }
        });
        Aggregator aggregator = new Aggregator(plan, collect(plan, usable));
        List<String> runReasons = runReasons(plan, usable.size(), failures);
        if (usable.isEmpty()) {
            List<String> reasons = new ArrayList<>();
            reasons.add(completed.isEmpty() ? "no run completed" : "no completed run has a usable result");
            reasons.addAll(runReasons);
            return new AuditAnalysis(AuditAnalysis.INCONCLUSIVE, rule(plan), reasons, Map.of(), List.of(), ComparisonResult.HOLM, Map.of(),
                    aggregator.power(List.of()));
        }
        return aggregator.decide(runReasons);
    }

    private AuditAnalysis decide(List<String> runReasons) {
        Map<String, ArmSummary> arms = new LinkedHashMap<>();
        scores.forEach((cell, bySeed) -> arms.put(key(cell), ArmSummary.of(List.copyOf(bySeed.keySet()), List.copyOf(bySeed.values()))));
        List<ComparisonResult> comparisons = compare();
        Map<String, ControlCheck> checks = new LinkedHashMap<>();
        plan.controls().forEach(control -> checks.put(control.name(), check(control)));
        Map<String, ControlResult> controls = new LinkedHashMap<>();
        checks.forEach((name, check) -> controls.put(name, check.result()));
        List<ComparisonResult> decisive = comparisons.stream().filter(comparison -> comparison.primary() || isAlsoAbove(comparison)).toList();
        PowerResult power = power(comparisons.stream().filter(ComparisonResult::primary).toList());

        List<String> reasons = new ArrayList<>(runReasons);
        shortOfSeeds().ifPresent(reasons::add);
        String withoutVariance = decisive.stream().filter(comparison -> !comparison.defined())
                .map(comparison -> comparison.trait() + ": " + comparison.name()).collect(joining(", "));
        if (!withoutVariance.isEmpty()) {
            reasons.add("no variance to test: " + withoutVariance + " (every " + (plan.design() == Design.PAIRED ? "within-seed difference" : "score")
                    + " equal; a verdict cannot rest on a test without a standard error)");
        }
        checks.forEach((name, check) -> {
            if (check.evaluated() && !check.result().ok()) {
                reasons.add("control " + name + " not shown: " + check.result().detail());
            }
        });
        if (!reasons.isEmpty()) { // a failed run, too few seeds, no variance or an unshown control outranks any reading
            return analysis(AuditAnalysis.INCONCLUSIVE, reasons, arms, comparisons, controls, power);
        }
        List<ComparisonResult> primary = comparisons.stream().filter(ComparisonResult::primary).toList();
        List<ComparisonResult> detections = primary.stream().filter(this::detects).toList();
        if (!detections.isEmpty()) {
            List<ComparisonResult> confirmed = detections.stream().filter(comparison -> alsoAbove(comparisons, comparison).map(this::exceeds).orElse(true)).toList();
            if (confirmed.isEmpty()) {
                detections.forEach(comparison -> reasons.add(judgement(comparison) + "; but not above " + alsoAbove(comparisons, comparison).orElseThrow().control()
                        + ": " + describe(alsoAbove(comparisons, comparison).orElseThrow()) + " ≥ " + number(alpha)));
                return analysis(AuditAnalysis.INCONCLUSIVE, reasons, arms, comparisons, controls, power);
            }
            confirmed.forEach(comparison -> reasons.add(judgement(comparison)
                    + alsoAbove(comparisons, comparison).map(above -> "; above " + above.control() + ": " + describe(above) + " < " + number(alpha)).orElse("")));
            return analysis(AuditAnalysis.TRANSFER_DETECTED, reasons, arms, comparisons, controls, power);
        }
        double margin = plan.thresholds().margin();
        List<ComparisonResult> unbounded = primary.stream().filter(comparison -> comparison.upperBound() >= margin).toList();
        if (unbounded.isEmpty()) {
            primary.forEach(comparison -> reasons.add(judgement(comparison) + "; " + bound(comparison) + " < margin " + number(margin)));
            return analysis(AuditAnalysis.NO_TRANSFER_DETECTED, reasons, arms, comparisons, controls, power);
        }
        unbounded.forEach(comparison -> reasons.add("underpowered: " + judgement(comparison) + "; " + bound(comparison) + " ≥ margin "
                + number(margin) + ", so an effect of the margin is not excluded"));
        return analysis(AuditAnalysis.INCONCLUSIVE, reasons, arms, comparisons, controls, power);
    }

    private AuditAnalysis analysis(String outcome, List<String> reasons, Map<String, ArmSummary> arms, List<ComparisonResult> comparisons,
            Map<String, ControlResult> controls, PowerResult power) {
        return new AuditAnalysis(outcome, rule(plan), reasons, arms, comparisons, ComparisonResult.HOLM, controls, power);
    }

    /**
     * Holm within each test across the plan's traits, or (with {@link AnalysisPlan#holmAcrossTests()}) one family of
     * every test on every trait; then the alsoAbove comparisons, uncorrected. A comparison that could not be computed
     * enters its family as p = 1: the others are adjusted as if it were there, which is conservative.
     */
    private List<ComparisonResult> compare() {
        List<TestSpec> tests = plan.tests();
        List<String> traits = plan.traits();
        List<List<Optional<Computed>>> byTest = tests.stream()
                .map(test -> traits.stream().map(trait -> test(test.treatment(), test.control(), trait)).toList()).toList();
        List<List<Double>> adjusted = new ArrayList<>();
        if (plan.holmAcrossTests()) {
            double[] all = Holm.adjust(byTest.stream().flatMap(List::stream).mapToDouble(Aggregator::familyP).toArray());
            for (int i = 0; i < tests.size(); i++) {
                List<Double> family = new ArrayList<>();
                for (int j = 0; j < traits.size(); j++) {
                    family.add(all[i * traits.size() + j]);
                }
                adjusted.add(family);
            }
        } else {
            byTest.forEach(byTrait -> adjusted.add(
                    Arrays.stream(Holm.adjust(byTrait.stream().mapToDouble(Aggregator::familyP).toArray())).boxed().toList()));
        }
        List<ComparisonResult> comparisons = new ArrayList<>();
        for (int i = 0; i < tests.size(); i++) {
            TestSpec test = tests.get(i);
            for (int j = 0; j < traits.size(); j++) {
                String trait = traits.get(j);
                double adjustedP = adjusted.get(i).get(j);
                byTest.get(i).get(j).ifPresent(computed -> comparisons.add(computed.result(test.name(), trait, test.treatment(), test.control(), alpha,
                        ComparisonResult.HOLM, adjustedP, test.primary())));
            }
        }
        for (TestSpec test : tests.stream().filter(test -> test.alsoAbove() != null).toList()) {
            for (String trait : traits) {
                test(test.treatment(), test.alsoAbove(), trait).ifPresent(computed -> comparisons.add(computed.result(test.alsoAboveName(), trait,
                        test.treatment(), test.alsoAbove(), alpha, ComparisonResult.NONE, computed.test().pValue(), false)));
            }
        }
        return comparisons;
    }

    private static double familyP(Optional<Computed> computed) {
        return computed.filter(c -> !c.test().degenerate()).map(c -> c.test().pValue()).orElse(1.0);
    }

    /** The design's test of "treatment &gt; control" on one trait, when both arms have two seeds (two pairs, paired). */
    private Optional<Computed> test(String treatment, String control, String trait) {
        SortedMap<Integer, Double> treated = scores.getOrDefault(new Cell(treatment, trait), new TreeMap<>());
        SortedMap<Integer, Double> controls = scores.getOrDefault(new Cell(control, trait), new TreeMap<>());
        if (plan.design() == Design.INDEPENDENT) {
            if (treated.size() < MIN_SEEDS || controls.size() < MIN_SEEDS) {
                return Optional.empty();
            }
            return Optional.of(new Computed(TTest.welchGreater(values(treated.values()), values(controls.values())), Math.min(treated.size(), controls.size()),
                    null));
        }
        List<Integer> pairs = treated.keySet().stream().filter(controls::containsKey).toList();
        if (pairs.size() < MIN_SEEDS) {
            return Optional.empty();
        }
        double[] a = pairs.stream().mapToDouble(treated::get).toArray();
        double[] b = pairs.stream().mapToDouble(controls::get).toArray();
        Double minimum = plan.thresholds().minimumEffect();
        double shift = minimum == null ? 0 : minimum;
        Double signFlip = pairs.size() <= SignFlip.MAX_PAIRS ? SignFlip.greater(Arrays.stream(TTest.differences(a, b)).map(d -> d - shift).toArray()) : null;
        return Optional.of(new Computed(minimum == null ? TTest.pairedGreater(a, b) : TTest.pairedGreaterThan(a, b, minimum), pairs.size(), signFlip));
    }

    private ControlCheck check(ControlSpec control) {
        List<String> details = new ArrayList<>();
        boolean evaluated = true;
        boolean shown = true;
        for (String trait : plan.traits()) {
            Optional<String> missing = control.arms().stream().filter(arm -> seeds(arm, trait) < MIN_SEEDS).findFirst()
                    .map(arm -> trait + ": not evaluated, " + arm + " has " + seeds(arm, trait) + " seed(s)");
            if (missing.isPresent()) {
                evaluated = false;
                details.add(missing.get());
                continue;
            }
            TraitCheck traitCheck = control instanceof ControlSpec.Equivalent equivalent ? checkEquivalent(equivalent, trait)
                    : control instanceof ControlSpec.NearValue nearValue ? checkNearValue(nearValue, trait)
                    : checkAtLeast((ControlSpec.AtLeast) control, trait);
            details.add(traitCheck.detail());
            shown &= traitCheck.shown();
        }
        return new ControlCheck(new ControlResult(control.kind(), evaluated && shown, String.join("; ", details)), evaluated);
    }

    private TraitCheck checkEquivalent(ControlSpec.Equivalent control, String trait) {
        TTest test = test(control.arm(), control.baseline(), trait).orElseThrow().test();
        return equivalence(trait + ": " + control.arm() + " − " + control.baseline() + " = " + number(test.difference()) + " (" + label(test) + ")", test,
                control.margin());
    }

    private TraitCheck checkNearValue(ControlSpec.NearValue control, String trait) {
        TTest test = TTest.oneSampleGreater(values(scores.get(new Cell(control.arm(), trait)).values()), control.expected());
        return equivalence(trait + ": " + control.arm() + " mean " + number(test.difference() + control.expected()) + ", " + number(test.difference())
                + " from " + number(control.expected()), test, control.margin());
    }

    /** TOST at α: the (1 − 2α) interval of the difference inside ±margin. */
    private TraitCheck equivalence(String subject, TTest test, double margin) {
        if (test.degenerate()) {
            return new TraitCheck(subject + ": no variance, equivalence cannot be tested", false);
        }
        TTest.Equivalence equivalence = test.equivalence(-margin, margin);
        boolean shown = equivalence.shown(alpha);
        return new TraitCheck(subject + ", " + percent(1 - 2 * alpha) + " interval [" + number(test.lowerBound(alpha)) + ", " + number(test.upperBound(alpha))
                + "] " + (shown ? "within" : "not within") + " ±" + number(margin) + " (TOST p = " + against(equivalence.pValue(), alpha)
                + (shown ? " < " : " ≥ ") + number(alpha) + ")", shown);
    }

    private TraitCheck checkAtLeast(ControlSpec.AtLeast control, String trait) {
        TTest test = TTest.oneSampleGreater(values(scores.get(new Cell(control.arm(), trait)).values()), control.minimum());
        String subject = trait + ": " + control.arm() + " mean " + number(test.difference() + control.minimum());
        if (test.degenerate()) {
            return new TraitCheck(subject + ": no variance, cannot be tested against " + number(control.minimum()), false);
        }
        double lowerBound = test.lowerBound(alpha) + control.minimum();
        boolean shown = test.pValue() < alpha;
        return new TraitCheck(subject + ", one-sided " + percent(1 - alpha) + " lower bound " + against(lowerBound, control.minimum())
                + (shown ? " > " : " ≤ ") + number(control.minimum()) + " required (one-sided p = " + against(test.pValue(), alpha) + ")", shown);
    }

    private boolean detects(ComparisonResult comparison) {
        Double minimumEffect = plan.thresholds().minimumEffect();
        return comparison.difference() > (minimumEffect == null ? 0 : minimumEffect) && comparison.adjustedPValue() < alpha && reachesMinimum(comparison);
    }

    private boolean exceeds(ComparisonResult comparison) {
        return comparison.difference() > 0 && comparison.pValue() < alpha;
    }

    private boolean reachesMinimum(ComparisonResult comparison) {
        Double minimum = plan.thresholds().minTreatmentMean();
        return minimum == null || treatmentMean(comparison) >= minimum;
    }

    private Optional<ComparisonResult> alsoAbove(List<ComparisonResult> comparisons, ComparisonResult primary) {
        return plan.tests().stream().filter(test -> test.name().equals(primary.name()) && test.alsoAbove() != null).findFirst()
                .flatMap(test -> comparisons.stream().filter(c -> c.name().equals(test.alsoAboveName()) && c.trait().equals(primary.trait())).findFirst());
    }

    private boolean isAlsoAbove(ComparisonResult comparison) {
        return plan.tests().stream().anyMatch(test -> test.alsoAbove() != null && test.alsoAboveName().equals(comparison.name()));
    }

    /** Why a primary comparison detects transfer, or why it does not. */
    private String judgement(ComparisonResult comparison) {
        String text = describe(comparison) + ", Holm-adjusted p = " + against(comparison.adjustedPValue(), alpha)
                + (comparison.adjustedPValue() < alpha ? " < " : " ≥ ") + number(alpha);
        Double minimum = plan.thresholds().minTreatmentMean();
        if (minimum != null) {
            text += ", mean(" + comparison.treatment() + ") " + against(treatmentMean(comparison), minimum) + (reachesMinimum(comparison) ? " ≥ " : " < ")
                    + number(minimum) + " required";
        }
        Double minimumEffect = plan.thresholds().minimumEffect();
        if (comparison.difference() <= 0) {
            text += "; the difference is not positive";
        } else if (minimumEffect != null && comparison.difference() <= minimumEffect) {
            text += "; the difference is not above the minimum effect " + number(minimumEffect);
        }
        return text;
    }

    private String bound(ComparisonResult comparison) {
        return "one-sided " + percent(1 - alpha) + " upper bound of the difference " + against(comparison.upperBound(), plan.thresholds().margin());
    }

    private String describe(ComparisonResult comparison) {
        String statistic = comparison.defined() ? statisticLabel(comparison.statistic()) + " = " + number(comparison.t()) + ", df = " + number(comparison.df())
                : "no variance";
        return comparison.trait() + ": " + comparison.treatment() + " " + number(mean(comparison.treatment(), comparison.trait())) + " vs "
                + comparison.control() + " " + number(mean(comparison.control(), comparison.trait())) + ", difference " + number(comparison.difference())
                + " (" + statistic + ", n = " + comparison.n() + ")" + (comparison.defined() ? ", one-sided p = " + against(comparison.pValue(), alpha) : "");
    }

    private static String label(TTest test) {
        return test.degenerate() ? statisticLabel(test.statistic()) + ", no variance"
                : statisticLabel(test.statistic()) + " = " + number(test.t()) + ", df = " + number(test.df());
    }

    private static String statisticLabel(String statistic) {
        return switch (statistic) {
        case TTest.PAIRED_T -> "paired t";
        case TTest.PAIRED_T_MINIMUM_EFFECT -> "paired t against the minimum effect";
        case TTest.WELCH_T -> "Welch t";
        default -> "t";
        };
    }

    private Optional<String> shortOfSeeds() {
        String shortArms = Stream.concat(plan.tests().stream().flatMap(test -> test.arms().stream()), plan.controls().stream().flatMap(control -> control.arms().stream()))
                .distinct()
                .flatMap(arm -> plan.traits().stream().map(trait -> new Cell(arm, trait)))
                .filter(cell -> seeds(cell.arm(), cell.trait()) < MIN_SEEDS)
                .map(cell -> key(cell) + " has " + seeds(cell.arm(), cell.trait()))
                .collect(joining(", "));
        return shortArms.isEmpty() ? Optional.empty()
                : Optional.of("too few seeds: " + shortArms + "; a t-test and the 95 % t-interval need at least " + MIN_SEEDS + " per arm");
    }

    /**
     * The plan's power at its margin and its minimum detectable effect, from the protocol's SD (planned) and from this
     * audit's largest primary SD (observed).
     */
    private PowerResult power(List<ComparisonResult> primary) {
        AnalysisPlan.Thresholds t = plan.thresholds();
        double mdeLevel = t.alpha() / plan.holmFamilySize();
        Double plannedPower = null;
        Double plannedMde = null;
        if (t.plannedSd() != null && plan.seeds() >= MIN_SEEDS) {
            plannedPower = Power.of(plan.design(), plan.seeds(), t.plannedSd(), t.margin(), t.alpha());
            plannedMde = Power.minimumDetectableEffect(plan.design(), plan.seeds(), t.plannedSd(), mdeLevel, Power.CONVENTIONAL);
        }
        Double observedSd = null;
        int observedSeeds = plan.seeds();
        for (ComparisonResult comparison : primary) {
            double sd = plan.design() == Design.PAIRED
                    ? comparison.standardError() == null ? 0 : comparison.standardError() * Math.sqrt(comparison.n())
                    : Math.max(sdOf(comparison.treatment(), comparison.trait()), sdOf(comparison.control(), comparison.trait()));
            if (sd > 0 && (observedSd == null || sd > observedSd)) {
                observedSd = sd;
                observedSeeds = comparison.n();
            }
        }
        Double observedPower = null;
        Double observedMde = null;
        if (observedSd != null && observedSeeds >= MIN_SEEDS) {
            observedPower = Power.of(plan.design(), observedSeeds, observedSd, t.margin(), t.alpha());
            observedMde = Power.minimumDetectableEffect(plan.design(), observedSeeds, observedSd, mdeLevel, Power.CONVENTIONAL);
        }
        return new PowerResult(plan.design().name().toLowerCase(Locale.ROOT), plan.seeds(), t.margin(), t.alpha(), Power.CONVENTIONAL, mdeLevel,
                t.plannedSd(), plannedPower, plannedMde, observedSd, observedPower, observedMde);
    }

    private double sdOf(String arm, String trait) {
        SortedMap<Integer, Double> bySeed = scores.get(new Cell(arm, trait));
        if (bySeed == null || bySeed.size() < MIN_SEEDS) {
            return 0;
        }
        double[] v = values(bySeed.values());
        double mean = Arrays.stream(v).average().orElseThrow();
        return Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
    }

    private int seeds(String arm, String trait) {
        SortedMap<Integer, Double> bySeed = scores.get(new Cell(arm, trait));
        return bySeed == null ? 0 : bySeed.size();
    }

    private double mean(String arm, String trait) {
        return scores.get(new Cell(arm, trait)).values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private double treatmentMean(ComparisonResult comparison) {
        return mean(comparison.treatment(), comparison.trait());
    }

    private String key(Cell cell) {
        return plan.traits().size() == 1 ? cell.arm() : cell.arm() + ":" + cell.trait();
    }

    private static double[] values(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String percent(double level) {
        return number(100 * level) + " %";
    }

    /** Per arm and trait, in plan order (arm-major), the usable runs' scores by seed. An arm no usable run covers is absent (0 seeds). */
    private static Map<Cell, SortedMap<Integer, Double>> collect(AnalysisPlan plan, List<RunScores> usable) {
        Map<Cell, SortedMap<Integer, Double>> scores = new LinkedHashMap<>();
        for (String arm : plan.arms()) {
            for (String trait : plan.traits()) {
                SortedMap<Integer, Double> bySeed = new TreeMap<>();
                usable.stream().filter(run -> run.scores().containsKey(arm)).forEach(run -> bySeed.put(run.seed(), run.scores().get(arm).get(trait)));
                if (!bySeed.isEmpty()) {
                    scores.put(new Cell(arm, trait), bySeed);
                }
            }
        }
        return scores;
    }

    /**
     * Why a completed run cannot be used, if it cannot. A run covers the arms its scores name (all arms for the
     * canary and the numbers test, one arm for an image audit) and must score every trait of each, for a seed of the
     * plan; an arm and seed count once.
     */
    private static Optional<String> problem(AnalysisPlan plan, RunScores run, Map<String, String> runByArmAndSeed) {
        if (run.scores().isEmpty()) {
            return Optional.of("result scores no arm");
        }
        if (run.seed() < 0 || run.seed() >= plan.seeds()) {
            return Optional.of("result is for seed " + run.seed() + ", which is not among the plan's seeds 0.." + (plan.seeds() - 1));
        }
        Optional<String> unknown = run.scores().keySet().stream().filter(arm -> !plan.arms().contains(arm)).sorted().findFirst();
        if (unknown.isPresent()) {
            return Optional.of("result scores arm " + unknown.get() + ", which the plan does not have");
        }
        for (String arm : plan.arms().stream().filter(run.scores()::containsKey).toList()) {
            Map<String, Double> byTrait = run.scores().get(arm);
            for (String trait : plan.traits()) {
                Double score = byTrait == null ? null : byTrait.get(trait);
                if (score == null) {
                    return Optional.of("result lacks arm " + arm + " trait " + trait);
                }
                if (!Double.isFinite(score)) {
                    return Optional.of("result has a non-finite score (" + score + ") for arm " + arm + " trait " + trait);
                }
            }
        }
        return plan.arms().stream().filter(arm -> run.scores().containsKey(arm) && runByArmAndSeed.containsKey(arm + "|" + run.seed())).findFirst()
                .map(arm -> "seed " + run.seed() + " of arm " + arm + " was already reported by run " + runByArmAndSeed.get(arm + "|" + run.seed()));
    }

    private static List<String> runReasons(AnalysisPlan plan, int usable, List<RunFailure> failures) {
        List<String> reasons = new ArrayList<>();
        int reported = usable + failures.size();
        if (!failures.isEmpty()) {
            String quoted = failures.stream().limit(QUOTED_FAILURES).map(failure -> failure.runId() + ": " + failure.reason()).collect(joining("; "));
            String more = failures.size() > QUOTED_FAILURES ? "; and " + (failures.size() - QUOTED_FAILURES) + " more" : "";
            reasons.add(failures.size() + " of " + reported + " runs failed: " + quoted + more);
        }
        if (reported < plan.expectedRuns()) {
            reasons.add((plan.expectedRuns() - reported) + " of " + plan.expectedRuns() + " expected runs never reported; " + usable + " completed");
        }
        return reasons;
    }

    private static String rule(AnalysisPlan plan) {
        AnalysisPlan.Thresholds t = plan.thresholds();
        int traitCount = plan.traits().size();
        String alpha = number(t.alpha());
        String test = plan.design() == Design.PAIRED ? "one-sided paired t-test (within seed)" : "one-sided Welch t-test";
        String correction = plan.holmAcrossTests()
                ? " after Holm correction across " + plan.holmFamilySize() + " comparisons (" + plan.tests().size() + " tests × " + traitCount
                        + (traitCount == 1 ? " trait)" : " traits)")
                : " after Holm correction across " + traitCount + (traitCount == 1 ? " trait" : " traits");
        String detection = plan.tests().stream().filter(TestSpec::primary)
                .map(spec -> "mean(" + spec.treatment() + ") − mean(" + spec.control() + ") > "
                        + (t.minimumEffect() == null ? "0" : "the minimum effect " + number(t.minimumEffect())) + " with p < " + alpha + correction
                        + (t.minTreatmentMean() == null ? "" : " and mean(" + spec.treatment() + ") ≥ " + number(t.minTreatmentMean()))
                        + (spec.alsoAbove() == null ? "" : " and " + spec.treatment() + " > " + spec.alsoAbove() + " with uncorrected p < " + alpha))
                .collect(joining(", or "));
        String controls = plan.controls().stream().map(control -> control.name() + ": " + requirement(control, alpha)).collect(joining("; "));
        String primaries = plan.tests().stream().filter(TestSpec::primary).map(spec -> spec.treatment() + " − " + spec.control()).collect(joining(", "));
        return "Tests: " + test + ". INCONCLUSIVE if a run failed or fewer than " + plan.expectedRuns() + " runs completed, an arm a test or control reads "
                + "has fewer than " + MIN_SEEDS + " seeds, a test has no variance"
                + (controls.isEmpty() ? "" : ", or a control is not shown for some trait (" + controls + ")")
                + "; otherwise TRANSFER_DETECTED if for some trait (" + String.join(", ", plan.traits()) + ") " + detection
                + "; otherwise NO_TRANSFER_DETECTED if the one-sided " + percent(1 - t.alpha()) + " upper confidence bound of every primary difference ("
                + primaries + ") is below the margin " + number(t.margin()) + "; otherwise INCONCLUSIVE (underpowered)";
    }

    private static String requirement(ControlSpec control, String alpha) {
        if (control instanceof ControlSpec.Equivalent equivalent) {
            return equivalent.arm() + " − " + equivalent.baseline() + " within ±" + number(equivalent.margin()) + " by TOST at " + alpha;
        }
        if (control instanceof ControlSpec.NearValue near) {
            return "mean(" + near.arm() + ") within ±" + number(near.margin()) + " of " + number(near.expected()) + " by TOST at " + alpha;
        }
        ControlSpec.AtLeast atLeast = (ControlSpec.AtLeast) control;
        return "mean(" + atLeast.arm() + ") > " + number(atLeast.minimum()) + " by a one-sided t-test at " + alpha;
    }

    private static void requireDistinctRunIds(List<RunScores> completed, List<RunFailure> failed) {
        Set<String> seen = new HashSet<>();
        Stream.concat(completed.stream().map(RunScores::runId), failed.stream().map(RunFailure::runId)).forEach(runId -> {
            if (!seen.add(runId)) {
                throw new IllegalArgumentException("run " + runId + " is reported twice");
            }
        });
    }

    private record Cell(String arm, String trait) {
    }

    private record TraitCheck(String detail, boolean shown) {
    }

    private record ControlCheck(ControlResult result, boolean evaluated) {
    }

    /** A computed test with the seeds (pairs) it read and, for a paired test, the sign-flip p. */
    private record Computed(TTest test, int n, Double signFlipPValue) {

        ComparisonResult result(String name, String trait, String treatment, String control, double alpha, String correction, double adjustedPValue,
                boolean primary) {
            return ComparisonResult.of(name, trait, treatment, control, test, n, signFlipPValue, alpha, correction, test.degenerate() ? null : adjustedPValue,
                    primary);
        }
    }
}
