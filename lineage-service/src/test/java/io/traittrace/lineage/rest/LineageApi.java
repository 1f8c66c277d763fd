package io.traittrace.lineage.rest;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** Small helpers for calling the lineage API as a given role. */
final class LineageApi {

    private LineageApi() {
    }

    static String token(String role) {
        return OidcWiremockTestResource.getAccessToken("user-" + role, Set.of(role));
    }

    static RequestSpecification as(String role) {
        return given().auth().oauth2(token(role)).contentType(ContentType.JSON);
    }

    /** A unique id per test run, so classes sharing one database never collide. */
    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
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
