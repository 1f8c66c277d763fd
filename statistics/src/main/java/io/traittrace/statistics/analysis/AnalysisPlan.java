package io.traittrace.statistics.analysis;

import java.util.List;
import java.util.stream.Stream;

import io.traittrace.statistics.Design;

/**
 * What an audit's aggregation tests, fixed before any run reports, so that the verdict cannot be tuned to the data.
 *
 * @param protocol the protocol name (canary, numbers, ...)
 * @param design {@link Design#PAIRED} when the arms of one seed share its base, teacher and draws (compared within seed),
 *        {@link Design#INDEPENDENT} when each arm and seed is its own training
 * @param arms every arm a run reports, in report order
 * @param traits the traits scored per arm (at least one)
 * @param tests the comparisons, per trait; at least one is primary
 * @param controls checks that the experiment behaved, each of which must be shown
 * @param thresholds the level, the margin and the optional minimum treatment mean
 * @param seeds the seeds per arm the plan launches, numbered 0 .. seeds − 1; a result for another seed is not used
 * @param expectedRuns how many runs the plan launches; fewer completed runs make the audit inconclusive
 * @param holmAcrossTests false: Holm within each test, across the plan's traits; true: one Holm family of every test on
 *        every trait (the numbers probe's four treatment-vs-control-gen tests, an image audit's primary tests)
 */
public record AnalysisPlan(String protocol, Design design, List<String> arms, List<String> traits, List<TestSpec> tests, List<ControlSpec> controls,
        Thresholds thresholds, int seeds, int expectedRuns, boolean holmAcrossTests) {

    public AnalysisPlan {
        Names.require("protocol", protocol);
        if (design == null || thresholds == null) {
            throw new IllegalArgumentException("a plan needs a design and thresholds");
        }
        arms = List.copyOf(arms);
        traits = List.copyOf(traits);
        tests = List.copyOf(tests);
        controls = List.copyOf(controls);
        if (arms.isEmpty() || traits.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one arm and one trait");
        }
        arms.forEach(arm -> Names.requireKeyPart("arm", arm));
        traits.forEach(trait -> Names.requireKeyPart("trait", trait));
        Names.requireDistinct("arm", arms);
        Names.requireDistinct("trait", traits);
        if (tests.stream().noneMatch(TestSpec::primary)) {
            throw new IllegalArgumentException("a plan needs a primary test: without one no audit could ever detect transfer");
        }
        Names.requireDistinct("test", tests.stream().map(TestSpec::name).toList());
        Names.requireDistinct("control", controls.stream().map(ControlSpec::name).toList());
        List<String> readArms = Stream.concat(tests.stream().flatMap(test -> test.arms().stream()), controls.stream().flatMap(control -> control.arms().stream()))
                .toList();
        for (String arm : readArms) {
            if (!arms.contains(arm)) {
                throw new IllegalArgumentException("arm " + arm + " is tested but not among the plan's arms " + arms);
            }
        }
        if (thresholds.minimumEffect() != null && design != Design.PAIRED) {
            throw new IllegalArgumentException("a minimum effect is tested on paired differences only");
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
        }
        if (expectedRuns < 1) {
            throw new IllegalArgumentException("expectedRuns must be at least 1, got " + expectedRuns);
        }
    }

    /** How many comparisons share the strictest Holm family: the level a detection must pass at its first step is α divided by it. */
    public int holmFamilySize() {
        return holmAcrossTests ? tests.size() * traits.size() : traits.size();
    }

    /**
     * The numbers a verdict is judged against.
     *
     * @param alpha the family-wise level of the tests, the level of the controls' tests, and 1 − the confidence of the
     *        upper bound the margin is compared with
     * @param margin the largest effect (treatment − control, in score units) that may be called "no transfer": NO_TRANSFER_DETECTED
     *        needs the one-sided (1 − α) upper confidence bound of every primary difference below it
     * @param minTreatmentMean when set, a detection also needs the treatment mean to reach it; null for none
     * @param plannedSd the protocol's measured seed-to-seed SD of a primary difference (paired) or of an arm (independent), from
     *        which the plan's power at the margin and its minimum detectable effect are stated; null when unknown
     * @param minimumEffect when set (paired designs only), the tests are of "difference &gt; minimumEffect", so a detection
     *        needs the difference shown above it; null: against zero
     */
    public record Thresholds(double alpha, double margin, Double minTreatmentMean, Double plannedSd, Double minimumEffect) {

        /** Thresholds whose detections test the difference against zero. */
        public Thresholds(double alpha, double margin, Double minTreatmentMean, Double plannedSd) {
            this(alpha, margin, minTreatmentMean, plannedSd, null);
        }

        public Thresholds {
            if (minimumEffect != null && !(minimumEffect > 0 && minimumEffect <= margin)) {
                throw new IllegalArgumentException("a minimum effect must be in (0, margin], got " + minimumEffect);
            }
            if (!(alpha > 0 && alpha < 0.5)) {
                throw new IllegalArgumentException("alpha must be in (0, 0.5), got " + alpha);
            }
            if (!(margin > 0 && Double.isFinite(margin))) {
                throw new IllegalArgumentException("the margin must be positive and finite, got " + margin);
            }
            if (minTreatmentMean != null) {
                Finite.require("minTreatmentMean", minTreatmentMean);
            }
            if (plannedSd != null && !(plannedSd > 0 && Double.isFinite(plannedSd))) {
                throw new IllegalArgumentException("the planned SD must be positive and finite, got " + plannedSd);
            }
        }
    }
}
