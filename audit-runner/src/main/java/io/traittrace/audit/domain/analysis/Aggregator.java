package io.traittrace.audit.domain.analysis;

import static io.traittrace.audit.domain.analysis.Format.against;
import static io.traittrace.audit.domain.analysis.Format.number;
import static java.util.stream.Collectors.joining;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns per-seed scores into an audit's statistics and verdict. Conservative by construction: a failed, missing or
 * unusable run, an arm short of seeds or a misbehaving control makes the audit INCONCLUSIVE, never a pass by
 * omission, while every statistic that can be computed is still reported.
 */
public final class Aggregator {

    /** Welch's test and the t-interval need two seeds per arm. */
    private static final int MIN_SEEDS = 2;
    /** Failures quoted in a reason; the rest are counted. */
    private static final int QUOTED_FAILURES = 3;

    private final AnalysisPlan plan;
    private final Map<Cell, ArmSummary> summaries;

    private Aggregator(AnalysisPlan plan, Map<Cell, ArmSummary> summaries) {
        this.plan = plan;
        this.summaries = summaries;
    }

    /**
     * Aggregates an audit. The outcome is decided in this order: no usable run; a failed or missing run; an arm a
     * test or control reads with fewer than 2 seeds; a misbehaving control (each of these INCONCLUSIVE, and each that
     * applies adds a reason); a primary test whose arms are both constant (INCONCLUSIVE: no standard error, no p); then TRANSFER_DETECTED if a primary test detects on some trait, else
     * NO_TRANSFER_DETECTED. A completed run whose result lacks a score the plan names (or holds a non-finite one), or
     * repeats an arm and seed already reported, counts as failed, with that reason.
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
        String rule = rule(plan);
        List<String> runReasons = runReasons(plan, usable.size(), failures);
        if (usable.isEmpty()) {
            List<String> reasons = new ArrayList<>();
            reasons.add(completed.isEmpty() ? "no run completed" : "no completed run has a usable result");
            reasons.addAll(runReasons);
            return new AuditAnalysis(AuditAnalysis.INCONCLUSIVE, rule, reasons, Map.of(), List.of(), ComparisonResult.HOLM, Map.of());
        }
        return new Aggregator(plan, summarize(plan, usable)).decide(rule, runReasons);
    }

    private AuditAnalysis decide(String rule, List<String> runReasons) {
        Map<String, ArmSummary> arms = new LinkedHashMap<>();
        summaries.forEach((cell, summary) -> arms.put(key(cell), summary));
        List<ComparisonResult> comparisons = compare();
        Map<String, ControlCheck> checks = new LinkedHashMap<>();
        plan.controls().forEach(control -> checks.put(control.name(), check(control)));
        Map<String, ControlResult> controls = new LinkedHashMap<>();
        checks.forEach((name, check) -> controls.put(name, check.result()));

        List<String> reasons = new ArrayList<>(runReasons);
        shortOfSeeds().ifPresent(reasons::add);
        checks.forEach((name, check) -> {
            if (!check.misbehaviour().isEmpty()) {
                reasons.add("control " + name + " misbehaved: " + String.join("; ", check.misbehaviour()));
            }
        });
        String withoutVariance = comparisons.stream().filter(comparison -> comparison.primary() && comparison.t() == null)
                .map(comparison -> comparison.trait() + ": " + comparison.name()).collect(joining(", "));
        if (!withoutVariance.isEmpty()) {
            reasons.add("no variance to test: " + withoutVariance + " (both arms constant; a verdict cannot rest on a test without a standard error)");
        }
        if (!reasons.isEmpty()) { // a failed run, too few seeds, a test without variance or a misbehaving control outranks any detection
            return new AuditAnalysis(AuditAnalysis.INCONCLUSIVE, rule, reasons, arms, comparisons, ComparisonResult.HOLM, controls);
        }
        List<ComparisonResult> primary = comparisons.stream().filter(ComparisonResult::primary).toList();
        List<ComparisonResult> detections = primary.stream().filter(this::detects).toList();
        String outcome = detections.isEmpty() ? AuditAnalysis.NO_TRANSFER_DETECTED : AuditAnalysis.TRANSFER_DETECTED;
        (detections.isEmpty() ? primary : detections).forEach(comparison -> reasons.add(judgement(comparison)));
        return new AuditAnalysis(outcome, rule, reasons, arms, comparisons, ComparisonResult.HOLM, controls);
    }

    /**
     * Holm within each test: the family is the plan's traits, so a trait that could not be tested still counts. With
     * {@link AnalysisPlan#holmAcrossTests()} one family holds every test on every trait.
     */
    private List<ComparisonResult> compare() {
        List<TestSpec> tests = plan.tests();
        List<String> traits = plan.traits();
        List<List<Optional<Welch>>> byTest = tests.stream()
                .map(test -> traits.stream().map(trait -> welch(test.treatment(), test.control(), trait)).toList()).toList();
        // An untested comparison enters its family as p = 1: the others are adjusted as if it were there, which is conservative.
        List<List<Double>> adjusted = new ArrayList<>();
        if (plan.holmAcrossTests()) {
            List<Double> all = Statistics.holm(byTest.stream().flatMap(List::stream).map(welch -> welch.map(Welch::pValue).orElse(1.0)).toList());
            for (int i = 0; i < tests.size(); i++) {
                adjusted.add(all.subList(i * traits.size(), (i + 1) * traits.size()));
            }
        } else {
            byTest.forEach(byTrait -> adjusted.add(Statistics.holm(byTrait.stream().map(welch -> welch.map(Welch::pValue).orElse(1.0)).toList())));
        }
        List<ComparisonResult> comparisons = new ArrayList<>();
        for (int i = 0; i < tests.size(); i++) {
            for (int j = 0; j < traits.size(); j++) {
                int testIndex = i;
                int traitIndex = j;
                byTest.get(i).get(j).ifPresent(welch -> comparisons.add(
                        ComparisonResult.of(tests.get(testIndex), traits.get(traitIndex), welch, adjusted.get(testIndex).get(traitIndex))));
            }
        }
        return comparisons;
    }

