package io.traittrace.gateway.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.traittrace.gateway.console.Fixtures.AUDIT;
import static io.traittrace.gateway.console.Fixtures.CERTIFICATE;
import static io.traittrace.gateway.console.Fixtures.CREATED_AUDIT;
import static io.traittrace.gateway.console.Fixtures.DATASET;
import static io.traittrace.gateway.console.Fixtures.MODEL;
import static io.traittrace.gateway.console.Fixtures.RUNNING_AUDIT;
import static io.traittrace.gateway.console.Fixtures.TEACHER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.traittrace.gateway.StandInServices;
import io.traittrace.testsupport.Browser;
import io.traittrace.testsupport.KeycloakResource;
import io.traittrace.testsupport.KeycloakServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The console in a real browser (headless Chromium), logged in through the real Keycloak's login form: a viewer
 * browses lineage, a dataset, audits and a certificate, is refused the request form, and signs out; an auditor
 * requests an audit through the CSRF-protected form; a consultant in two organisations switches between them and sees
 * each one's audits only. The services are the recorded stand-ins. Nothing the pages do
 * may be refused by their Content-Security-Policy. A failed test leaves a screenshot and the page under
 * {@code target/browser/}.
 */
@QuarkusTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(StandInServices.class)
class ConsoleBrowserTest {

    @RegisterExtension
    static final Browser browser = new Browser();

    private final KeycloakServer keycloak = KeycloakServer.shared();
    /** The origin the realm's console client has its redirect URIs for (the application's test port). */
    private final String console = "http://localhost:" + keycloak.consolePort();

    @BeforeEach
    void stub() {
        Fixtures.everyService();
        // The runner's live progress: one run of the running audit starts. The long retry keeps the browser from
        // reconnecting while the test looks at the page.
        liveProgress(RUNNING_AUDIT, "e2a1b3c4-0000-4000-8000-000000000002");
    }

