package io.traittrace.audit.domain.analysis;

import java.util.List;
import java.util.stream.Stream;

/**
 * What an audit's aggregation tests, fixed before any run reports, so that the verdict cannot be tuned to the data.
 *
 * @param protocol the protocol name (canary, numbers, ...)
 * @param arms every arm a run reports, in report order
 * @param traits the traits scored per arm (at least one); the Holm family of each test
 * @param tests the comparisons, per trait; at least one is primary
 * @param controls checks that the experiment behaved
 * @param alpha the family-wise level of each test, and the level of the controls
 * @param minTreatmentMean when set, a detection also needs the treatment mean to reach it; null for none
 * @param expectedRuns how many runs the plan launches; fewer completed runs make the audit inconclusive
 * @param holmAcrossTests false: Holm within each test, across the plan's traits (the default); true: one Holm family of every
 *        test on every trait (the numbers probe corrects its four treatment-vs-control-gen tests together)
 */
public record AnalysisPlan(String protocol, List<String> arms, List<String> traits, List<TestSpec> tests, List<ControlSpec> controls,
        double alpha, Double minTreatmentMean, int expectedRuns, boolean holmAcrossTests) {

    /** A plan whose Holm family is each test's traits. */
    public AnalysisPlan(String protocol, List<String> arms, List<String> traits, List<TestSpec> tests, List<ControlSpec> controls, double alpha,
            Double minTreatmentMean, int expectedRuns) {
        this(protocol, arms, traits, tests, controls, alpha, minTreatmentMean, expectedRuns, false);
    }

    public AnalysisPlan {
        Names.require("protocol", protocol);
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
        List<String> readArms = Stream.concat(tests.stream().flatMap(test -> Stream.of(test.treatment(), test.control())),
                controls.stream().flatMap(control -> control.arms().stream())).toList();
        for (String arm : readArms) {
            if (!arms.contains(arm)) {
                throw new IllegalArgumentException("arm " + arm + " is tested but not among the plan's arms " + arms);
            }
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (minTreatmentMean != null) {
            Finite.require("minTreatmentMean", minTreatmentMean);
        }
        if (expectedRuns < 1) {
            throw new IllegalArgumentException("expectedRuns must be at least 1, got " + expectedRuns);
        }
    }
}