    private ControlCheck check(ControlSpec control) {
        List<String> details = new ArrayList<>();
        List<String> misbehaviour = new ArrayList<>();
        boolean evaluated = true;
        for (String trait : plan.traits()) {
            Optional<String> missing = control.arms().stream().filter(arm -> seeds(arm, trait) < MIN_SEEDS).findFirst()
                    .map(arm -> trait + ": not evaluated, " + arm + " has " + seeds(arm, trait) + " seed(s)");
            if (missing.isPresent()) {
                evaluated = false;
                details.add(missing.get());
                continue;
            }
            TraitCheck traitCheck = control instanceof ControlSpec.NoTransfer noTransfer ? checkNoTransfer(noTransfer, trait)
                    : control instanceof ControlSpec.MeanAbove meanAbove ? checkMeanAbove(meanAbove, trait)
                    : checkInterval((ControlSpec.Interval) control, trait);
            details.add(traitCheck.detail());
            if (traitCheck.misbehaves()) {
                misbehaviour.add(traitCheck.detail());
            }
        }
        return new ControlCheck(new ControlResult(control.kind(), evaluated && misbehaviour.isEmpty(), String.join("; ", details)), misbehaviour);
    }

    private TraitCheck checkNoTransfer(ControlSpec.NoTransfer control, String trait) {
        Welch welch = welch(control.arm(), control.baseline(), trait).orElseThrow();
        boolean misbehaves = welch.pValue() < plan.alpha();
        return new TraitCheck(describe(trait, control.arm(), control.baseline(), welch) + (misbehaves ? " < " : " ≥ ") + number(plan.alpha()),
                misbehaves);
    }

