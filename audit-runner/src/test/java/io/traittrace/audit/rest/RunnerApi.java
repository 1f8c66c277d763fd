package io.traittrace.audit.rest;

import static io.traittrace.testsupport.Callers.as;
import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.restassured.path.json.JsonPath;
import io.traittrace.statistics.Design;
import io.traittrace.statistics.Power;

/** Helpers for the runner's API tests: tokens per role, lineage stand-ins, requests, waiting for an audit. */
final class RunnerApi {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DIGEST = "sha256:" + "ab".repeat(32);
    /** The image on the test profile's allow-list (runner.image-audits.allowed-images). */
    static final String VETTED_IMAGE = "registry.example.com/team/probe@sha256:" + "9e".repeat(32);

    private RunnerApi() {
    }

    /** The lineage service as the runner sees it: a student with a digest, a teacher and a dataset. */
    static void lineage(WireMockServer wiremock, String student, String teacher, String dataset) {
        model(wiremock, student, DIGEST, "root-" + student);
        if (teacher != null) {
            model(wiremock, teacher, "sha256:" + "cd".repeat(32), "root-" + teacher);
        }
        if (dataset != null) {
            wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/datasets/" + dataset)).willReturn(okJson("""
                    {"id": "%s", "name": "numbers from %s", "digest": "sha256:%s", "rows": 30000, "origin": "model", "generatedBy": "%s"}
                    """.formatted(dataset, teacher, "ef".repeat(32), teacher))));
        }
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + student + "/exposure")).willReturn(okJson("""
                {"model": "%1$s", "level": "SAME_INIT",
                 "paths": [[{"model": "%1$s"}, {"dataset": "%2$s", "relation": "trained-on"}, {"model": "%3$s", "relation": "generated-by"}]],
                 "exposures": [{"level": "SAME_INIT", "trainedModel": "%1$s", "dataset": "%2$s", "teacher": "%3$s", "origin": "%3$s", "hops": 1,
                   "path": [{"model": "%1$s"}, {"dataset": "%2$s", "relation": "trained-on"}, {"model": "%3$s", "relation": "generated-by"}],
                   "detectedAt": "2026-11-27T01:00:00Z"}]}
                """.formatted(student, dataset, teacher))));
    }

    static void model(WireMockServer wiremock, String id, String digest, String root) {
        String digestField = digest == null ? "" : "\"digest\": \"" + digest + "\",";
        wiremock.stubFor(get(urlEqualTo("/auth/lineage/api/lineage/models/" + id)).willReturn(okJson("""
                {"id": "%s", "name": "org/%s", "uri": "hf://org/%s@main", %s "bases": [], "roots": ["%s"]}
                """.formatted(id, id, id, digestField, root))));
    }

    static void unknown(WireMockServer wiremock, String path) {
        wiremock.stubFor(get(urlEqualTo("/auth/lineage" + path)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/problem+json").withBody("{\"status\":404}")));
    }

    /**
     * A canary audit small enough for a test: synthetic data, ten aux logits (a strong effect), few epochs, and the
     * margin these few seeds can support at 80 % power (the runner refuses a smaller one; see {@link #canaryMargin}).
     */
    static ObjectNode canary(String key, String student, int seeds) {
        ObjectNode request = JSON.createObjectNode();
        request.put("idempotencyKey", key);
        request.put("protocol", "canary");
        request.put("student", student);
        request.put("seedsPerArm", seeds);
        request.put("margin", canaryMargin(seeds));
        ObjectNode p = request.putObject("parameters");
        p.put("data", "synthetic");
        p.put("auxLogits", 10);
        p.put("syntheticTrain", 2000);
        p.put("syntheticTest", 500);
        p.put("batch", 200);
        p.put("teacherEpochs", 3);
        p.put("distillEpochs", 3);
        p.put("seed", 11);
        return request;
    }

    /**
     * The smallest margin (rounded up to 0.01) that {@code seeds} canary seeds detect with 80 % power at the runner's
     * default seed-to-seed SD (0.11) and level (0.01): the declared margin a test with few seeds needs.
     */
    static double canaryMargin(int seeds) {
        double effect = Power.minimumDetectableEffect(Design.PAIRED, seeds, 0.11, 0.01, Power.CONVENTIONAL);
        return Math.ceil(effect * 100) / 100;
    }

    static JsonPath awaitState(String auditId, String state, Duration timeout) {
        return await("audit " + auditId + " in state " + state).atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> as("viewer").get("/api/audits/" + auditId).then().statusCode(200).extract().jsonPath(),
                        audit -> state.equals(audit.getString("state")));
    }
}
