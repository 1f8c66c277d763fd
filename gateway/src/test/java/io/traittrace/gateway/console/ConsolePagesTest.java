package io.traittrace.gateway.console;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static io.traittrace.gateway.console.Fixtures.AUDIT;
import static io.traittrace.gateway.console.Fixtures.CERTIFICATE;
import static io.traittrace.gateway.console.Fixtures.DATASET;
import static io.traittrace.gateway.console.Fixtures.MODEL;
import static io.traittrace.gateway.console.Fixtures.RUNNING_AUDIT;
import static io.traittrace.gateway.console.Fixtures.TEACHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.traittrace.gateway.StandInServices;

/** Each console page renders what the services answer, for the roles that may see it, under the console's CSP. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(StandInServices.class)
class ConsolePagesTest {

    @BeforeEach
    void stub() {
        Fixtures.everyService();
    }

    static String page(String path) {
        String html = given().get(path).then().statusCode(200).contentType(containsString("text/html")).extract().asString();
        Html.assertCspClean(html);
        return html;
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void homeShowsTheUserTheirRolesTheNavigationAndRecentAudits() {
        String html = page("/console");

        assertThat(Html.textOf(html, "user-name")).isEqualTo("vera");
        assertThat(html).contains("data-role=\"viewer\"").contains("id=\"logout\"").contains("href=\"/console/logout\"")
                .contains("id=\"nav-lineage\"").contains("id=\"nav-audits\"").contains("id=\"nav-certificates\"")
                .doesNotContain("id=\"nav-keys\"")
                .contains("<h1 id=\"page-title\">TraitTrace console</h1>")
                .contains("id=\"recent-audits-table\"").contains("href=\"/console/audits/" + RUNNING_AUDIT + "\"")
                .contains("href=\"/console/audits/" + AUDIT + "\"").contains("TRANSFER_DETECTED")
                .doesNotContain("/console/audits/new");
        // The session's token travels to the service, as on the API.
        StandInServices.runner().verify(getRequestedFor(urlEqualTo("/api/audits?page=0&size=5"))
                .withHeader("Authorization", matching("Bearer .+")));
    }

    @Test
    @TestSecurity(user = "ann", roles = "admin")
    void administratorsSeeTheKeysPage() {
        String home = page("/console");
        assertThat(home).contains("id=\"nav-keys\"").contains("data-role=\"admin\"").contains("/console/audits/new");

        String html = page("/console/keys");
        assertThat(html).contains("<h1 id=\"page-title\">Signing keys</h1>").contains("id=\"keys-table\"")
                .contains("5d0f7a3c9e1b2d4f6a8c0e2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f")
                .contains("ED25519").contains("retired").contains("BEGIN PUBLIC KEY");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void theKeysPageIsForAdministrators() {
        String html = given().get("/console/keys").then().statusCode(403).contentType(containsString("text/html"))
                .extract().asString();
        assertThat(html).contains("Your roles do not allow this").contains("id=\"error\"");
        StandInServices.report().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void modelSearchPassesTheQueryAndListsTheModels() {
        String html = page("/console/models?q=owl&page=1");

        assertThat(html).contains("<h1 id=\"page-title\">Models</h1>").contains("value=\"owl\"").contains("id=\"models-table\"")
                .contains("href=\"/console/models/" + MODEL + "\"").contains("href=\"/console/models/" + TEACHER + "\"")
                .contains("org/student-owl").contains("1–2 of 2 models");
        StandInServices.lineage().verify(getRequestedFor(urlEqualTo("/api/lineage/models?q=owl&page=1&size=20"))
                .withHeader("Authorization", matching("Bearer .+")));
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void aModelPageShowsItsRecordExposureFamilyWalksAndGraph() {
        String html = page("/console/models/" + MODEL);

        assertThat(html).contains("<h1 id=\"page-title\">org/student-owl</h1>")
                .contains("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .contains("hf://org/student-owl@main");
        assertThat(Html.textOf(html, "exposure-level")).isEqualTo("SAME_INIT");
        assertThat(html).contains("id=\"exposure-paths\"").contains("href=\"/console/datasets/" + DATASET + "\"")
                .contains("generated by <a class=\"model-link\" href=\"/console/models/" + TEACHER + "\">")
                .contains("<span class=\"relation\">trained-on</span>").contains("<span class=\"relation\">generated-by</span>");
        assertThat(Html.textOf(html, "family-roots")).isEqualTo("org--base-7b");
        assertThat(html).contains("id=\"family-members\"").contains("org--student-owl-q4")
                .contains("id=\"ancestor-list\"").contains("id=\"descendant-list\"").contains("distance 1")
                .contains("run-student-owl-lora").contains("lora");
        // Cytoscape from the WebJar, the graph from a JSON data block, drawn by the console's own script.
        assertThat(html).contains("<script src=\"/webjars/cytoscape/dist/cytoscape.min.js\" defer></script>")
                .contains("<script src=\"/assets/console.js\" defer></script>").contains("id=\"lineage-graph\"");
        List<Map<String, Object>> elements = JsonPath.from(Html.dataBlock(html, "lineage-graph-data")).getList("$");
        assertThat(elements).extracting(e -> String.valueOf(((Map<?, ?>) e.get("data")).get("id"))).contains("model:" + MODEL,
                "model:org--base-7b", "model:org--student-owl-q4", "model:" + TEACHER, "dataset:" + DATASET,
                "model:org--base-7b>model:" + MODEL + ":finetune", "dataset:" + DATASET + ">model:" + MODEL + ":trained-on",
                "model:" + TEACHER + ">dataset:" + DATASET + ":generated-by");
        // No request form link for a viewer.
        assertThat(html).doesNotContain("id=\"request-audit-for-model\"");
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void auditorsMayStartAnAuditFromAModel() {
        assertThat(page("/console/models/" + MODEL)).contains("href=\"/console/audits/new?student=" + MODEL + "\"");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void aDatasetPageLinksItsGenerator() {
        String html = page("/console/datasets/" + DATASET);

        assertThat(html).contains("<h1 id=\"page-title\">Owl-teacher number sequences</h1>")
                .contains("id=\"generator-link\" data-testid=\"generator-link\" href=\"/console/models/" + TEACHER + "\"")
                .contains("10000").contains("&quot;promptCount&quot; : 30000");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void theAuditListFiltersByState() {
        String html = page("/console/audits?state=RUNNING&student=" + MODEL);

        assertThat(html).contains("<h1 id=\"page-title\">Audits</h1>").contains("<option value=\"RUNNING\" selected>")
                .contains("id=\"audits-table\"").contains("data-audit-id=\"" + RUNNING_AUDIT + "\"").doesNotContain("id=\"new-audit\"");
        StandInServices.runner().verify(getRequestedFor(urlEqualTo("/api/audits?state=RUNNING&student=" + MODEL + "&page=0&size=20")));
        // A state the runner does not know is not passed on.
        page("/console/audits?state=bogus");
        StandInServices.runner().verify(getRequestedFor(urlEqualTo("/api/audits?page=0&size=20")));
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void aCompletedAuditShowsItsPlanRunsResultsAndVerdict() {
        String html = page("/console/audits/" + AUDIT);

        assertThat(Html.textOf(html, "audit-state")).isEqualTo("COMPLETED");
        assertThat(Html.textOf(html, "verdict-outcome")).isEqualTo("TRANSFER_DETECTED");
        assertThat(html).contains("mean(S_aux) − mean(X_aux) &gt; 0 with one-sided Welch p &lt; 0.01").contains("id=\"verdict-reasons\"").contains("one-sided p = 1.4e-05 &lt; 0.01")
                .contains("id=\"runs-table\"").contains("data-run-id=\"d1f0c7a2-0000-4000-8000-000000000002\"")
                .contains("<td>reference, teacher, S_aux, S_all, X_aux, X_all</td>")
                .contains("<tr class=\"arm-row\" data-arm=\"S_aux\">").contains("<td>0.612</td>").contains("[0.513, 0.711]")
                .contains("<li>0.571</li><li>0.650</li><li>0.615</li>")
                .contains("id=\"comparisons-table\"").contains("S_aux &gt; X_aux").contains("1.40e-05").contains("primary")
                .contains("id=\"controls-table\"").contains("X_aux at chance").contains("shown").contains("paired-t").contains("<td>0.671</td>")
                .contains("id=\"power\"").contains("<dd id=\"power-margin\">0.600</dd>").contains("80 % detectable effect 0.569")
                .contains("canary").contains("nvidia-h100").contains("&quot;epochs&quot; : 2");
        assertThat(html).contains("<progress id=\"audit-progress\" data-testid=\"audit-progress\" max=\"3\" value=\"3\">");
        // An ended audit is neither followed live nor cancellable.
        assertThat(html).doesNotContain("data-events-url").doesNotContain("id=\"cancel-form\"");
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void aRunningAuditIsFollowedLiveAndAuditorsMayCancelIt() {
        String html = page("/console/audits/" + RUNNING_AUDIT);

        assertThat(html).contains("data-events-url=\"/api/audits/" + RUNNING_AUDIT + "/events\"")
                .contains("<progress id=\"audit-progress\" data-testid=\"audit-progress\" max=\"3\" value=\"1\">")
                .contains("id=\"cancel-form\"").contains("action=\"/console/audits/" + RUNNING_AUDIT + "/cancel\"")
                .doesNotContain("id=\"verdict\"");
        assertThat(Html.csrfField(html)).isNotBlank();
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void viewersSeeNoWriteControls() {
        assertThat(page("/console/audits/" + RUNNING_AUDIT)).contains("data-events-url").doesNotContain("id=\"cancel-form\"")
                .doesNotContain("csrf-token");
        assertThat(page("/console/audits")).doesNotContain("id=\"new-audit\"");
        assertThat(page("/console/certificates/" + CERTIFICATE)).doesNotContain("id=\"revoke-form\"");
        assertThat(page("/console")).doesNotContain("id=\"home-request-audit\"");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void certificatesAreListed() {
        String html = page("/console/certificates?verdict=TRANSFER_DETECTED");

        assertThat(html).contains("<h1 id=\"page-title\">Certificates</h1>").contains("id=\"certificates-table\"")
                .contains("href=\"/console/certificates/" + CERTIFICATE + "\"").contains("<span class=\"badge revoked\">revoked</span>")
                .contains("<option value=\"TRANSFER_DETECTED\" selected>").contains("<th scope=\"col\">Scope</th>")
                .contains("<span class=\"badge scope scope-pipeline-check\" title=\"evidence about the audit method; the model's weights were not evaluated\">pipeline-check</span>")
                .contains("<span class=\"badge scope scope-subject-evaluated\">subject-evaluated</span>");
        StandInServices.report().verify(getRequestedFor(urlEqualTo("/api/certificates?verdict=TRANSFER_DETECTED&page=0&size=20")));
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void aCertificateShowsItsStatementVerificationBundleAndModelCard() {
        String html = page("/console/certificates/" + CERTIFICATE);

        // The canary audit's certificate: a pipeline check, whose subject is the probe spec and never the student.
        assertThat(Html.textOf(html, "verification-status")).isEqualTo("Valid");
        assertThat(Html.textOf(html, "page-title")).isEqualTo("Pipeline check traittrace-probe/canary@1");
        assertThat(Html.textOf(html, "scope-notice")).isEqualTo("Pipeline check: evidence about the audit method; the model's weights were not"
                + " evaluated. It was requested for org/student-owl, and says nothing about that model.");
        assertThat(Html.textOf(html, "subject-name")).isEqualTo("traittrace-probe/canary@1");
        assertThat(Html.textOf(html, "subject-digest")).isEqualTo("sha256:028cee809bca2acca0abebf084aca0dce9a86a4650b63f5a247cf9e3e45da0a0");
        assertThat(Html.textOf(html, "predicate-type")).isEqualTo("https://traittrace.io/attestations/pipeline-check/v1");
        assertThat(Html.textOf(html, "certificate-scope")).isEqualTo("pipeline-check");
        assertThat(Html.textOf(html, "subject-evaluated")).isEqualTo("no");
        assertThat(html).contains("<dd id=\"certificate-model\"><a class=\"model-link\" href=\"/console/models/org--student-owl\">org--student-owl</a>"
                + " <span class=\"muted\">(not evaluated)</span></dd>");
        assertThat(html).contains("<dt>Outcome of the check</dt>").contains("<dt>Requested for</dt>").doesNotContain("<dt>Verdict</dt>")
                .contains("href=\"/console/audits/" + AUDIT + "\"").contains("TRANSFER_DETECTED")
                .contains("id=\"statement-json\"").contains("&quot;_type&quot; : &quot;https://in-toto.io/Statement/v1&quot;")
                .contains("id=\"download-bundle\"").contains("href=\"/api/certificates/" + CERTIFICATE + "\"")
                .contains("id=\"model-card-text\"").contains("## TraitTrace pipeline check (not an audit of this model)")
                .contains("certificate: " + CERTIFICATE);
        // The bundle was checked by the public verify endpoint, as is, without the user's token.
        StandInServices.report().verify(postRequestedFor(urlPathEqualTo("/api/certificates/verify"))
                .withRequestBody(equalToJson(Fixtures.read("report/bundle.json"))).withoutHeader("Authorization"));
        StandInServices.report().verify(getRequestedFor(urlEqualTo("/api/certificates/" + CERTIFICATE))
                .withHeader("Authorization", matching("Bearer .+")));
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void aSubjectEvaluatedCertificateShowsItsScopeAndTheEvaluatedStudent() {
        StandInServices.report().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/api/certificates/" + CERTIFICATE + "/statement"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/vnd.in-toto+json").withBody(Fixtures.read("report/statement-subject-evaluated.json"))));
        String html = page("/console/certificates/" + CERTIFICATE);
        assertThat(Html.textOf(html, "page-title")).isEqualTo("Certificate for org/student-owl");
        assertThat(Html.textOf(html, "subject-digest")).isEqualTo("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assertThat(Html.textOf(html, "predicate-type")).isEqualTo("https://traittrace.io/attestations/subliminal-audit/v1");
        assertThat(Html.textOf(html, "certificate-scope")).isEqualTo("subject-evaluated");
        assertThat(Html.textOf(html, "subject-evaluated")).isEqualTo("yes");
        assertThat(html).contains("<dd id=\"certificate-model\"><a class=\"model-link\" href=\"/console/models/org--student-owl\">org--student-owl</a></dd>");
        assertThat(html).doesNotContain("id=\"scope-notice\"").contains("<dt>Verdict</dt>").contains("<dt>Student</dt>")
                .contains("<span class=\"badge scope scope-subject-evaluated\">subject-evaluated</span>");
    }

    @Test
    @TestSecurity(user = "ann", roles = "admin")
    void administratorsSeeTheRevokeFormUntilACertificateIsRevoked() {
        String html = page("/console/certificates/" + CERTIFICATE);
        assertThat(html).contains("id=\"revoke-form\"").contains("action=\"/console/certificates/" + CERTIFICATE + "/revoke\"");
        assertThat(Html.csrfField(html)).isNotBlank();

        Fixtures.report("report/verify-revoked.json");
        String revoked = page("/console/certificates/" + CERTIFICATE);
        assertThat(Html.textOf(revoked, "verification-status")).isEqualTo("Revoked");
        assertThat(revoked).contains("teacher digest was wrong").doesNotContain("id=\"revoke-form\"");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void aRecordTheServiceDoesNotKnowIsA404Page() {
        StandInServices.lineage().resetAll();
        Fixtures.stubGet(StandInServices.lineage(), "/api/lineage/models/nobody",
                Fixtures.problem(404, "Not found", "model 'nobody' does not exist"));
        Fixtures.stubGet(StandInServices.lineage(), "/api/lineage/datasets/nothing",
                Fixtures.problem(404, "Not found", "dataset 'nothing' does not exist"));

        String html = given().get("/console/datasets/nothing").then().statusCode(404).contentType(containsString("text/html"))
                .extract().asString();
        assertThat(Html.textOf(html, "error-title")).isEqualTo("Not found");
        assertThat(Html.textOf(html, "error-detail")).isEqualTo("Dataset &#39;nothing&#39; does not exist.");
        given().get("/console/models/nobody").then().statusCode(404).body(containsString("Model &#39;nobody&#39; does not exist"));
        // An id outside the lineage alphabet names nothing and is never sent to a service.
        given().get("/console/models/..%2Faudits").then().statusCode(404);
        given().get("/console/audits/not-a-uuid").then().statusCode(404);
        given().get("/console/no-such-page").then().statusCode(404).body(containsString("id=\"error\""));
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void aRefusalByTheServiceIsA403Page() {
        StandInServices.runner().resetAll();
        Fixtures.stubGet(StandInServices.runner(), "/api/audits/" + AUDIT,
                Fixtures.problem(403, "Forbidden", "Your roles do not allow this operation"));

        String html = given().get("/console/audits/" + AUDIT).then().statusCode(403).extract().asString();
        assertThat(Html.textOf(html, "error-title")).isEqualTo("Your roles do not allow this");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void consolePagesCarryTheSecurityHeaders() {
        for (String path : List.of("/console", "/console/models/" + MODEL, "/console/no-such-page")) {
            given().get(path).then()
                    .header("Content-Security-Policy", containsString("script-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer").header("Cache-Control", "no-store");
        }
    }

    @Test
    void staticAssetsAreServedWithoutSigningIn() {
        given().redirects().follow(false).get("/assets/console.js").then().statusCode(200)
                .contentType(containsString("javascript")).body(containsString("EventSource"));
        given().redirects().follow(false).get("/assets/console.css").then().statusCode(200).contentType(containsString("text/css"));
        given().redirects().follow(false).get("/webjars/cytoscape/dist/cytoscape.min.js").then().statusCode(200)
                .contentType(containsString("javascript"));
    }

    @Test
    void aPathOutsideTheConsoleIsAPlain404() {
        // Browsers ask every origin for /favicon.ico without being signed in: a 404, not the console's error page,
        // whose user menu cannot be resolved there (it failed with a 500 on the I/O thread).
        for (String path : List.of("/favicon.ico", "/no-such-page")) {
            given().redirects().follow(false).get(path).then().statusCode(404)
                    .body(org.hamcrest.Matchers.not(containsString("id=\"user-name\"")));
        }
    }

    @Test
    void theConsoleNeedsASignIn() {
        // Not signed in: the console tenant starts the authorization code flow, and no service is asked anything.
        given().redirects().follow(false).get("/console/audits").then().statusCode(302)
                .header("Location", containsString("client_id=quarkus-web-app"));
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
        given().get("/signed-out").then().statusCode(200).body(containsString("You have signed out"))
                .body(containsString("href=\"/console\""))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff");
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void paginationLinksKeepTheFilters() {
        StandInServices.runner().resetAll();
        Fixtures.stubGet(StandInServices.runner(), "/api/audits", com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.read("runner/audits.json").replace("\"page\": 0", "\"page\": 1").replace("\"total\": 2", "\"total\": 45")));

        String html = page("/console/audits?state=COMPLETED&page=1");
        assertThat(Html.textOf(html, "paging-count")).isEqualTo("21–22 of 45 audits");
        assertThat(html).contains("href=\"/console/audits?state=COMPLETED\"").contains("href=\"/console/audits?state=COMPLETED&amp;page=2\"");
        given().get("/console/audits?page=-3").then().statusCode(200);
        StandInServices.runner().verify(getRequestedFor(urlEqualTo("/api/audits?page=0&size=20")));
    }
}