    private TraitCheck checkInterval(ControlSpec.Interval control, String trait) {
        ArmSummary summary = summaries.get(new Cell(control.arm(), trait));
        double low = summary.ci95().get(0);
        double high = summary.ci95().get(1);
        boolean misbehaves = control.expected() < low || control.expected() > high;
        return new TraitCheck(trait + ": " + control.arm() + " mean " + number(summary.mean()) + ", 95 % t-interval [" + against(low, control.expected())
                + ", " + against(high, control.expected()) + "] " + (misbehaves ? "excludes " : "contains ") + number(control.expected()), misbehaves);
    }

    private TraitCheck checkMeanAbove(ControlSpec.MeanAbove control, String trait) {
        ArmSummary summary = summaries.get(new Cell(control.arm(), trait));
        boolean misbehaves = !(summary.mean() > control.threshold());
        return new TraitCheck(trait + ": " + control.arm() + " mean " + against(summary.mean(), control.threshold()) + (misbehaves ? " ≤ " : " > ")
                + number(control.threshold()), misbehaves);
    }

    private boolean detects(ComparisonResult comparison) {
        return comparison.difference() > 0 && comparison.adjustedPValue() < plan.alpha() && reachesMinimum(comparison);
    }

    private boolean reachesMinimum(ComparisonResult comparison) {
        return plan.minTreatmentMean() == null || treatmentMean(comparison) >= plan.minTreatmentMean();
    }

    /** Why a primary comparison detects transfer, or why it does not. */
    private String judgement(ComparisonResult comparison) {
        String text = describe(comparison.trait(), comparison.treatment(), comparison.control(), comparison.welch()) + ", Holm-adjusted p = "
                + against(comparison.adjustedPValue(), plan.alpha()) + (comparison.adjustedPValue() < plan.alpha() ? " < " : " ≥ ")
                + number(plan.alpha());
        if (plan.minTreatmentMean() != null) {
            text += ", mean(" + comparison.treatment() + ") " + against(treatmentMean(comparison), plan.minTreatmentMean())
                    + (reachesMinimum(comparison) ? " ≥ " : " < ") + number(plan.minTreatmentMean()) + " required";
        }
        if (comparison.difference() <= 0) {
            text += "; the difference is not positive";
        }
        return text;
    }

    private String describe(String trait, String treatment, String control, Welch welch) {
        String statistic = welch.t() == null ? "both arms without variance" : "Welch t = " + number(welch.t()) + ", df = " + number(welch.df());
        return trait + ": " + treatment + " " + number(summaries.get(new Cell(treatment, trait)).mean()) + " vs " + control + " "
                + number(summaries.get(new Cell(control, trait)).mean()) + ", difference " + number(welch.difference()) + " (" + statistic
                + "), one-sided p = " + against(welch.pValue(), plan.alpha());
    }

    private Optional<String> shortOfSeeds() {
        String shortArms = Stream.concat(plan.tests().stream().flatMap(test -> Stream.of(test.treatment(), test.control())),
                        plan.controls().stream().flatMap(control -> control.arms().stream()))
                .distinct()
                .flatMap(arm -> plan.traits().stream().map(trait -> new Cell(arm, trait)))
                .filter(cell -> seeds(cell.arm(), cell.trait()) < MIN_SEEDS)
                .map(cell -> key(cell) + " has " + seeds(cell.arm(), cell.trait()))
                .collect(joining(", "));
        return shortArms.isEmpty() ? Optional.empty()
                : Optional.of("too few seeds: " + shortArms + "; Welch's test and the 95 % t-interval need at least " + MIN_SEEDS + " per arm");
    }

    private Optional<Welch> welch(String treatment, String control, String trait) {
        if (seeds(treatment, trait) < MIN_SEEDS || seeds(control, trait) < MIN_SEEDS) {
            return Optional.empty();
        }
        return Optional.of(Statistics.welchGreater(summaries.get(new Cell(treatment, trait)).scores(), summaries.get(new Cell(control, trait)).scores()));
    }

