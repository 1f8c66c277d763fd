package io.traittrace.statistics.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregated audit a certificate carries: the outcome, the rule that produced it, the reasons with this audit's
 * numbers, and every statistic the rule read.
 *
 * @param outcome {@link #TRANSFER_DETECTED}, {@link #NO_TRANSFER_DETECTED} or {@link #INCONCLUSIVE}
 * @param rule the decision rule with its level, correction and thresholds, in one sentence
 * @param reasons why this outcome, for people
 * @param arms per arm (key "arm") or, with several traits, per arm and trait (key "arm:trait"), in plan order
 * @param comparisons one per test and trait, in plan order, then the alsoAbove comparisons
 * @param correction the multiple-comparison correction of the primary family ("holm")
 * @param controls per control name, in plan order
 * @param power the audit's power at its margin and its minimum detectable effect
 */
public record AuditAnalysis(String outcome, String rule, List<String> reasons, Map<String, ArmSummary> arms, List<ComparisonResult> comparisons,
        String correction, Map<String, ControlResult> controls, PowerResult power) {

    public static final String TRANSFER_DETECTED = "TRANSFER_DETECTED";
    public static final String NO_TRANSFER_DETECTED = "NO_TRANSFER_DETECTED";
    public static final String INCONCLUSIVE = "INCONCLUSIVE";

    public AuditAnalysis {
        if (!List.of(TRANSFER_DETECTED, NO_TRANSFER_DETECTED, INCONCLUSIVE).contains(outcome)) {
            throw new IllegalArgumentException("unknown outcome " + outcome);
        }
        reasons = List.copyOf(reasons);
        comparisons = List.copyOf(comparisons);
        // Map.copyOf would lose the plan's order, which the report shows.
        arms = Collections.unmodifiableMap(new LinkedHashMap<>(arms));
        controls = Collections.unmodifiableMap(new LinkedHashMap<>(controls));
    }
}
