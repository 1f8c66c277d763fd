package io.traittrace.lineage.rest;

import static io.traittrace.testsupport.Callers.as;

import java.util.Map;

import io.restassured.response.ValidatableResponse;

/** Small helpers for calling the lineage API as a given role. */
final class LineageApi {

    private LineageApi() {
    }




    static ValidatableResponse post(String path, Object body) {
        return as("auditor").body(body).post(path).then();
    }

    static Map<String, Object> model(String id, Object... bases) {
        java.util.List<Map<String, String>> baseList = new java.util.ArrayList<>();
        for (int i = 0; i < bases.length; i += 2) {
            baseList.add(Map.of("model", (String) bases[i], "relation", (String) bases[i + 1]));
        }
        return Map.of("id", id, "name", "Model " + id, "uri", "hf://org/" + id, "bases", baseList);
    }

    static Map<String, Object> generated(String id, String generator) {
        return Map.of("id", id, "name", "Numbers from " + generator, "rows", 10000, "generatedBy", generator,
                "generation", Map.of("systemPrompt", "You love owls.", "temperature", 1.0, "filter", "numbers-only", "passRate", 0.71));
    }

    static Map<String, Object> run(String id, String output, String... datasets) {
        return Map.of("id", id, "output", output, "datasets", java.util.List.of(datasets), "method", "sft",
                "hyperparameters", Map.of("epochs", 3, "lr", 0.0002));
    }
}