    private int seeds(String arm, String trait) {
        ArmSummary summary = summaries.get(new Cell(arm, trait));
        return summary == null ? 0 : summary.n();
    }

    private double treatmentMean(ComparisonResult comparison) {
        return summaries.get(new Cell(comparison.treatment(), comparison.trait())).mean();
    }

    private String key(Cell cell) {
        return plan.traits().size() == 1 ? cell.arm() : cell.arm() + ":" + cell.trait();
    }

    /**
     * Per arm and trait, in plan order (arm-major), the scores of the usable runs that cover the arm, in seed order.
     * An arm no usable run covers has no summary (and counts as 0 seeds).
     */
    private static Map<Cell, ArmSummary> summarize(AnalysisPlan plan, List<RunScores> usable) {
        Map<Cell, ArmSummary> summaries = new LinkedHashMap<>();
        for (String arm : plan.arms()) {
            for (String trait : plan.traits()) {
                List<Double> scores = usable.stream().filter(run -> run.scores().containsKey(arm)).map(run -> run.scores().get(arm).get(trait))
                        .toList();
                if (!scores.isEmpty()) {
                    summaries.put(new Cell(arm, trait), Statistics.summarize(scores));
                }
            }
        }
        return summaries;
    }

    /**
     * Why a completed run cannot be used, if it cannot. A run covers the arms its scores name (all arms for the
     * canary, one arm for an image audit) and must score every trait of each; an arm and seed count once.
     */
    private static Optional<String> problem(AnalysisPlan plan, RunScores run, Map<String, String> runByArmAndSeed) {
        if (run.scores().isEmpty()) {
            return Optional.of("result scores no arm");
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
        int traitCount = plan.traits().size();
        int family = plan.tests().size() * traitCount;
        String alpha = number(plan.alpha());
        String correction = plan.holmAcrossTests()
                ? " after Holm correction across " + family + " comparisons (" + plan.tests().size() + " tests × " + traitCount
                        + (traitCount == 1 ? " trait)" : " traits)")
                : " after Holm correction across " + traitCount + (traitCount == 1 ? " trait" : " traits");
        String detection = plan.tests().stream().filter(TestSpec::primary)
                .map(test -> "mean(" + test.treatment() + ") − mean(" + test.control() + ") > 0 with one-sided Welch p < " + alpha + correction
                        + (plan.minTreatmentMean() == null ? "" : " and mean(" + test.treatment() + ") ≥ " + number(plan.minTreatmentMean())))
                .collect(joining(", or "));
        String controls = plan.controls().stream().map(control -> control.name() + ": " + misbehaviour(control, alpha)).collect(joining("; "));
        String seeds = "an arm a test or control reads has fewer than " + MIN_SEEDS + " seeds, a primary test's arms are both constant";
        String inconclusive = "a run failed or fewer than " + plan.expectedRuns() + " runs completed, "
                + (controls.isEmpty() ? "or " + seeds : seeds + ", or a control misbehaves for some trait (" + controls + ")");
        return "INCONCLUSIVE if " + inconclusive + "; otherwise TRANSFER_DETECTED if for some trait (" + String.join(", ", plan.traits()) + ") "
                + detection + "; otherwise NO_TRANSFER_DETECTED";
    }

    private static String misbehaviour(ControlSpec control, String alpha) {
        if (control instanceof ControlSpec.NoTransfer noTransfer) {
            return noTransfer.arm() + " > " + noTransfer.baseline() + " at one-sided Welch p < " + alpha + " (uncorrected)";
        }
        if (control instanceof ControlSpec.MeanAbove meanAbove) {
            return "mean(" + meanAbove.arm() + ") ≤ " + number(meanAbove.threshold());
        }
        ControlSpec.Interval interval = (ControlSpec.Interval) control;
        return "the 95 % t-interval of " + interval.arm() + " excludes " + number(interval.expected());
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

    private record TraitCheck(String detail, boolean misbehaves) {
    }

    private record ControlCheck(ControlResult result, List<String> misbehaviour) {
    }
}