    @Test
    void aViewerBrowsesLineageAuditsAndCertificatesMayNotRequestAnAuditAndSignsOut() {
        WebDriver driver = browser.driver();
        browser.open(console + "/console");
        browser.logIn(keycloak, "viewer");

        // Home: who is signed in, and no way to request an audit.
        browser.awaitUrl(console + "/console");
        assertThat(browser.visible("user-name").getText()).isEqualTo("Demo Viewer");
        assertThat(driver.findElement(By.id("user-roles")).getText()).isEqualTo("viewer");
        assertThat(browser.present(By.id("home-request-audit"))).isFalse();
        assertRelayedToken(StandInServices.runner().findAll(getRequestedFor(urlPathEqualTo("/api/audits"))), "viewer");
        // The session cookie: not readable by scripts, sent only over secure connections (localhost counts).
        assertThat(driver.manage().getCookies()).filteredOn(cookie -> cookie.getName().startsWith("q_session"))
                .isNotEmpty().allSatisfy(cookie -> {
                    assertThat(cookie.isSecure()).as(cookie.getName() + " Secure").isTrue();
                    assertThat(cookie.isHttpOnly()).as(cookie.getName() + " HttpOnly").isTrue();
                });

        // Lineage: search, then the student's page with its exposure and the drawn graph.
        browser.visible("home-q").sendKeys("owl");
        driver.findElement(By.cssSelector("#orientation form button[type=submit]")).click();
        browser.visible(By.cssSelector("#models-table a[href='/console/models/" + MODEL + "']")).click();
        assertThat(browser.visible("page-title").getText()).isEqualTo("org/student-owl");
        assertThat(driver.findElement(By.id("exposure-level")).getText()).isEqualTo("SAME_INIT");
        List<WebElement> paths = driver.findElements(By.cssSelector("#exposure-paths > li.exposure-path"));
        assertThat(paths).isNotEmpty();
        assertThat(paths.get(0).getText()).contains("via dataset " + DATASET).contains("generated by " + TEACHER);
        // Cytoscape drew the graph: console.js ran under the CSP and the library made its canvases.
        WebElement canvas = browser.visible(By.cssSelector("#lineage-graph.drawn canvas"));
        assertThat(canvas.getSize().getWidth()).isPositive();
        assertThat(canvas.getSize().getHeight()).isPositive();
        assertThat(browser.present(By.id("request-audit-for-model"))).isFalse();

        // The dataset the student was trained on.
        driver.findElement(By.cssSelector("#exposure-paths a.dataset-link[href='/console/datasets/" + DATASET + "']")).click();
        assertThat(browser.visible("page-title").getText()).isEqualTo("Owl-teacher number sequences");
        assertThat(driver.findElement(By.id("generator-link")).getDomAttribute("href")).endsWith("/console/models/" + TEACHER);

        // A completed audit, from the home page's recent audits: verdict and results per arm.
        driver.findElement(By.cssSelector("[data-testid=nav-home]")).click();
        browser.visible(By.cssSelector("#recent-audits-table a[href='/console/audits/" + AUDIT + "']")).click();
        assertThat(browser.visible("audit-state").getText()).isEqualTo("COMPLETED");
        assertThat(driver.findElement(By.id("verdict-outcome")).getText()).isEqualTo("TRANSFER_DETECTED");
        assertThat(driver.findElement(By.id("verdict-rule")).getText()).contains("one-sided Welch p < 0.01");
        WebElement arm = driver.findElement(By.cssSelector("#arms-table tr.arm-row[data-arm='S_aux']"));
        assertThat(arm.getText()).contains("0.612").contains("[0.513, 0.711]").contains("0.571");
        assertThat(driver.findElements(By.cssSelector("#arms-table tr.arm-row"))).hasSizeGreaterThan(1);
        assertThat(browser.present(By.id("cancel-form"))).isFalse();

        // A running audit follows the runner's events through the gateway with the session; a viewer may not cancel it.
        browser.open(console + "/console/audits/" + RUNNING_AUDIT);
        browser.waiting().until(ExpectedConditions.attributeToBe(
                By.cssSelector("#runs-table tr.run-row[data-run-id='e2a1b3c4-0000-4000-8000-000000000002']"), "data-state", "RUNNING"));
        assertThat(driver.findElement(By.id("progress-running")).getText()).isEqualTo("2");
        assertThat(browser.present(By.id("cancel-form"))).isFalse();
        assertRelayedToken(StandInServices.runner().findAll(getRequestedFor(urlEqualTo("/api/audits/" + RUNNING_AUDIT + "/events"))),
                "viewer");

        // A certificate, from the list (which shows each one's scope): the canary audit's pipeline check, with its
        // verification, statement and the model-card snippet; no revoking.
        driver.findElement(By.id("nav-certificates")).click();
        assertThat(browser.visible(By.cssSelector("tr[data-certificate-id='" + CERTIFICATE + "'] .certificate-scope")).getText())
                .isEqualTo("pipeline-check");
        browser.visible(By.cssSelector("#certificates-table a[href='/console/certificates/" + CERTIFICATE + "']")).click();
        assertThat(browser.visible("verification-status").getText()).isEqualTo("Valid");
        assertThat(driver.findElement(By.id("predicate-type")).getText())
                .isEqualTo("https://traittrace.io/attestations/pipeline-check/v1");
        assertThat(driver.findElement(By.id("certificate-scope")).getText()).isEqualTo("pipeline-check");
        assertThat(driver.findElement(By.id("scope-notice")).getText())
                .startsWith("Pipeline check: evidence about the audit method; the model's weights were not evaluated.");
        assertThat(driver.findElement(By.id("certificate-verdict")).getText()).isEqualTo("TRANSFER_DETECTED");
        driver.findElement(By.cssSelector("#statement-json summary")).click();
        assertThat(browser.visible(By.cssSelector("#statement-json pre")).getText()).contains("https://in-toto.io/Statement/v1");
        assertThat(driver.findElement(By.id("model-card-text")).getDomProperty("value"))
                .contains("## TraitTrace pipeline check (not an audit of this model)").contains("certificate: " + CERTIFICATE);
        assertThat(browser.present(By.id("revoke-form"))).isFalse();

        // The request form, typed in by hand, is refused with the console's 403 page; nothing reaches the runner.
        browser.open(console + "/console/audits/new");
        assertThat(browser.visible("error").getDomAttribute("data-status")).isEqualTo("403");
        assertThat(driver.findElement(By.id("error-title")).getText()).isEqualTo("Your roles do not allow this");
        StandInServices.runner().verify(0, postRequestedFor(anyUrl()));

        assertNoCspViolationsNorScriptErrors();

        // Signing out ends the Keycloak session too: the console asks for a login again.
        driver.findElement(By.id("logout")).click();
        browser.awaitUrl(console + "/signed-out");
        assertThat(browser.visible("signed-out-title").getText()).isEqualTo("You have signed out");
        assertThat(driver.manage().getCookies()).noneMatch(cookie -> cookie.getName().startsWith("q_session"));
        browser.open(console + "/console");
        browser.awaitUrl(keycloak.issuer() + "/");
        assertThat(browser.visible("username").isDisplayed()).isTrue();
    }

