package io.traittrace.gateway.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.traittrace.api.problem.Problem;
import io.traittrace.gateway.StandInServices;
import io.traittrace.testsupport.KeycloakResource;
import io.traittrace.testsupport.KeycloakServer;
import io.vertx.core.json.JsonObject;

/**
 * The console's session against the real Keycloak with the realm file k8s uses, signed in the way a browser does
 * (the gateway's redirect, Keycloak's login form, the callback), without a browser: the code goes to the console's one
 * registered callback and nowhere else, and API calls that ride on the session cookie are taken from the console's own
 * origin only.
 */
@QuarkusTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(StandInServices.class)
class SessionCookieApiTest {

    private static final Pattern LOGIN_ACTION = Pattern.compile("action=\"([^\"]*/login-actions/authenticate[^\"]*)\"");

    private final KeycloakServer keycloak = KeycloakServer.shared();
    /** The gateway under test: the origin the realm's console client is registered for, and its gateway.public-url. */
    private final String console = keycloak.consoleUrl();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void forgetStandIns() {
        StandInServices.reset();
    }

    @Test
    void aSessionsApiCallsAreTakenFromTheConsolesOwnOriginOnly() {
        Map<String, String> session = signIn("auditor", "/console/audits");
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody("{\"id\":\"a-1\"}")));
        StandInServices.runner().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/api/audits"))
                .willReturn(okJson("{\"items\":[]}")));

        // The console's own pages: the browser says same-origin, or names the console's origin.
        given().cookies(session).header("Sec-Fetch-Site", "same-origin").contentType(ContentType.JSON).body("{}")
                .post("/api/audits").then().statusCode(202);
        given().cookies(session).header("Origin", console).contentType(ContentType.JSON).body("{}")
                .post("/api/audits").then().statusCode(202);
        given().cookies(session).header("Sec-Fetch-Site", "same-origin").get("/api/audits").then().statusCode(200);
        StandInServices.runner().verify(2, postRequestedFor(urlEqualTo("/api/audits"))
                .withHeader("Authorization", matching("Bearer .+")).withoutHeader("Cookie"));

        // Another site, with the same valid session cookie the browser attaches by itself.
        given().cookies(session).header("Origin", "https://evil.example").header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", org.hamcrest.Matchers.equalTo("https://traittrace.io/problems/cross-site-request"));
        given().cookies(session).contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(403);
        given().cookies(session).header("Sec-Fetch-Site", "cross-site").get("/api/audits").then().statusCode(403);
        StandInServices.runner().verify(2, postRequestedFor(urlEqualTo("/api/audits")));
        StandInServices.runner().verify(1, getRequestedFor(urlEqualTo("/api/audits")));

        // A bearer token needs no origin.
        given().auth().oauth2(keycloak.passwordToken("auditor", keycloak.demoPassword("auditor")))
                .contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(202);
    }

    /**
     * A session's API call (the console's live views) names the organisation chosen in the console, when it is one of the
     * session's: a cookie naming another (left by someone else on the browser) names none, so the consultant (viewer in
     * acme, auditor in globex) names no organisation and is told to; a header sent wins.
     */
    @Test
    void aSessionsApiCallsNameTheConsolesChosenOrganisation() {
        Map<String, String> consultant = signIn("consultant", "/console/audits");
        StandInServices.runner().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/api/audits"))
                .willReturn(okJson("{\"items\":[]}")));

        given().cookies(consultant).cookie("traittrace-organization", "globex").header("Sec-Fetch-Site", "same-origin")
                .get("/api/audits").then().statusCode(200);
        given().cookies(consultant).cookie("traittrace-organization", "initech").header("Sec-Fetch-Site", "same-origin")
                .get("/api/audits").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("title", org.hamcrest.Matchers.equalTo("Organisation required"));
        given().cookies(consultant).cookie("traittrace-organization", "globex").header("Sec-Fetch-Site", "same-origin")
                .header("TraitTrace-Organization", "acme").get("/api/audits").then().statusCode(200);

        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> sent = StandInServices.runner()
                .findAll(getRequestedFor(urlEqualTo("/api/audits")));
        assertThat(sent).extracting(request -> request.containsHeader("TraitTrace-Organization")
                ? request.getHeader("TraitTrace-Organization") : "(none)").containsExactly("globex", "acme");
        // The session's token is the console's, asked for every organisation of the user.
        JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(
                sent.get(0).getHeader("Authorization").substring("Bearer ".length()).split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.getJsonArray("organization").getList()).containsExactlyInAnyOrder("acme", "globex");
    }

    /** Exact redirect URIs: Keycloak sends a code only to the console's callback, and a signed-out user only to /signed-out. */
    @Test
    void keycloakRedirectsToTheConsolesRegisteredUrisOnly() {
        String authorize = keycloak.issuer() + "/protocol/openid-connect/auth?client_id=" + KeycloakServer.CONSOLE_CLIENT
                + "&response_type=code&scope=openid&state=s&code_challenge_method=S256"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&redirect_uri=";
        assertThat(send(get(authorize + encode(console + "/console/callback")), new LinkedHashMap<>()).statusCode())
                .as("the registered callback").isEqualTo(200);
        for (String elsewhere : new String[] { console + "/console/models", console + "/console/callback/x",
                console + "/console/callback?next=/x", console + "/", "https://evil.example/console/callback" }) {
            assertThat(send(get(authorize + encode(elsewhere)), new LinkedHashMap<>()).statusCode()).as(elsewhere)
                    .isEqualTo(400);
        }

        String logout = keycloak.issuer() + "/protocol/openid-connect/logout?client_id=" + KeycloakServer.CONSOLE_CLIENT
                + "&post_logout_redirect_uri=";
        // No one is signed in here: Keycloak sends the browser straight on.
        HttpResponse<String> signedOut = send(get(logout + encode(console + "/signed-out")), new LinkedHashMap<>());
        assertThat(signedOut.statusCode()).as("where logout lands").isEqualTo(302);
        assertThat(location(signedOut)).startsWith(console + "/signed-out");
        assertThat(send(get(logout + encode(console + "/console/models")), new LinkedHashMap<>()).statusCode())
                .isEqualTo(400);
    }

    /**
     * Signs in as a browser would and returns the gateway's cookies (the session). On the way, the gateway asks Keycloak
     * for its one callback, and after the callback the user lands on the page first asked for.
     */
    private Map<String, String> signIn(String user, String page) {
        Map<String, String> gatewayCookies = new LinkedHashMap<>();
        Map<String, String> keycloakCookies = new LinkedHashMap<>();
        HttpResponse<String> challenge = send(get(console + page), gatewayCookies);
        assertThat(challenge.statusCode()).as("sign-in redirect").isEqualTo(302);
        String authorize = location(challenge);
        assertThat(query(authorize).get("redirect_uri")).isEqualTo(console + "/console/callback");

        HttpResponse<String> form = send(get(authorize), keycloakCookies);
        assertThat(form.statusCode()).as("Keycloak's login form").isEqualTo(200);
        Matcher action = LOGIN_ACTION.matcher(form.body());
        assertThat(action.find()).as("the login form's action").isTrue();
        String body = "username=" + encode(user) + "&password=" + encode(keycloak.demoPassword(user)) + "&credentialId=";
        HttpResponse<String> loggedIn = send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)), keycloakCookies);
        assertThat(loggedIn.statusCode()).as("Keycloak accepted the login").isEqualTo(302);
        String callback = location(loggedIn);
        assertThat(callback).startsWith(console + "/console/callback?");

        HttpResponse<String> landed = send(get(callback), gatewayCookies);
        assertThat(landed.statusCode()).as("the callback").isEqualTo(302);
        assertThat(location(landed)).isEqualTo(console + page);
        assertThat(gatewayCookies).containsKey("q_session_console");
        return gatewayCookies;
    }

    private static HttpRequest.Builder get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).GET();
    }

    /** Sends with the jar's cookies and keeps what the answer sets (names and values only: this is one site). */
    private HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> jar) {
        if (!jar.isEmpty()) {
            request.header("Cookie", jar.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String set : response.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                boolean expired = value.isEmpty() || set.toLowerCase(java.util.Locale.ROOT).contains("max-age=0");
                if (expired) {
                    jar.remove(name);
                } else {
                    jar.put(name, value);
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location"));
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
