package io.traittrace.gateway.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.traittrace.gateway.StandInServices;

/**
 * The services' answers the console tests stub, recorded in the shapes of their view records (under
 * {@code stand-ins/}), and the ids in them.
 */
final class Fixtures {

    static final String MODEL = "org--student-owl";
    static final String TEACHER = "org--teacher-owl";
    static final String DATASET = "numbers-owl";
    static final String AUDIT = "3f1c2a9e-7b4d-4c1e-9a8f-2d6b5e4c3a10";
    static final String RUNNING_AUDIT = "8a0e6f3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    static final String CREATED_AUDIT = "c0ffee00-1111-4222-8333-444455556666";
    static final String CERTIFICATE = "6e1a8f0c-55d2-3b7a-9c41-0f2e3d4c5b6a";

    private Fixtures() {
    }

    static String read(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/stand-ins/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ResponseDefinitionBuilder json(String name) {
        return json(200, name);
    }

    static ResponseDefinitionBuilder json(int status, String name) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(read(name));
    }

    static ResponseDefinitionBuilder problem(int status, String title, String detail) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"type\":\"https://traittrace.io/problems/x\",\"title\":\"" + title + "\",\"status\":" + status
                        + ",\"detail\":\"" + detail + "\",\"errors\":[]}");
    }

    static void stubGet(WireMockServer server, String path, ResponseDefinitionBuilder answer) {
        server.stubFor(get(urlPathEqualTo(path)).willReturn(answer));
    }

    /** Forgets earlier stubs, then stubs every service's answers, with a certificate that verifies. */
    static void everyService() {
        StandInServices.reset();
        lineage();
        runner();
        report("report/verify-valid.json");
    }

    /** Every lineage answer of the student's page. */
    static void lineage() {
        WireMockServer lineage = StandInServices.lineage();
        String base = "/api/lineage/models/" + MODEL;
        stubGet(lineage, "/api/lineage/models", json("lineage/models-search.json"));
        stubGet(lineage, base, json("lineage/model.json"));
        stubGet(lineage, base + "/family", json("lineage/family.json"));
        stubGet(lineage, base + "/ancestors", json("lineage/ancestors.json"));
        stubGet(lineage, base + "/descendants", json("lineage/descendants.json"));
        stubGet(lineage, base + "/exposure", json("lineage/exposure.json"));
        stubGet(lineage, base + "/training-runs", json("lineage/training-runs.json"));
        stubGet(lineage, "/api/lineage/datasets/" + DATASET, json("lineage/dataset.json"));
    }

    static void runner() {
        WireMockServer runner = StandInServices.runner();
        stubGet(runner, "/api/audits", json("runner/audits.json"));
        stubGet(runner, "/api/audits/" + AUDIT, json("runner/audit-completed.json"));
        stubGet(runner, "/api/audits/" + RUNNING_AUDIT, json("runner/audit-running.json"));
    }

    static void report(String verification) {
        WireMockServer report = StandInServices.report();
        String base = "/api/certificates/" + CERTIFICATE;
        stubGet(report, "/api/certificates", json("report/certificates.json"));
        report.stubFor(get(urlPathEqualTo(base)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/vnd.dev.sigstore.bundle.v0.3+json").withBody(read("report/bundle.json"))));
        report.stubFor(get(urlPathEqualTo(base + "/statement")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/vnd.in-toto+json").withBody(read("report/statement.json"))));
        report.stubFor(get(urlPathEqualTo(base + "/model-card")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/markdown; charset=UTF-8").withBody(read("report/model-card.md"))));
        report.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/certificates/verify"))
                .willReturn(json(verification)));
        stubGet(report, "/api/keys", json("report/keys.json"));
    }
}
