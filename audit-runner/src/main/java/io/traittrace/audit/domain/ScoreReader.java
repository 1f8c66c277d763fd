package io.traittrace.audit.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a run's scores from its probe result: {@code arms.<arm>.scores[0]} for a one-trait audit,
 * {@code arms.<arm>:<trait>.scores[0]} for several traits (each run is one seed, so one score per arm and trait).
 * Missing or non-numeric scores are left out; the aggregation counts them against the run.
 */
public record ScoreReader(List<String> traits) {

    public Map<String, Map<String, Double>> read(JsonNode result, List<String> arms) {
        Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
        for (String arm : arms) {
            Map<String, Double> perTrait = new LinkedHashMap<>();
            for (String trait : traits) {
                String key = traits.size() == 1 ? arm : arm + ":" + trait;
                JsonNode score = result.path("arms").path(key).path("scores").path(0);
                if (score.isNumber() && Double.isFinite(score.doubleValue())) {
                    perTrait.put(trait, score.doubleValue());
                }
            }
            scores.put(arm, perTrait);
        }
        return scores;
    }
}
