package io.traittrace.gateway.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.traittrace.api.problem.Problem;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.gateway.StandInServices;
import io.traittrace.testsupport.KeycloakResource;
import io.traittrace.testsupport.KeycloakServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Tokens from a real Keycloak with the realm file k8s uses, sent through the gateway: the demo users' password
 * tokens and the services' client-credentials tokens reach exactly the routes their realm roles allow, and reach
 * them unchanged; a token Keycloak signed for another realm, or one edited after signing, reaches nothing. The tokens
 * name their user's organisations (Keycloak Organizations) the way the services read them.
 */
@QuarkusTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(StandInServices.class)
class KeycloakTokensTest {

    private static final List<String> APP_ROLES = List.of("viewer", "auditor", "admin", "registry-publisher");

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @BeforeEach
    void forgetStandIns() {
        StandInServices.reset();
    }

    @Test
    void tokensCarryTheApiAudienceTheRealmRoleAndAShortLifetime() {
        assertClaims(userToken("viewer"), "viewer");
        assertClaims(userToken("auditor"), "auditor");
        assertClaims(userToken("admin"), "admin");
        // Users hold viewer, auditor and admin in an organisation, by its role groups, never as realm roles.
        for (String role : List.of("viewer", "auditor", "admin")) {
            JsonObject user = claims(userToken(role));
            assertThat(organizationRoles(user)).as(role).containsExactly("acme/" + role);
            assertThat(realmRoles(user)).as(role).doesNotContainAnyElementsOf(Roles.ORGANIZATION_ROLES);
        }
        assertClaims(serviceToken("registry-publisher"), "registry-publisher");
        assertClaims(serviceToken("audit-runner"), "internal-service");
    }

    @Test
    void accessTokensNameTheOrganisationsOfTheirUser() {
        // A member of one organisation: the realm's default organization scope maps it without being asked.
        assertThat(organizations(userToken("viewer"))).containsExactly("acme");
        assertThat(organizations(userToken("admin"))).containsExactly("acme");
        assertThat(organizations(userToken("globex-auditor"))).containsExactly("globex");
        assertThat(organizationRoles(claims(userToken("globex-admin")))).containsExactly("globex/admin");

        // A member of several gets them by asking: all of them, or one; unasked, none (Keycloak would have it pick one at
        // a browser login), so a service answers it "name one" rather than guessing.
        String consultant = keycloak.demoPassword("consultant");
        assertThat(organizations(keycloak.scopedPasswordToken("consultant", consultant, "organization:*"))).containsExactlyInAnyOrder("acme", "globex");
        assertThat(organizations(keycloak.scopedPasswordToken("consultant", consultant, "organization:globex"))).containsExactly("globex");
        assertThat(claims(keycloak.passwordToken("consultant", consultant)).containsKey("organization")).isFalse();
        // Asking for an organisation one is not a member of gets nothing.
        assertThat(claims(keycloak.scopedPasswordToken("viewer", keycloak.demoPassword("viewer"), "organization:globex"))
                .containsKey("organization")).isFalse();

        // The platform admin is a member of none; the runner's service account of none either, it names one per call.
        JsonObject platformAdmin = claims(userToken("platform-admin"));
        assertThat(platformAdmin.containsKey("organization")).isFalse();
        assertThat(realmRoles(platformAdmin)).contains("platform-admin").doesNotContainAnyElementsOf(APP_ROLES);
        JsonObject runner = claims(serviceToken("audit-runner"));
        assertThat(runner.containsKey("organization")).isFalse();
        assertThat(realmRoles(runner)).as("it reads lineage for the audit's organisation, nothing else")
                .contains("internal-service").doesNotContainAnyElementsOf(APP_ROLES);
        // The registry client reads for the organisation its client names (the default one in the realm file).
        assertThat(organizations(serviceToken("registry-publisher"))).containsExactly("default");
    }

