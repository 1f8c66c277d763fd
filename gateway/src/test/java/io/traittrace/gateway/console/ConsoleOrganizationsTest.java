package io.traittrace.gateway.console;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static io.traittrace.gateway.console.Fixtures.json;
import static io.traittrace.gateway.console.Fixtures.problem;
import static io.traittrace.gateway.console.Fixtures.stubGet;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.ClaimType;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.response.Response;
import io.traittrace.gateway.StandInServices;

/**
 * The console and organisations: the page chrome offers the session token's organisations, every call to a service
 * names the chosen one in TraitTrace-Organization, and the platform admin's organisation and quota pages.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(StandInServices.class)
class ConsoleOrganizationsTest {

    private static final String HEADER = "TraitTrace-Organization";
    private static final String COOKIE = "traittrace-organization";

    @BeforeEach
    void stub() {
        Fixtures.everyService();
        stubGet(StandInServices.runner(), "/api/organizations/acme/quota", json("runner/quota-acme.json"));
        stubGet(StandInServices.runner(), "/api/organizations/globex/quota", problem(404, "Not found", "no quota set for globex"));
    }

    private static String page(String path, String chosen) {
        var request = given().redirects().follow(false);
        if (chosen != null) {
            request = request.cookie(COOKIE, chosen);
        }
        String html = request.get(path).then().statusCode(200).extract().asString();
        Html.assertCspClean(html);
        return html;
    }

    @Test
    @TestSecurity(user = "cora", roles = "auditor")
    @OidcSecurity(claims = @Claim(key = "organization", value = "[\"globex\",\"acme\"]", type = ClaimType.JSON_ARRAY))
    void aMemberOfSeveralSwitchesAndEveryCallNamesTheChosenOne() {
        String first = page("/console/audits", null);
        // No choice yet: the first of the token's organisations, and a switcher offering both.
        assertThat(first).contains("id=\"org-switcher\"").contains("<option value=\"acme\" selected>acme</option>")
                .contains("<option value=\"globex\">globex</option>").doesNotContain("id=\"org-name\"");
        StandInServices.runner().verify(1, getRequestedFor(urlPathEqualTo("/api/audits")).withHeader(HEADER, equalTo("acme")));

        Response switched = given().redirects().follow(false).header("Sec-Fetch-Site", "same-origin")
                .get("/console/organizations/switch?organization=globex&section=audits");
        assertThat(switched.statusCode()).isEqualTo(303);
        assertThat(switched.header("Location")).endsWith("/console/audits");
        assertThat(switched.getDetailedCookie(COOKIE).getValue()).isEqualTo("globex");
        assertThat(switched.getDetailedCookie(COOKIE).isHttpOnly()).isTrue();
        assertThat(switched.getDetailedCookie(COOKIE).isSecured()).isTrue();

        String second = page("/console/audits", "globex");
        assertThat(second).contains("<option value=\"globex\" selected>globex</option>");
        StandInServices.runner().verify(1, getRequestedFor(urlPathEqualTo("/api/audits")).withHeader(HEADER, equalTo("globex")));

        // Every page, every service: the lineage and report pages name it too.
        page("/console/models?q=owl", "globex");
        page("/console/certificates", "globex");
        StandInServices.lineage().verify(getRequestedFor(urlPathEqualTo("/api/lineage/models")).withHeader(HEADER, equalTo("globex")));
        StandInServices.report().verify(getRequestedFor(urlPathEqualTo("/api/certificates")).withHeader(HEADER, equalTo("globex")));
    }

    @Test
    @TestSecurity(user = "cora", roles = "auditor")
    @OidcSecurity(claims = @Claim(key = "organization", value = "[\"acme\",\"globex\"]", type = ClaimType.JSON_ARRAY))
    void onlyTheTokensOrganisationsCanBeChosenAndOnlyFromTheConsoleItself() {
        Response notAMember = given().redirects().follow(false).header("Sec-Fetch-Site", "same-origin")
                .get("/console/organizations/switch?organization=initech&section=audits");
        assertThat(notAMember.statusCode()).isEqualTo(404);
        assertThat(notAMember.getDetailedCookie(COOKIE)).isNull();
        Response crossSite = given().redirects().follow(false).header("Sec-Fetch-Site", "cross-site")
                .get("/console/organizations/switch?organization=globex&section=audits");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.getDetailedCookie(COOKIE)).isNull();

        // A cookie naming another organisation (edited, or left by someone else) is no choice: the token decides.
        String html = page("/console/audits", "initech");
        assertThat(html).contains("<option value=\"acme\" selected>acme</option>");
        StandInServices.runner().verify(getRequestedFor(urlPathEqualTo("/api/audits")).withHeader(HEADER, equalTo("acme")));
        StandInServices.runner().verify(0, getRequestedFor(urlPathEqualTo("/api/audits")).withHeader(HEADER, equalTo("initech")));
    }

    @Test
    @TestSecurity(user = "vera", roles = "viewer")
    @OidcSecurity(claims = @Claim(key = "organization", value = "[\"acme\"]", type = ClaimType.JSON_ARRAY))
    void aMemberOfOneSeesItsNameAndNoSwitcher() {
        String html = page("/console", null);

        assertThat(Html.textOf(html, "org-name")).isEqualTo("acme");
        assertThat(html).doesNotContain("id=\"org-switcher\"").doesNotContain("id=\"nav-organizations\"");
        StandInServices.runner().verify(getRequestedFor(urlEqualTo("/api/audits?page=0&size=5")).withHeader(HEADER, equalTo("acme")));
        // The organisations pages are the platform admin's.
        given().redirects().follow(false).get("/console/organizations").then().statusCode(403);
        given().redirects().follow(false).get("/console/organizations/acme").then().statusCode(403);
        StandInServices.runner().verify(0, getRequestedFor(urlPathEqualTo("/api/organizations/acme/quota")));
    }

    @Test
    @TestSecurity(user = "pat", roles = "platform-admin")
    void aPlatformAdminStartsAtTheOrganisationsWithTheirQuotas() {
        given().redirects().follow(false).get("/console").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.endsWith("/console/organizations"));

        String html = page("/console/organizations", null);
        assertThat(html).contains("id=\"nav-organizations\"").doesNotContain("id=\"nav-audits\"").doesNotContain("id=\"org-switcher\"")
                .contains("id=\"organizations-table\"").contains("data-organization=\"acme\"").contains("data-organization=\"globex\"")
                .contains("3 of 12").contains("41.5 of 250.0").contains("Organisation &#39;globex&#39; does not exist.");
        // A platform admin acts for no organisation: the runner is asked without one.
        StandInServices.runner().verify(getRequestedFor(urlPathEqualTo("/api/organizations/acme/quota")).withHeader(HEADER, absent()));
        // The platform admin's console reads no organisation's data.
        given().redirects().follow(false).get("/console/audits").then().statusCode(403);
        StandInServices.runner().verify(0, getRequestedFor(urlPathEqualTo("/api/audits")));
    }

    @Test
    @TestSecurity(user = "pat", roles = "platform-admin")
    void aPlatformAdminSetsAnOrganisationsQuota() {
        StandInServices.runner().stubFor(put(urlPathEqualTo("/api/organizations/acme/quota")).willReturn(json("runner/quota-acme.json")));
        ConsoleFormsTest.Csrf csrf = ConsoleFormsTest.Csrf.from("/console/organizations/acme");
        assertThat(csrf.html()).contains("id=\"quota-form\"").contains("value=\"12\"").contains("value=\"250.0\"")
                .contains("3 of 12").contains("by platform-admin");

        csrf.form().formParam("maxAuditsInFlight", "30").formParam("gpuHoursPerPeriod", "")
                .post("/console/organizations/acme/quota").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.endsWith("/console/organizations/acme"));
        StandInServices.runner().verify(1, putRequestedFor(urlPathEqualTo("/api/organizations/acme/quota"))
                .withRequestBody(equalToJson("{\"maxAuditsInFlight\":30,\"gpuHoursPerPeriod\":null}")));

        // Checked here first: nothing reaches the runner.
        String refused = csrf.form().formParam("maxAuditsInFlight", "-1").formParam("gpuHoursPerPeriod", "lots")
                .post("/console/organizations/acme/quota").then().statusCode(422).extract().asString();
        assertThat(refused).contains("id=\"form-problem\"").contains("between 0 and").contains("must be a number");
        StandInServices.runner().verify(1, putRequestedFor(urlPathEqualTo("/api/organizations/acme/quota")));

        // An alias that cannot be one is a 404 without a call.
        given().redirects().follow(false).get("/console/organizations/Not%20An%20Alias").then().statusCode(404);
        given().redirects().follow(false).get("/console/organizations/open?alias=globex").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.endsWith("/console/organizations/globex"));
        StandInServices.lineage().verify(0, anyRequestedFor(anyUrl()));
    }
}
