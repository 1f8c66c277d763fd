package io.traittrace.gateway.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static io.traittrace.gateway.console.Fixtures.CERTIFICATE;
import static io.traittrace.gateway.console.Fixtures.CREATED_AUDIT;
import static io.traittrace.gateway.console.Fixtures.MODEL;
import static io.traittrace.gateway.console.Fixtures.RUNNING_AUDIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.traittrace.gateway.StandInServices;

/**
 * The console's writes: the audit request form (checked here, then by the runner, whose refusals show in the form),
 * cancelling and revoking; each behind a CSRF token and the roles the API itself demands.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(StandInServices.class)
class ConsoleFormsTest {

    @BeforeEach
    void stub() {
        Fixtures.everyService();
    }

    /** A page's CSRF cookie and form token, for posting the way a browser would. */
    record Csrf(String cookie, String token, String html) {

        static Csrf from(String path) {
            Response page = given().get(path).then().statusCode(200).extract().response();
            String html = page.asString();
            String token = html.contains("name=\"csrf-token\"") ? Html.csrfField(html) : page.getCookie("csrf-token");
            assertThat(page.getCookie("csrf-token")).as("the CSRF cookie").isNotBlank();
            return new Csrf(page.getCookie("csrf-token"), token, html);
        }

        RequestSpecification form() {
            return given().redirects().follow(false).contentType(ContentType.URLENC).cookie("csrf-token", cookie)
                    .formParam("csrf-token", token);
        }
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void theRequestFormIsPrefilledAndCarriesAKeyAndAToken() {
        String html = given().get("/console/audits/new?student=" + MODEL).then().statusCode(200).extract().asString();
        Html.assertCspClean(html);

        assertThat(html).contains("<h1 id=\"page-title\">Request an audit</h1>").contains("id=\"audit-request-form\"")
                .contains("id=\"student\" name=\"student\" value=\"" + MODEL + "\"")
                .contains("<option value=\"canary\" selected>").contains("<option value=\"image\">");
        assertThat(html).containsPattern("name=\"idempotencyKey\" value=\"[0-9a-f-]{36}\"");
        assertThat(Html.csrfField(html)).isNotBlank();
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void aValidRequestGoesToTheRunnerAndOnToTheNewAudit() {
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits")).willReturn(Fixtures.json(202, "runner/audit-created.json")
                .withHeader("Location", "/api/audits/" + CREATED_AUDIT)));
        Csrf csrf = Csrf.from("/console/audits/new");
        String key = keyOf(csrf.html());

        csrf.form().formParam("idempotencyKey", key).formParam("protocol", "image").formParam("student", MODEL)
                .formParam("teacher", "org--teacher-owl").formParam("dataset", "").formParam("traits", "owl, eagle")
                .formParam("seedsPerArm", "4").formParam("parameters", "{\"image\": \"registry.example.com/team/probe:1.2\"}")
                .formParam("gpus", "1").formParam("gpuType", "nvidia-h100").formParam("deadlineSeconds", "")
                .post("/console/audits").then().statusCode(303).header("Location", endsWith("/console/audits/" + CREATED_AUDIT));

        StandInServices.runner().verify(postRequestedFor(urlEqualTo("/api/audits"))
                .withHeader("Authorization", matching("Bearer .+")).withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"idempotencyKey\":\"" + key + "\",\"protocol\":\"image\",\"student\":\"" + MODEL
                        + "\",\"teacher\":\"org--teacher-owl\",\"traits\":[\"owl\",\"eagle\"],\"seedsPerArm\":4,"
                        + "\"parameters\":{\"image\":\"registry.example.com/team/probe:1.2\"},"
                        + "\"resources\":{\"gpus\":1,\"gpuType\":\"nvidia-h100\"}}")));
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void theFormIsCheckedBeforeAnythingIsSent() {
        Csrf csrf = Csrf.from("/console/audits/new");

        String html = csrf.form().formParam("protocol", "canary").formParam("student", "").formParam("teacher", "has space")
                .formParam("traits", "Owl!").formParam("seedsPerArm", "zero").formParam("parameters", "{not json")
                .formParam("deadlineSeconds", "10").post("/console/audits").then().statusCode(422)
                .contentType(containsString("text/html")).extract().asString();

        Html.assertCspClean(html);
        assertThat(Html.textOf(html, "form-problem-title")).isEqualTo("Check the form");
        assertThat(Html.textOf(html, "student-error")).isEqualTo("The student model is required.");
        assertThat(Html.textOf(html, "teacher-error")).startsWith("Not a lineage id");
        assertThat(Html.textOf(html, "traits-error")).startsWith("Not a trait name: Owl!");
        assertThat(Html.textOf(html, "seedsPerArm-error")).contains("at least 1");
        assertThat(Html.textOf(html, "parameters-error")).startsWith("Parameters are not valid JSON");
        assertThat(Html.textOf(html, "deadlineSeconds-error")).contains("at least 60");
        // What was typed stays, with a fresh token for the next try.
        assertThat(html).contains("value=\"has space\"").contains(">{not json</textarea>").contains("value=\"Owl!\"");
        assertThat(Html.csrfField(html)).isNotBlank();
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void theRunnersRefusalIsShownInTheForm() {
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/problem+json").withBody(Fixtures.read("runner/problem-422.json"))));
        Csrf csrf = Csrf.from("/console/audits/new");

        String html = csrf.form().formParam("idempotencyKey", "k-1").formParam("protocol", "canary")
                .formParam("student", "org--nobody").formParam("dataset", "numbers-cat").post("/console/audits").then()
                .statusCode(422).extract().asString();

        assertThat(html).contains("data-status=\"422\"");
        assertThat(Html.textOf(html, "form-problem-title")).isEqualTo("Invalid request");
        assertThat(Html.textOf(html, "form-problem-detail")).isEqualTo("the audit names lineage records that cannot be audited");
        assertThat(Html.textOf(html, "form-problem-errors")).contains("student: unknown model &#39;org--nobody&#39; in the lineage service");
        assertThat(Html.textOf(html, "student-error")).isEqualTo("unknown model &#39;org--nobody&#39; in the lineage service");
        assertThat(Html.textOf(html, "dataset-error")).isEqualTo("unknown dataset &#39;numbers-cat&#39; in the lineage service");
        assertThat(html).contains("value=\"org--nobody\"").contains("name=\"idempotencyKey\" value=\"k-1\"");
        StandInServices.runner().verify(1, postRequestedFor(urlEqualTo("/api/audits")));
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void aFormPostWithoutItsCsrfTokenIsRefused() {
        Csrf csrf = Csrf.from("/console/audits/new");

        // Cookie but no token, token but no cookie, and a token that is not the cookie's.
        String refused = given().redirects().follow(false).contentType(ContentType.URLENC).cookie("csrf-token", csrf.cookie())
                .formParam("protocol", "canary").formParam("student", MODEL).post("/console/audits").then().statusCode(400)
                .contentType(containsString("text/html")).extract().asString();
        assertThat(Html.textOf(refused, "error-title")).isEqualTo("Form not accepted");
        assertThat(Html.textOf(refused, "error-detail")).contains("Nothing was changed");
        given().redirects().follow(false).contentType(ContentType.URLENC).formParam("csrf-token", csrf.token())
                .formParam("protocol", "canary").formParam("student", MODEL).post("/console/audits").then().statusCode(400);
        given().redirects().follow(false).contentType(ContentType.URLENC).cookie("csrf-token", csrf.cookie())
                .formParam("csrf-token", "AAAAAAAAAAAAAAAAAAAAAA").formParam("protocol", "canary").formParam("student", MODEL)
                .post("/console/audits").then().statusCode(400);
        // Nor does a JSON body get around the form: the console takes forms only.
        given().redirects().follow(false).contentType(ContentType.JSON).cookie("csrf-token", csrf.cookie())
                .body("{\"protocol\":\"canary\",\"student\":\"" + MODEL + "\"}").post("/console/audits").then().statusCode(415);
        given().redirects().follow(false).contentType(ContentType.URLENC).cookie("csrf-token", csrf.cookie())
                .post("/console/audits/" + RUNNING_AUDIT + "/cancel").then().statusCode(400);
        StandInServices.runner().verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    void viewersCannotWriteEvenWithAValidToken() {
        given().get("/console/audits/new").then().statusCode(403).body(containsString("Your roles do not allow this"));
        Csrf csrf = Csrf.from("/console/audits");

        csrf.form().formParam("protocol", "canary").formParam("student", MODEL).post("/console/audits").then().statusCode(403)
                .body(containsString("Your roles do not allow this"));
        csrf.form().post("/console/audits/" + RUNNING_AUDIT + "/cancel").then().statusCode(403);
        csrf.form().formParam("reason", "no").post("/console/certificates/" + CERTIFICATE + "/revoke").then().statusCode(403);
        StandInServices.runner().verify(0, postRequestedFor(anyUrl()));
        StandInServices.report().verify(0, postRequestedFor(urlEqualTo("/api/certificates/" + CERTIFICATE + "/revoke")));
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void auditorsCancelAuditsButCannotRevokeCertificates() {
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits/" + RUNNING_AUDIT + "/cancel"))
                .willReturn(Fixtures.json("runner/audit-running.json")));
        Csrf csrf = Csrf.from("/console/audits/" + RUNNING_AUDIT);

        csrf.form().post("/console/audits/" + RUNNING_AUDIT + "/cancel").then().statusCode(303)
                .header("Location", endsWith("/console/audits/" + RUNNING_AUDIT));
        StandInServices.runner().verify(postRequestedFor(urlEqualTo("/api/audits/" + RUNNING_AUDIT + "/cancel"))
                .withHeader("Authorization", matching("Bearer .+")));

        assertThat(given().get("/console/certificates/" + CERTIFICATE).asString()).doesNotContain("id=\"revoke-form\"");
        csrf.form().formParam("reason", "wrong digest").post("/console/certificates/" + CERTIFICATE + "/revoke").then()
                .statusCode(403);
        StandInServices.report().verify(0, postRequestedFor(urlEqualTo("/api/certificates/" + CERTIFICATE + "/revoke")));
    }

    @Test
    @TestSecurity(user = "aldo", roles = "auditor")
    void cancellingAnEndedAuditShowsTheRunnersAnswer() {
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits/" + RUNNING_AUDIT + "/cancel")).willReturn(
                Fixtures.problem(409, "Conflict", "audit " + RUNNING_AUDIT + " already ended COMPLETED")));
        Csrf csrf = Csrf.from("/console/audits/" + RUNNING_AUDIT);

        String html = csrf.form().post("/console/audits/" + RUNNING_AUDIT + "/cancel").then().statusCode(409).extract().asString();
        assertThat(Html.textOf(html, "error-detail")).isEqualTo("audit " + RUNNING_AUDIT + " already ended COMPLETED");
    }

    @Test
    @TestSecurity(user = "ann", roles = "admin")
    void administratorsRevokeWithAReason() {
        StandInServices.report().stubFor(post(urlEqualTo("/api/certificates/" + CERTIFICATE + "/revoke"))
                .willReturn(Fixtures.json("report/revocation.json")));
        Csrf csrf = Csrf.from("/console/certificates/" + CERTIFICATE);

        String html = csrf.form().formParam("reason", "   ").post("/console/certificates/" + CERTIFICATE + "/revoke").then()
                .statusCode(422).extract().asString();
        assertThat(Html.textOf(html, "reason-error")).startsWith("Give a reason");
        StandInServices.report().verify(0, postRequestedFor(urlEqualTo("/api/certificates/" + CERTIFICATE + "/revoke")));

        csrf.form().formParam("reason", " teacher digest was wrong ").post("/console/certificates/" + CERTIFICATE + "/revoke")
                .then().statusCode(303).header("Location", endsWith("/console/certificates/" + CERTIFICATE));
        StandInServices.report().verify(postRequestedFor(urlEqualTo("/api/certificates/" + CERTIFICATE + "/revoke"))
                .withHeader("Authorization", matching("Bearer .+"))
                .withRequestBody(equalToJson("{\"reason\":\"teacher digest was wrong\"}")));
        LoggedRequest sent = StandInServices.report().findAll(postRequestedFor(urlEqualTo("/api/certificates/" + CERTIFICATE + "/revoke")))
                .get(0);
        assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
    }

    private static String keyOf(String html) {
        Matcher key = Pattern.compile("name=\"idempotencyKey\" value=\"([^\"]+)\"").matcher(html);
        assertThat(key.find()).isTrue();
        return key.group(1);
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern containing(String text) {
        return com.github.tomakehurst.wiremock.client.WireMock.containing(text);
    }
}