    @Test
    void aConsultantsRealTokenReachesTheServiceWithTheOrganisationItNames() {
        String token = keycloak.scopedPasswordToken("consultant", keycloak.demoPassword("consultant"), "organization:*");
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits")).willReturn(okJson("{\"items\":[]}")));

        given().auth().oauth2(token).header("TraitTrace-Organization", "globex")
                .when().get("/api/audits")
                .then().statusCode(200);
        given().auth().oauth2(token).header("TraitTrace-Organization", "Globex Inc")
                .when().get("/api/audits")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);

        StandInServices.runner().verify(1, getRequestedFor(urlEqualTo("/api/audits"))
                .withHeader("Authorization", equalTo("Bearer " + token))
                .withHeader("TraitTrace-Organization", equalTo("globex")));
    }

    @Test
    void viewerReadsLineageWithItsOwnTokenRelayed() {
        String token = userToken("viewer");
        StandInServices.lineage().stubFor(get(urlEqualTo("/api/lineage/models"))
                .willReturn(okJson("[{\"id\":\"teacher-1\"}]")));

        given().auth().oauth2(token)
                .when().get("/api/lineage/models")
                .then().statusCode(200).body(is("[{\"id\":\"teacher-1\"}]"));

        StandInServices.lineage().verify(1, getRequestedFor(urlEqualTo("/api/lineage/models"))
                .withHeader("Authorization", equalTo("Bearer " + token)));
    }

    @Test
    void viewerMayNotStartAnAudit() {
        given().auth().oauth2(userToken("viewer")).contentType(ContentType.JSON).body("{\"modelId\":\"student-1\"}")
                .when().post("/api/audits")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE).body("status", is(403));

        assertNothingReached(StandInServices.runner());
    }

    @Test
    void auditorStartsAnAudit() {
        String token = userToken("auditor");
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"audit-1\"}")));

        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"modelId\":\"student-1\"}")
                .when().post("/api/audits")
                .then().statusCode(202).body("id", is("audit-1"));

        StandInServices.runner().verify(1, postRequestedFor(urlEqualTo("/api/audits"))
                .withHeader("Authorization", equalTo("Bearer " + token)));
    }

    @Test
    void onlyAnAdminRemovesASharedInitAssertion() {
        String path = "/api/lineage/assertions/shared-init/assertion-1";
        given().auth().oauth2(userToken("auditor"))
                .when().delete(path)
                .then().statusCode(403);
        assertNothingReached(StandInServices.lineage());

        String token = userToken("admin");
        StandInServices.lineage().stubFor(delete(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        given().auth().oauth2(token)
                .when().delete(path)
                .then().statusCode(204);
        StandInServices.lineage().verify(1, deleteRequestedFor(urlEqualTo(path))
                .withHeader("Authorization", equalTo("Bearer " + token)));
    }

    @Test
    void aUserWithoutARoleReachesNothing() {
        given().auth().oauth2(userToken("nobody"))
                .when().get("/api/lineage/models")
                .then().statusCode(403);

        assertNothingReached(StandInServices.lineage());
    }

    @Test
    void registryPublisherReadsCertificatesButNotLineage() {
        String token = serviceToken("registry-publisher");
        StandInServices.report().stubFor(get(urlEqualTo("/api/certificates/cert-1"))
                .willReturn(okJson("{\"id\":\"cert-1\"}")));

        given().auth().oauth2(token)
                .when().get("/api/certificates/cert-1")
                .then().statusCode(200).body("id", is("cert-1"));
        StandInServices.report().verify(1, getRequestedFor(urlEqualTo("/api/certificates/cert-1"))
                .withHeader("Authorization", equalTo("Bearer " + token)));

        given().auth().oauth2(token)
                .when().get("/api/lineage/models")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        assertNothingReached(StandInServices.lineage());
    }

    @Test
    void theAuditRunnersTokenOpensNoRouteOfTheGateway() {
        // The runner reads lineage directly, service to service (internal-service on three lineage reads); from outside,
        // through the front door, its token holds no role any route allows.
        String token = serviceToken("audit-runner");
        StandInServices.lineage().stubFor(get(urlEqualTo("/api/lineage/models/student-1"))
                .willReturn(okJson("{\"id\":\"student-1\"}")));

        given().auth().oauth2(token).header("TraitTrace-Organization", "acme")
                .when().get("/api/lineage/models/student-1")
                .then().statusCode(403);

        StandInServices.lineage().verify(0, getRequestedFor(urlEqualTo("/api/lineage/models/student-1")));
    }

    @Test
    void aTokenKeycloakSignedForAnotherRealmIsRefused() {
        String stranger = keycloak.strangerToken();
        JsonObject claims = claims(stranger);
        // Everything but issuer and key is what the gateway asks for.
        assertThat(claims.getString("iss")).isEqualTo(keycloak.issuer(KeycloakServer.STRANGER_REALM));
        assertThat(audiences(claims)).contains("traittrace-api");
        assertThat(realmRoles(claims)).contains("viewer");

        given().auth().oauth2(stranger)
                .when().get("/api/lineage/models")
                .then().statusCode(401).header("WWW-Authenticate", "Bearer").contentType(Problem.MEDIA_TYPE);

        assertNothingReached(StandInServices.lineage());
    }

    @Test
    void aTokenEditedAfterSigningIsRefused() {
        String token = userToken("viewer");
        String[] parts = token.split("\\.");
        JsonObject claims = claims(token);
        claims.put("realm_access", new JsonObject().put("roles", new JsonArray().add("admin")));
        String forged = parts[0] + "." + base64Url(claims.encode()) + "." + parts[2];

        given().auth().oauth2(forged)
                .when().delete("/api/lineage/assertions/shared-init/assertion-1")
                .then().statusCode(401).contentType(Problem.MEDIA_TYPE);

        assertNothingReached(StandInServices.lineage());
    }

    private String userToken(String user) {
        return keycloak.passwordToken(user, keycloak.demoPassword(user));
    }

    private String serviceToken(String client) {
        return keycloak.clientCredentialsToken(client, keycloak.clientSecret(client));
    }

    private void assertClaims(String token, String role) {
        JsonObject claims = claims(token);
        assertThat(claims.getString("iss")).isEqualTo(keycloak.issuer());
        assertThat(audiences(claims)).contains("traittrace-api");
        assertThat(heldRoles(claims)).contains(role)
                .doesNotContainAnyElementsOf(APP_ROLES.stream().filter(other -> !other.equals(role)).toList());
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(300L);
    }

    private static void assertNothingReached(WireMockServer standIn) {
        assertThat(standIn.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    private static JsonObject claims(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static List<Object> audiences(JsonObject claims) {
        Object aud = claims.getValue("aud");
        return aud instanceof JsonArray many ? many.getList() : List.of(aud);
    }

    /** The token's organization claim: the list of aliases Keycloak's membership mapper writes. */
    private static List<Object> organizations(String token) {
        JsonObject claims = claims(token);
        assertThat(claims.getValue("organization")).as("the organization claim of %s", claims.getString("preferred_username"))
                .isInstanceOf(JsonArray.class);
        return claims.getJsonArray("organization").getList();
    }

    /** The token's realm (platform) roles; none when it holds none (Keycloak then writes no realm_access). */
    private static List<Object> realmRoles(JsonObject claims) {
        JsonObject access = claims.getJsonObject("realm_access");
        return access == null ? List.of() : access.getJsonArray("roles").getList();
    }

    /** The organisation roles the token's role groups grant, as ALIAS/ROLE (groups /organizations/ALIAS/ROLE). */
    private static List<String> organizationRoles(JsonObject claims) {
        JsonArray groups = claims.getJsonArray("organization_groups");
        return groups == null ? List.of() : groups.stream().map(String::valueOf).filter(path -> path.startsWith("/organizations/"))
                .map(path -> path.substring("/organizations/".length())).toList();
    }

    /** Every role the token holds somewhere: its realm roles and its roles in any organisation. */
    private static List<Object> heldRoles(JsonObject claims) {
        List<Object> held = new java.util.ArrayList<>(realmRoles(claims));
        organizationRoles(claims).forEach(role -> held.add(role.substring(role.indexOf('/') + 1)));
        return held;
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
