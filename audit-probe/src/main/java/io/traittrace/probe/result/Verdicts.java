package io.traittrace.probe.result;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.traittrace.statistics.analysis.Aggregator;
import io.traittrace.statistics.analysis.AnalysisPlan;
import io.traittrace.statistics.analysis.AuditAnalysis;
import io.traittrace.statistics.analysis.RunScores;

/**
 * A probe run's own verdict, by the rules the runner applies to an audit ({@code VerdictPlans}, probe-contract): each
 * replicate of the run is one seed, its arms compared within it.
 */
public final class Verdicts {

    private Verdicts() {
    }

    /**
     * Judges per-replicate scores.
     *
     * @param plan the protocol's plan for this run's replicates
     * @param scores arm → trait → score per replicate, in replicate order (every arm the same number of replicates)
     */
    public static AuditAnalysis analyse(AnalysisPlan plan, Map<String, Map<String, List<Double>>> scores) {
        int replicates = scores.values().stream().flatMap(byTrait -> byTrait.values().stream()).mapToInt(List::size).max().orElse(0);
        List<RunScores> runs = new ArrayList<>();
        for (int r = 0; r < replicates; r++) {
            int replicate = r;
            Map<String, Map<String, Double>> byArm = new LinkedHashMap<>();
            scores.forEach((arm, byTrait) -> {
                Map<String, Double> values = new LinkedHashMap<>();
                byTrait.forEach((trait, list) -> values.put(trait, list.get(replicate)));
                byArm.put(arm, values);
            });
            runs.add(new RunScores("replicate-" + r, r, byArm));
        }
        return Aggregator.analyse(plan, runs, List.of());
    }

    /** The verdict a result carries. */
    public static Verdict verdict(AuditAnalysis analysis) {
        return new Verdict(Verdict.Outcome.valueOf(analysis.outcome()), analysis.rule(), analysis.reasons());
    }

    /** One trait's scores per arm, as {@link #analyse} takes them. */
    public static Map<String, Map<String, List<Double>>> oneTrait(String trait, Map<String, List<Double>> scores) {
        Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
        scores.forEach((arm, list) -> out.put(arm, Map.of(trait, list)));
        return out;
    }
}