    @Test
    void anAuditorRequestsAnAuditThroughTheForm() {
        WebDriver driver = browser.driver();
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits"))
                .willReturn(Fixtures.json(202, "runner/audit-created.json").withHeader("Location", "/api/audits/" + CREATED_AUDIT)));
        Fixtures.stubGet(StandInServices.runner(), "/api/audits/" + CREATED_AUDIT, Fixtures.json("runner/audit-created.json"));
        liveProgress(CREATED_AUDIT, "e2a1b3c4-0000-4000-8000-000000000000");

        // Straight to a model page: after the login the browser is back where it was going.
        browser.open(console + "/console/models/" + MODEL);
        browser.logIn(keycloak, "auditor");
        browser.awaitUrl(console + "/console/models/" + MODEL);
        assertThat(browser.visible("user-name").getText()).isEqualTo("Demo Auditor");
        browser.visible("request-audit-for-model").click();

        // The form, prefilled with the student; a form that cannot be sent is shown back with what to fix.
        assertThat(browser.visible("student").getDomProperty("value")).isEqualTo(MODEL);
        assertThat(driver.findElement(By.cssSelector("#audit-request-form input[name='csrf-token']")).getDomProperty("value"))
                .isNotBlank();
        assertThat(driver.manage().getCookieNamed("csrf-token")).as("the CSRF cookie").isNotNull();
        replace("student", "");
        replace("teacher", "has space");
        replace("deadlineSeconds", "10");
        submit();
        assertThat(browser.visible("form-problem-title").getText()).isEqualTo("Check the form");
        assertThat(driver.findElement(By.id("student-error")).getText()).isEqualTo("The student model is required.");
        assertThat(driver.findElement(By.id("teacher-error")).getText()).startsWith("Not a lineage id");
        assertThat(driver.findElement(By.id("deadlineSeconds-error")).getText()).contains("at least 60");
        assertThat(driver.findElement(By.id("teacher")).getDomProperty("value")).isEqualTo("has space");
        StandInServices.runner().verify(0, postRequestedFor(anyUrl()));

        // Corrected, but sent without the page's CSRF token: refused before it reaches the console's page or the runner.
        fillValid();
        ((JavascriptExecutor) driver).executeScript(
                "document.querySelector(\"#audit-request-form input[name='csrf-token']\").remove();");
        submit();
        assertThat(browser.visible("error").getDomAttribute("data-status")).isEqualTo("400");
        assertThat(driver.findElement(By.id("error-title")).getText()).isEqualTo("Form not accepted");
        StandInServices.runner().verify(0, postRequestedFor(anyUrl()));

        // Sent from a fresh form as it came: the runner gets the request with the auditor's own token, the browser
        // the new audit.
        browser.open(console + "/console/audits/new?student=" + MODEL);
        assertThat(browser.visible("student").getDomProperty("value")).isEqualTo(MODEL);
        String key = driver.findElement(By.cssSelector("#audit-request-form input[name='idempotencyKey']")).getDomProperty("value");
        fillValid();
        submit();
        browser.awaitUrl(console + "/console/audits/" + CREATED_AUDIT);
        assertThat(browser.visible("audit-id").getText()).isEqualTo(CREATED_AUDIT);
        assertThat(driver.findElement(By.id("audit-state")).getText()).isEqualTo("RUNNING");
        // An auditor may cancel a running audit.
        assertThat(browser.visible("cancel-audit").isDisplayed()).isTrue();

