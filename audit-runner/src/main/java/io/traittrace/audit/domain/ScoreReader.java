package io.traittrace.audit.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.probe.contract.VerdictPlans;

/**
 * Reads a run's scores from its probe result: {@code arms.<arm>.scores[0]} for a one-trait audit,
 * {@code arms.<arm>:<trait>.scores[0]} for several traits (each run is one seed, so one score per arm and trait).
 * Missing or non-numeric scores are left out; the aggregation counts them against the run.
 *
 * <p>The numbers probe also reports, per seed, each arm's change in log-odds ({@code replicates[0].logOddsChange.<arm>}),
 * which its Holm family tests too; for the arms in {@code logOddsArms} that value is read as the derived arm
 * {@code <arm>.log-odds} (one trait only).
 */
public record ScoreReader(List<String> traits, List<String> logOddsArms) {

    public ScoreReader {
        traits = List.copyOf(traits);
        logOddsArms = List.copyOf(logOddsArms);
        if (!logOddsArms.isEmpty() && traits.size() != 1) {
            throw new IllegalArgumentException("log-odds arms need exactly one trait, got " + traits);
        }
    }

    public ScoreReader(List<String> traits) {
        this(traits, List.of());
    }

    public Map<String, Map<String, Double>> read(JsonNode result, List<String> arms) {
        Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
        for (String arm : arms) {
            Map<String, Double> perTrait = new LinkedHashMap<>();
            for (String trait : traits) {
                String key = traits.size() == 1 ? arm : arm + ":" + trait;
                put(perTrait, trait, result.path("arms").path(key).path("scores").path(0));
            }
            scores.put(arm, perTrait);
        }
        for (String arm : logOddsArms) {
            if (arms.contains(arm)) {
                Map<String, Double> perTrait = new LinkedHashMap<>();
                put(perTrait, traits.get(0), result.path("replicates").path(0).path("logOddsChange").path(arm));
                scores.put(VerdictPlans.logOdds(arm), perTrait);
            }
        }
        return scores;
    }

    private static void put(Map<String, Double> perTrait, String trait, JsonNode score) {
        if (score.isNumber() && Double.isFinite(score.doubleValue())) {
            perTrait.put(trait, score.doubleValue());
        }
    }
}
