package io.traittrace.gateway.console;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
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
 * Roles are held per organisation, and the console shows and allows what its user holds in the organisation it acts for:
 * the token's claims go through {@link ConsoleRolesAugmentor}, as every real session's do. A consultant reads in acme
 * and audits in globex.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(StandInServices.class)
class ConsoleOrganizationRolesTest {

    private static final String COOKIE = "traittrace-organization";

    @BeforeEach
    void stub() {
        Fixtures.everyService();
    }

    private static Response get(String path, String chosen) {
        var request = given().redirects().follow(false);
        if (chosen != null) {
            request = request.cookie(COOKIE, chosen);
        }
        return request.get(path);
    }

    @Test
    @TestSecurity(user = "cora", augmentors = ConsoleRolesAugmentor.class)
    @OidcSecurity(claims = {
            @Claim(key = "organization", value = "[\"acme\",\"globex\"]", type = ClaimType.JSON_ARRAY),
            @Claim(key = "organization_groups", value = "[\"/organizations/acme/viewer\",\"/organizations/globex/auditor\"]",
                    type = ClaimType.JSON_ARRAY) })
    void writeControlsFollowTheRolesHeldInTheSelectedOrganisation() {
        // acme (the first): a viewer there.
        String acme = get("/console/audits", null).then().statusCode(200).extract().asString();
        assertThat(acme).contains("<option value=\"acme\" selected>acme</option>").contains("data-role=\"viewer\"")
                .doesNotContain("data-role=\"auditor\"").doesNotContain("id=\"new-audit\"");
        assertThat(get("/console", "acme").asString()).doesNotContain("id=\"home-request-audit\"");
        get("/console/audits/new", "acme").then().statusCode(403);

        // globex: an auditor there.
        String globex = get("/console/audits", "globex").then().statusCode(200).extract().asString();
        assertThat(globex).contains("<option value=\"globex\" selected>globex</option>").contains("data-role=\"auditor\"")
                .doesNotContain("data-role=\"viewer\"").contains("id=\"new-audit\"");
        assertThat(get("/console", "globex").asString()).contains("id=\"home-request-audit\"");
        get("/console/audits/new", "globex").then().statusCode(200);
        // Nobody's admin: no keys page in either.
        get("/console/keys", "globex").then().statusCode(403);
        get("/console/keys", "acme").then().statusCode(403);
        StandInServices.runner().verify(getRequestedFor(urlPathEqualTo("/api/audits"))
                .withHeader("TraitTrace-Organization", equalTo("globex")));
    }

    @Test
    @TestSecurity(user = "nina", augmentors = ConsoleRolesAugmentor.class)
    @OidcSecurity(claims = {
            @Claim(key = "organization", value = "[\"acme\",\"globex\"]", type = ClaimType.JSON_ARRAY),
            @Claim(key = "organization_groups", value = "[\"/organizations/globex/viewer\"]", type = ClaimType.JSON_ARRAY) })
    void aMemberWithoutRolesInTheSelectedOrganisationMaySwitchToOneWhereItReads() {
        get("/console/audits", null).then().statusCode(403);
        Response switched = given().redirects().follow(false).header("Sec-Fetch-Site", "same-origin")
                .get("/console/organizations/switch?organization=globex&section=audits");
        assertThat(switched.statusCode()).isEqualTo(303);
        assertThat(switched.getDetailedCookie(COOKIE).getValue()).isEqualTo("globex");
        get("/console/audits", "globex").then().statusCode(200);
        // Switching to where it holds nothing is no way in.
        given().redirects().follow(false).cookie(COOKIE, "globex").header("Sec-Fetch-Site", "same-origin")
                .get("/console/organizations/switch?organization=acme&section=audits").then().statusCode(403);
    }

    @Test
    @TestSecurity(user = "lee", roles = "admin", augmentors = ConsoleRolesAugmentor.class)
    @OidcSecurity(claims = @Claim(key = "organization", value = "[\"acme\"]", type = ClaimType.JSON_ARRAY))
    void aRealmRoleNamedAdminOpensNoPage() {
        get("/console", null).then().statusCode(403);
        get("/console/audits", null).then().statusCode(403);
        get("/console/keys", null).then().statusCode(403);
        StandInServices.runner().verify(0, getRequestedFor(urlPathEqualTo("/api/audits")));
    }
}