        List<LoggedRequest> posts = StandInServices.runner().findAll(postRequestedFor(urlEqualTo("/api/audits")));
        assertThat(posts).hasSize(1);
        assertThat(equalToJson("{\"idempotencyKey\":\"" + key + "\",\"protocol\":\"canary\",\"student\":\"" + MODEL
                + "\",\"teacher\":\"" + TEACHER + "\",\"traits\":[\"owl\"],\"seedsPerArm\":3,"
                + "\"resources\":{\"deadlineSeconds\":3600}}").match(posts.get(0).getBodyAsString()).isExactMatch())
                .as("the runner's request body: %s", posts.get(0).getBodyAsString()).isTrue();
        assertRelayedToken(posts, "auditor");

        assertNoCspViolationsNorScriptErrors();
    }

    @Test
    void aConsultantInTwoOrganisationsSwitchesBetweenThemAndSeesEachOnesAuditsOnly() {
        WebDriver driver = browser.driver();
        // The runner's answer depends on the organisation the console names, as the real runner's does.
        JsonObject audits = new JsonObject(Fixtures.read("runner/audits.json"));
        auditsOf("acme", audits, RUNNING_AUDIT);
        auditsOf("globex", audits, AUDIT);

        browser.open(console + "/console/audits");
        browser.logIn(keycloak, "consultant");
        browser.awaitUrl(console + "/console/audits");
        assertThat(browser.visible("user-name").getText()).isEqualTo("Demo Consultant");

        // The switcher offers the organisations of the session's token; the first is the one shown.
        Select switcher = new Select(browser.visible("org-select"));
        assertThat(switcher.getOptions()).extracting(WebElement::getText).containsExactly("acme", "globex");
        assertThat(switcher.getFirstSelectedOption().getText()).isEqualTo("acme");
        assertThat(auditRows()).containsExactly(RUNNING_AUDIT);

        // Picking globex switches at once (console.js), back to the same list, which is globex's alone.
        switchTo("globex");
        assertThat(auditRows()).containsExactly(AUDIT);
        // Remembered: the home page's recent audits are globex's too.
        driver.findElement(By.cssSelector("[data-testid=nav-home]")).click();
        assertThat(browser.visible(By.id("recent-audits-table")).findElements(By.cssSelector("tr.audit-row")))
                .extracting(row -> row.getDomAttribute("data-audit-id")).containsExactly(AUDIT);

        // Back to acme; the running audit's live events, which the browser fetches through the gateway with the session
        // cookie alone, are asked for acme as well.
        driver.findElement(By.id("nav-audits")).click();
        switchTo("acme");
        assertThat(auditRows()).containsExactly(RUNNING_AUDIT);
        browser.open(console + "/console/audits/" + RUNNING_AUDIT);
        browser.waiting().until(ExpectedConditions.attributeToBe(
                By.cssSelector("#runs-table tr.run-row[data-run-id='e2a1b3c4-0000-4000-8000-000000000002']"), "data-state", "RUNNING"));

        // What the runner was asked: each list for the organisation then chosen, all with the consultant's token, which
        // carries both organisations.
        List<LoggedRequest> lists = StandInServices.runner().findAll(getRequestedFor(urlPathEqualTo("/api/audits")));
        assertThat(lists).extracting(request -> request.getHeader("TraitTrace-Organization"))
                .containsExactly("acme", "globex", "globex", "globex", "acme");
        for (LoggedRequest request : lists) {
            JsonObject claims = claims(request);
            assertThat(claims.getString("preferred_username")).isEqualTo("consultant");
            assertThat(claims.getJsonArray("organization").getList()).containsExactlyInAnyOrder("acme", "globex");
        }
        List<LoggedRequest> events = StandInServices.runner().findAll(getRequestedFor(urlEqualTo("/api/audits/" + RUNNING_AUDIT + "/events")));
        assertThat(events).isNotEmpty().allSatisfy(request -> assertThat(request.getHeader("TraitTrace-Organization")).isEqualTo("acme"));

        assertNoCspViolationsNorScriptErrors();
    }

    @Test
    void aMemberOfOneOrganisationSeesItsNameAndNoSwitcher() {
        browser.open(console + "/console");
        browser.logIn(keycloak, "globex-viewer");
        browser.awaitUrl(console + "/console");
        assertThat(browser.visible("org-name").getText()).isEqualTo("globex");
        assertThat(browser.present(By.id("org-switcher"))).isFalse();
        assertThat(StandInServices.runner().findAll(getRequestedFor(urlPathEqualTo("/api/audits"))))
                .isNotEmpty().allSatisfy(request -> assertThat(request.getHeader("TraitTrace-Organization")).isEqualTo("globex"));
        assertNoCspViolationsNorScriptErrors();
    }

    /** The runner's audit list for one organisation: the one audit of the fixture's that is that organisation's. */
    private static void auditsOf(String organization, JsonObject all, String audit) {
        JsonArray items = new JsonArray();
        all.getJsonArray("items").forEach(item -> {
            if (((JsonObject) item).getString("id").equals(audit)) {
                items.add(item);
            }
        });
        JsonObject page = all.copy().put("items", items).put("total", items.size());
        StandInServices.runner().stubFor(get(urlPathEqualTo("/api/audits")).withHeader("TraitTrace-Organization", equalTo(organization))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(page.encode())));
    }

    /** Picks an organisation in the switcher on the audit list and waits for the list it leads back to. */
    private void switchTo(String organization) {
        WebElement before = browser.visible("audits-table");
        new Select(browser.visible("org-select")).selectByValue(organization);
        browser.waiting().until(ExpectedConditions.stalenessOf(before));
        browser.visible("audits-table");
        assertThat(new Select(browser.visible("org-select")).getFirstSelectedOption().getText()).isEqualTo(organization);
    }

    private List<String> auditRows() {
        return browser.driver().findElements(By.cssSelector("#audits-table tr.audit-row")).stream()
                .map(row -> row.getDomAttribute("data-audit-id")).toList();
    }

    private static JsonObject claims(LoggedRequest request) {
        String[] jwt = request.getHeader("Authorization").substring("Bearer ".length()).split("\\.");
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
    }

    private void fillValid() {
        replace("student", MODEL);
        replace("teacher", TEACHER);
        replace("traits", "owl");
        replace("seedsPerArm", "3");
        replace("deadlineSeconds", "3600");
    }

    private void replace(String id, String value) {
        WebElement field = browser.visible(id);
        field.clear();
        if (!value.isEmpty()) {
            field.sendKeys(value);
        }
    }

    /** Sends the audit request form and waits for the page that answers it. */
    private void submit() {
        WebElement form = browser.driver().findElement(By.id("audit-request-form"));
        browser.driver().findElement(By.id("submit-audit")).click();
        browser.waiting().until(ExpectedConditions.stalenessOf(form));
    }

    /** The service was called with an access token Keycloak issued to the console for this user. */
    private void assertRelayedToken(List<LoggedRequest> requests, String user) {
        assertThat(requests).as("requests the stand-in received").isNotEmpty();
        for (LoggedRequest request : requests) {
            String authorization = request.getHeader("Authorization");
            assertThat(authorization).as("Authorization of %s", request.getUrl()).startsWith("Bearer ");
            String[] jwt = authorization.substring("Bearer ".length()).split("\\.");
            assertThat(jwt).as("a JWT").hasSize(3);
            JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
            assertThat(claims.getString("iss")).isEqualTo(keycloak.issuer());
            assertThat(claims.getString("preferred_username")).isEqualTo(user);
            assertThat(claims.getString("azp")).isEqualTo(KeycloakServer.CONSOLE_CLIENT);
            // The demo user of that name holds that role in acme, by the organisation's role group, not as a realm role.
            assertThat(claims.getJsonArray("organization_groups").getList()).contains("/organizations/acme/" + user);
            JsonObject realm = claims.getJsonObject("realm_access");
            assertThat(realm == null ? List.of() : realm.getJsonArray("roles").getList())
                    .doesNotContainAnyElementsOf(io.traittrace.api.tenancy.Roles.ORGANIZATION_ROLES);
        }
    }

    /** Nothing refused by a page's CSP, no script error, no server error for anything the pages loaded. */
    private void assertNoCspViolationsNorScriptErrors() {
        assertThat(browser.pageErrors()).as("the browser console").isEmpty();
    }

    private static void liveProgress(String audit, String run) {
        String event = new JsonObject().put("auditId", audit).put("kind", "run").put("runId", run).put("runState", "RUNNING")
                .put("at", "2026-03-04T10:00:00Z").encode();
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits/" + audit + "/events"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody("retry: 600000\n\ndata: " + event + "\n\n")));
    }
}
