package io.traittrace.gateway.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.traittrace.gateway.StandInServices;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.Metrics;

/** What callers and services see of the gateway's forwarding: the route, the relayed token, errors, retries. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(StandInServices.class)
class ApiProxyTest {

    private static final String UPSTREAM = "traittrace_gateway_upstream_requests_seconds_count";
    /** The console tenant's session cookie (TenantSelector). */
    private static final String SESSION = "q_session_console";

    @BeforeEach
    void reset() {
        StandInServices.reset();
    }

    @Test
    void forwardsToTheOwningServiceWithTheCallersToken() {
        double answered = Metrics.value(UPSTREAM, "service", "lineage", "outcome", "2xx");
        String token = Callers.token("viewer");
        StandInServices.lineage().stubFor(get(urlPathEqualTo("/api/lineage/models"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"items\":[{\"id\":\"m1\"}],\"total\":1}")));

        given().auth().oauth2(token).cookie("q_session_other", "x").header("X-Request-Id", "r-1")
                .get("/api/lineage/models?q=llama&page=2").then().statusCode(200)
                .contentType(ContentType.JSON).body("items[0].id", org.hamcrest.Matchers.equalTo("m1"));

        StandInServices.lineage().verify(1, getRequestedFor(urlEqualTo("/api/lineage/models?q=llama&page=2"))
                .withHeader("Authorization", equalTo("Bearer " + token))
                .withHeader("X-Request-Id", equalTo("r-1"))
                .withoutHeader("Cookie")
                .withHeader("X-Forwarded-For", com.github.tomakehurst.wiremock.client.WireMock.matching(".+")));
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
        StandInServices.report().verify(0, anyRequestedFor(anyUrl()));
        assertThat(Metrics.value(UPSTREAM, "service", "lineage", "outcome", "2xx")).isEqualTo(answered + 1);
    }

    @Test
    void theOrganisationHeaderReachesTheServiceAsSent() {
        String token = Callers.token("consultant", java.util.Set.of("auditor"), List.of("acme", "globex"));
        StandInServices.runner().stubFor(get(urlPathEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"items\":[]}")));

        given().auth().oauth2(token).header("TraitTrace-Organization", "globex")
                .get("/api/audits").then().statusCode(200);
        given().auth().oauth2(Callers.token("auditor")).get("/api/audits").then().statusCode(200);

        // The service decides what the organisation may see; the gateway neither adds nor drops the caller's choice.
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> sent = StandInServices.runner()
                .findAll(getRequestedFor(urlPathEqualTo("/api/audits")));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getHeaders().getHeader("TraitTrace-Organization").values()).containsExactly("globex");
        assertThat(sent.get(1).containsHeader("TraitTrace-Organization")).isFalse();
    }

    /**
     * Roles are held per organisation: what counts is what the caller holds in the organisation the request acts for (the
     * header, else its only one). A consultant reads in acme and audits in globex.
     */
    @Test
    void theRolesThatCountAreTheOnesHeldInTheOrganisationTheRequestActsFor() {
        String consultant = Callers.token("consultant", java.util.Set.of(),
                java.util.Map.of("acme", java.util.Set.of("viewer"), "globex", java.util.Set.of("auditor")));
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody("{\"id\":\"a-1\"}")));
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")));

        given().auth().oauth2(consultant).header("TraitTrace-Organization", "globex").contentType(ContentType.JSON).body("{}")
                .post("/api/audits").then().statusCode(202);
        given().auth().oauth2(consultant).header("TraitTrace-Organization", "acme").contentType(ContentType.JSON).body("{}")
                .post("/api/audits").then().statusCode(403).contentType("application/problem+json")
                .body("title", org.hamcrest.Matchers.equalTo("Forbidden"));
        given().auth().oauth2(consultant).header("TraitTrace-Organization", "acme").get("/api/audits").then().statusCode(200);
        // Several organisations and none named: no roles to judge by, and the caller is told what is missing.
        given().auth().oauth2(consultant).contentType(ContentType.JSON).body("{}").post("/api/audits").then()
                .statusCode(400).contentType("application/problem+json")
                .body("title", org.hamcrest.Matchers.equalTo("Organisation required"))
                .body("detail", containsString("TraitTrace-Organization"));
        given().auth().oauth2(consultant).get("/api/audits").then().statusCode(400)
                .body("title", org.hamcrest.Matchers.equalTo("Organisation required"));
        // An organisation the caller is not a member of grants nothing.
        given().auth().oauth2(consultant).header("TraitTrace-Organization", "initech").get("/api/audits").then()
                .statusCode(403).contentType("application/problem+json")
                .body("title", org.hamcrest.Matchers.equalTo("Not a member"));

        StandInServices.runner().verify(1, postRequestedFor(urlEqualTo("/api/audits"))
                .withHeader("TraitTrace-Organization", equalTo("globex")));
        StandInServices.runner().verify(1, getRequestedFor(urlEqualTo("/api/audits")));
    }

    /** A realm role named like an organisation role grants nothing: only the organisation's groups do. */
    @Test
    void aRealmRoleNamedAdminGrantsNothing() {
        String legacy = Callers.token("legacy", java.util.Set.of("admin"), java.util.Map.of("acme", java.util.Set.of()));
        String outsider = Callers.token("outsider", java.util.Set.of("admin"), java.util.Map.of());
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")));

        given().auth().oauth2(legacy).get("/api/audits").then().statusCode(403)
                .body("title", org.hamcrest.Matchers.equalTo("Forbidden"));
        given().auth().oauth2(legacy).header("TraitTrace-Organization", "acme").contentType(ContentType.JSON).body("{}")
                .post("/api/certificates/c-1/revoke").then().statusCode(403);
        given().auth().oauth2(outsider).get("/api/audits").then().statusCode(403).contentType("application/problem+json")
                .body("title", org.hamcrest.Matchers.equalTo("No organisation"));
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
        StandInServices.report().verify(0, anyRequestedFor(anyUrl()));
    }

    /** A remembered token keeps what its claims say, not one organisation's roles: each request resolves its own. */
    @Test
    void aRememberedTokenIsJudgedAgainForEachOrganisationItNames() {
        String consultant = Callers.token("remembered-consultant", java.util.Set.of(),
                java.util.Map.of("acme", java.util.Set.of("viewer"), "globex", java.util.Set.of("auditor")));
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody("{}")));

        for (int round = 0; round < 2; round++) {
            given().auth().oauth2(consultant).header("TraitTrace-Organization", "acme").contentType(ContentType.JSON)
                    .body("{}").post("/api/audits").then().statusCode(403);
            given().auth().oauth2(consultant).header("TraitTrace-Organization", "globex").contentType(ContentType.JSON)
                    .body("{}").post("/api/audits").then().statusCode(202);
            given().auth().oauth2(consultant).contentType(ContentType.JSON).body("{}").post("/api/audits").then()
                    .statusCode(400);
        }
        StandInServices.runner().verify(2, postRequestedFor(urlEqualTo("/api/audits")));
        StandInServices.runner().verify(0, postRequestedFor(urlEqualTo("/api/audits"))
                .withHeader("TraitTrace-Organization", equalTo("acme")));
    }

    @Test
    void anOrganisationHeaderThatNamesNoOrganisationIsRefusedBeforeAnythingIsForwarded() {
        String token = Callers.token("auditor");
        for (String malformed : List.of("Acme Corp", "acme,globex", "../acme", "-acme", "a".repeat(64))) {
            given().auth().oauth2(token).header("TraitTrace-Organization", malformed)
                    .get("/api/audits").then().statusCode(400).contentType("application/problem+json")
                    .body("title", org.hamcrest.Matchers.equalTo("Invalid organisation"))
                    .body("detail", org.hamcrest.Matchers.containsString("TraitTrace-Organization"));
        }
        // Twice, even the same alias: which one would the service take?
        given().auth().oauth2(token).header("TraitTrace-Organization", "acme").header("TraitTrace-Organization", "acme")
                .contentType(ContentType.JSON).body("{}")
                .post("/api/audits").then().statusCode(400).contentType("application/problem+json");
        // Refused before the caller is asked for: no token is needed to be told the header is wrong.
        given().header("TraitTrace-Organization", "ACME").get("/api/lineage/models").then().statusCode(400);

        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
        StandInServices.lineage().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theCallersTraceContinuesToTheService() {
        String traceId = "80e1afed08e019fc1110464cfa66635c";
        String callerSpan = "7a085853722dc6d2";
        StandInServices.lineage().stubFor(get(urlPathEqualTo("/api/lineage/models"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"items\":[]}")));

        given().auth().oauth2(Callers.token("viewer")).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .get("/api/lineage/models").then().statusCode(200);

        List<String> sent = StandInServices.lineage().findAll(getRequestedFor(urlPathEqualTo("/api/lineage/models"))).get(0)
                .getHeaders().getHeader("traceparent").values();
        // One header: the gateway's own span, a child of the caller's, in the caller's trace.
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).split("-")[1]).isEqualTo(traceId);
        assertThat(sent.get(0).split("-")[2]).isNotEqualTo(callerSpan);
    }

    @Test
    void requestMetricsNameTheServicesRoutesNotTheIds() {
        StandInServices.lineage().stubFor(get(urlPathMatching("/api/lineage/models/.+"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")));
        String first = "m-" + java.util.UUID.randomUUID();
        String second = "m-" + java.util.UUID.randomUUID();
        given().auth().oauth2(Callers.token("viewer")).get("/api/lineage/models/" + first).then().statusCode(200);
        given().get("/api/lineage/models/" + second).then().statusCode(401);

        String scrape = Metrics.scrape();
        assertThat(scrape).doesNotContain(first).doesNotContain(second);
        assertThat(Metrics.valueIn(scrape, "http_server_requests_seconds_count", "uri", "/api/lineage/**", "status", "200")).isPositive();
        assertThat(Metrics.valueIn(scrape, "http_server_requests_seconds_count", "uri", "/api/lineage/**", "status", "401")).isPositive();
    }

    @Test
    void healthAndMetricsArePublic() {
        given().get("/q/health/live").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("UP"));
        assertThat(Metrics.scrape()).contains("http_server_requests_seconds_count");
    }

    @Test
    void requestBodiesArriveIntact() {
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withHeader("Location", "/api/audits/a-1").withBody("{\"id\":\"a-1\"}")));
        String body = "{\"idempotencyKey\":\"k-1\",\"protocol\":\"canary\",\"traits\":[\"owl\"],\"note\":\"é✓\"}";

        given().auth().oauth2(Callers.token("auditor")).contentType(ContentType.JSON).body(body)
                .post("/api/audits").then().statusCode(202).header("Location", "/api/audits/a-1");

        StandInServices.runner().verify(1, postRequestedFor(urlEqualTo("/api/audits"))
                .withRequestBody(equalTo(body)).withHeader("Content-Type", containing("application/json")));
    }

    @Test
    void theServicesErrorsPassThroughUnchanged() {
        double refused = Metrics.value(UPSTREAM, "service", "runner", "outcome", "4xx");
        String problem = "{\"type\":\"https://traittrace.io/problems/invalid-request\",\"title\":\"Invalid request\","
                + "\"status\":422,\"detail\":\"unknown teacher\"}";
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/problem+json").withBody(problem)));

        String answered = given().auth().oauth2(Callers.token("auditor")).contentType(ContentType.JSON).body("{}")
                .post("/api/audits").then().statusCode(422).contentType("application/problem+json")
                .extract().asString();
        assertThat(answered).isEqualTo(problem);
        assertThat(Metrics.value(UPSTREAM, "service", "runner", "outcome", "4xx")).isEqualTo(refused + 1);
    }

    @Test
    void publicRoutesNeedNoTokenAndIgnoreABadOne() {
        StandInServices.report().stubFor(get(urlEqualTo("/api/keys"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("[]")));
        StandInServices.report().stubFor(post(urlEqualTo("/api/certificates/verify"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"valid\":true}")));

        given().get("/api/keys").then().statusCode(200);
        given().auth().oauth2("not-a-token").get("/api/keys").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"bundle\":{}}").post("/api/certificates/verify").then()
                .statusCode(200).body("valid", org.hamcrest.Matchers.is(true));
        // Nothing of the caller's credentials travels on a public route.
        StandInServices.report().verify(2, getRequestedFor(urlEqualTo("/api/keys")).withoutHeader("Authorization"));
    }

    @Test
    void refusedCallersNeverReachAService() {
        given().get("/api/lineage/models").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("status", org.hamcrest.Matchers.equalTo(401))
                .body("instance", org.hamcrest.Matchers.equalTo("/api/lineage/models"));
        given().auth().oauth2(Callers.token("viewer")).contentType(ContentType.JSON).body("{}").post("/api/audits")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("https://traittrace.io/problems/forbidden"));

        StandInServices.lineage().verify(0, anyRequestedFor(anyUrl()));
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aRememberedTokenStopsWorkingWhenItExpires() throws InterruptedException {
        StandInServices.lineage().stubFor(get(urlEqualTo("/api/lineage/models/m1"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")));
        long now = System.currentTimeMillis() / 1000;
        String shortLived = Jwt.preferredUserName("brief").subject("brief").claim("organization", List.of("acme"))
                .claim("organization_groups", List.of("/organizations/acme/viewer")).issuer("https://server.example.com").audience("https://server.example.com")
                .issuedAt(now).expiresAt(now + 2).jws().keyId("1").sign("privateKey.jwk");

        given().auth().oauth2(shortLived).get("/api/lineage/models/m1").then().statusCode(200);
        given().auth().oauth2(shortLived).get("/api/lineage/models/m1").then().statusCode(200);
        Thread.sleep(3_500);
        given().auth().oauth2(shortLived).get("/api/lineage/models/m1").then().statusCode(401);
        StandInServices.lineage().verify(2, getRequestedFor(urlEqualTo("/api/lineage/models/m1")));
    }

    @Test
    void aRememberedTokenKeepsItsRoles() {
        String viewer = Callers.token("remembered-viewer", "viewer");
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")));
        given().auth().oauth2(viewer).get("/api/audits").then().statusCode(200);
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(403);
        given().auth().oauth2(viewer).get("/api/audits").then().statusCode(200);
        StandInServices.runner().verify(0, postRequestedFor(urlEqualTo("/api/audits")));
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() {
        // The probe's result channel is for the cluster only: the gateway does not route it.
        given().auth().oauth2(Callers.token("admin")).contentType(ContentType.JSON).body("{}")
                .post("/api/runs/r-1/result").then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(Callers.token("admin")).contentType(ContentType.JSON).body("{}")
                .put("/api/audits").then().statusCode(405).header("Allow", "GET, POST")
                .contentType("application/problem+json");
        // Dot segments are resolved before the route is chosen, so they cannot reach around a rule.
        given().auth().oauth2(Callers.token("viewer")).contentType(ContentType.JSON).body("{}")
                .post("/api/lineage/../audits").then().statusCode(403);
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void idempotentCallsAreRetriedAfterA503ButWritesAreNot() {
        StandInServices.lineage().stubFor(get(urlEqualTo("/api/lineage/models/m1")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503))
                .willSetStateTo("second"));
        StandInServices.lineage().stubFor(get(urlEqualTo("/api/lineage/models/m1")).inScenario("flaky")
                .whenScenarioStateIs("second").willReturn(aResponse().withStatus(503)).willSetStateTo("third"));
        StandInServices.lineage().stubFor(get(urlEqualTo("/api/lineage/models/m1")).inScenario("flaky")
                .whenScenarioStateIs("third").willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody("{\"id\":\"m1\"}")));
        given().auth().oauth2(Callers.token("viewer")).get("/api/lineage/models/m1").then().statusCode(200);
        StandInServices.lineage().verify(3, getRequestedFor(urlEqualTo("/api/lineage/models/m1")));

        StandInServices.lineage().stubFor(post(urlEqualTo("/api/lineage/models"))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":503,\"title\":\"Service unavailable\"}")));
        given().auth().oauth2(Callers.token("auditor")).contentType(ContentType.JSON).body("{\"id\":\"m2\"}")
                .post("/api/lineage/models").then().statusCode(503).body("title",
                        org.hamcrest.Matchers.equalTo("Service unavailable"));
        StandInServices.lineage().verify(1, postRequestedFor(urlEqualTo("/api/lineage/models")));
    }

    @Test
    void aSlowServiceIs504() {
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits/slow"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));
        given().auth().oauth2(Callers.token("viewer")).get("/api/audits/slow").then().statusCode(504)
                .contentType("application/problem+json").body("detail", containsString("audit runner"));
    }

    /**
     * Four slow writes take every pooled connection to the runner (four in tests) and time out; their requests are
     * reset, so the next call gets a connection at once instead of waiting behind answers nobody reads any more.
     */
    @Test
    void callsThatTimedOutGiveTheirConnectionsBack() throws Exception {
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits/stuck/cancel"))
                .willReturn(aResponse().withStatus(202).withFixedDelay(5_000)));
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits/quick"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")));
        String auditor = Callers.token("auditor");
        String viewer = Callers.token("viewer");
        // Six answers first: the four timeouts below stay under the circuit breaker's failure ratio (0.5 of the last 10).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> given().auth().oauth2(viewer).get("/api/audits/quick").then().extract().statusCode() == 200);
        for (int i = 0; i < 5; i++) {
            given().auth().oauth2(viewer).get("/api/audits/quick").then().statusCode(200);
        }
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> stuck = java.util.stream.IntStream.range(0, 4)
                    .mapToObj(i -> callers.submit(() -> given().auth().oauth2(auditor).contentType(ContentType.JSON).body("{}")
                            .post("/api/audits/stuck/cancel").then().extract().statusCode()))
                    .toList();
            for (java.util.concurrent.Future<Integer> call : stuck) {
                assertThat(call.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(504);
            }
        } finally {
            callers.shutdownNow();
        }
        StandInServices.runner().verify(4, postRequestedFor(urlEqualTo("/api/audits/stuck/cancel")));
        // Well within the stand-in's 5 s: left waiting, the four connections would still be taken.
        given().auth().oauth2(viewer).get("/api/audits/quick").then().statusCode(200);
    }

    @Test
    void serverSentEventsStreamThrough() {
        String events = "event: audit-progress\ndata: {\"completedRuns\":1}\n\nevent: audit-progress\n"
                + "data: {\"completedRuns\":2}\n\n";
        StandInServices.runner().stubFor(get(urlEqualTo("/api/audits/a-1/events"))
                .withHeader("Accept", containing("text/event-stream"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(events).withChunkedDribbleDelay(4, 400)));

        String received = given().auth().oauth2(Callers.token("viewer")).accept("text/event-stream")
                .get("/api/audits/a-1/events").then().statusCode(200).contentType(containsString("text/event-stream"))
                .extract().asString();
        assertThat(received).isEqualTo(events);
    }

    /**
     * Streams are bounded per caller (two in tests) and in all (three), on connections of their own: while the gateway
     * holds all it takes, every other call to the same service still goes through. (The lineage stand-in streams: its
     * response timeout is the default 30 s, and WireMock sends a dribbled answer's headers only with its end.)
     */
    @Test
    void eventStreamsAreBoundedPerCallerAndInAllAndNeverStallOtherCalls() throws Exception {
        StandInServices.lineage().stubFor(get(urlPathMatching("/api/lineage/feeds/s-[0-9]+"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody("data: {}\n\n".repeat(4)).withChunkedDribbleDelay(4, 3_000)));
        StandInServices.lineage().stubFor(get(urlEqualTo("/api/lineage/models"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"items\":[]}")));
        String first = Callers.token("stream-first", "viewer");
        String second = Callers.token("stream-second", "viewer");
        String third = Callers.token("stream-third", "viewer");
        java.util.concurrent.ExecutorService listeners = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Integer>> open = List.of(
                    listeners.submit(() -> stream(first, "s-1")), listeners.submit(() -> stream(first, "s-2")),
                    listeners.submit(() -> stream(second, "s-3")));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2)).until(() -> StandInServices.lineage()
                    .findAll(getRequestedFor(urlPathMatching("/api/lineage/feeds/s-[0-9]+"))).size() == 3);
            given().auth().oauth2(first).accept("text/event-stream").get("/api/lineage/feeds/s-4").then().statusCode(429)
                    .contentType("application/problem+json").body("detail", containsString("2 event streams open"));
            given().auth().oauth2(third).accept("text/event-stream").get("/api/lineage/feeds/s-5").then().statusCode(503)
                    .header("Retry-After", "5");
            given().auth().oauth2(third).get("/api/lineage/models").then().statusCode(200);
            for (java.util.concurrent.Future<Integer> stream : open) {
                assertThat(stream.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            listeners.shutdownNow();
        }
        // Ended streams give their places back.
        assertThat(stream(third, "s-6")).isEqualTo(200);
    }

    private static int stream(String token, String feed) {
        return given().auth().oauth2(token).accept("text/event-stream").get("/api/lineage/feeds/" + feed).then().extract().statusCode();
    }

    @Test
    void bodiesOverTheLimitAre413() {
        given().auth().oauth2(Callers.token("auditor")).contentType(ContentType.JSON)
                .body("{\"pad\":\"" + "x".repeat(70_000) + "\"}").post("/api/lineage/models").then().statusCode(413)
                .contentType("application/problem+json");
        StandInServices.lineage().verify(0, anyRequestedFor(anyUrl()));
    }

    /**
     * The route, the caller and its rate decide on the headers: an anonymous upload is refused before a byte of its body
     * is read (the body is never sent here, and the answer still comes), and the connection is closed behind it.
     */
    @Test
    void anAnonymousUploadIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (RawRequest upload = RawRequest.headersOnly("POST", "/api/lineage/models", null, 60_000)) {
            assertThat(upload.statusLine()).startsWith("HTTP/1.1 401");
            assertThat(upload.closedByServer()).isTrue();
        }
        try (RawRequest forbidden = RawRequest.headersOnly("POST", "/api/audits", Callers.token("viewer"), 6_000)) {
            assertThat(forbidden.statusLine()).startsWith("HTTP/1.1 403");
        }
        StandInServices.lineage().verify(0, anyRequestedFor(anyUrl()));
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    /**
     * A call that rides on the console's session cookie (no bearer token) must come from the console's own origin: another
     * site's write is refused with 403 before the session is looked at or a byte of the body is read, and so is another
     * site's read. The cookie here is no real session: where the call comes from is decided first.
     */
    @Test
    void aCrossSiteCallWithTheSessionCookieIsRefusedBeforeItsBodyIsRead() throws Exception {
        given().cookie(SESSION, "not-a-session").header("Origin", "https://evil.example").header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("https://traittrace.io/problems/cross-site-request"))
                .body("instance", org.hamcrest.Matchers.equalTo("/api/audits"));
        // A write that names no origin at all (browsers always do on a cross-origin write; other clients use tokens).
        given().cookie(SESSION, "not-a-session").contentType(ContentType.JSON).body("{}").post("/api/audits").then()
                .statusCode(403).body("detail", containsString("must name its Origin"));
        // A sibling host of the same site (SameSite=Lax sends the cookie there).
        given().cookie(SESSION, "not-a-session").header("Origin", "https://id.test.example").header("Sec-Fetch-Site", "same-site")
                .delete("/api/lineage/assertions/shared-init/a-1").then().statusCode(403);
        // Reads from another site: an event stream, and a script's fetch that names its origin.
        given().cookie(SESSION, "not-a-session").header("Sec-Fetch-Site", "cross-site").accept("text/event-stream")
                .get("/api/audits/a-1/events").then().statusCode(403);
        given().cookie(SESSION, "not-a-session").header("Origin", "https://evil.example").get("/api/lineage/models").then()
                .statusCode(403);
        try (RawRequest upload = RawRequest.withHeaders("POST", "/api/lineage/models",
                "Cookie: " + SESSION + "=not-a-session\r\nOrigin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n", 60_000)) {
            assertThat(upload.statusLine()).startsWith("HTTP/1.1 403");
            assertThat(upload.closedByServer()).isTrue();
        }
        StandInServices.lineage().verify(0, anyRequestedFor(anyUrl()));
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    /** From the console's own origin (or a user's own navigation, for a read) the session cookie goes on to authentication. */
    @Test
    void theConsolesOwnOriginGetsPastTheCrossSiteCheck() {
        given().cookie(SESSION, "not-a-session").header("Sec-Fetch-Site", "same-origin").contentType(ContentType.JSON).body("{}")
                .post("/api/audits").then().statusCode(401);
        // gateway.public-url in tests: https://console.test.example (behind an ingress, not the gateway's own host).
        given().cookie(SESSION, "not-a-session").header("Origin", "https://console.test.example").contentType(ContentType.JSON)
                .body("{}").post("/api/audits").then().statusCode(401);
        given().cookie(SESSION, "not-a-session").header("Sec-Fetch-Site", "none").get("/api/audits").then().statusCode(401);
        given().cookie(SESSION, "not-a-session").get("/api/audits").then().statusCode(401);
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    /**
     * Bearer tokens are no ambient credential: where a bearer call comes from is not asked. A session cookie beside the
     * token neither switches the call to the session nor escapes the check: only a browser sends it, and then the
     * browser's headers decide.
     */
    @Test
    void bearerCallsAreNotAskedWhereTheyComeFrom() {
        StandInServices.runner().stubFor(post(urlEqualTo("/api/audits"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody("{\"id\":\"a-1\"}")));
        String token = Callers.token("auditor");
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(202);
        given().auth().oauth2(token).header("Origin", "https://evil.example").header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(202);
        given().auth().oauth2(token).cookie(SESSION, "not-a-session").header("Sec-Fetch-Site", "same-origin")
                .contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(202);
        StandInServices.runner().verify(3, postRequestedFor(urlEqualTo("/api/audits"))
                .withHeader("Authorization", equalTo("Bearer " + token)));

        given().auth().oauth2(token).cookie(SESSION, "not-a-session").header("Origin", "https://evil.example")
                .header("Sec-Fetch-Site", "cross-site").contentType(ContentType.JSON).body("{}").post("/api/audits").then()
                .statusCode(403);
        StandInServices.runner().verify(3, postRequestedFor(urlEqualTo("/api/audits")));
    }

    /** Each route has its own limit: an audit request is a small document, an import may be large. */
    @Test
    void aBodyDeclaredOverItsRoutesLimitIsRefusedUnread() throws Exception {
        try (RawRequest audit = RawRequest.headersOnly("POST", "/api/audits", Callers.token("auditor"), 20_000)) {
            assertThat(audit.statusLine()).startsWith("HTTP/1.1 413");
            assertThat(audit.rest()).contains("this route's limit of 8192 bytes");
        }
        given().auth().oauth2(Callers.token("auditor")).contentType(ContentType.JSON).body("{\"pad\":\"" + "x".repeat(9_000) + "\"}")
                .post("/api/audits").then().statusCode(413).contentType("application/problem+json");
        StandInServices.lineage().stubFor(post(urlEqualTo("/api/lineage/models"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":\"m\"}")));
        given().auth().oauth2(Callers.token("auditor")).contentType(ContentType.JSON).body("{\"pad\":\"" + "x".repeat(20_000) + "\"}")
                .post("/api/lineage/models").then().statusCode(201);
        StandInServices.runner().verify(0, anyRequestedFor(anyUrl()));
    }

    /** Bodies in flight are capped (two in tests): a third upload is answered 503 at once, and a finished one frees its slot. */
    @Test
    void uploadsInFlightAreCapped() throws Exception {
        StandInServices.lineage().stubFor(post(urlEqualTo("/api/lineage/models"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":\"m\"}")));
        String token = Callers.token("auditor");
        try (RawRequest first = RawRequest.headersOnly("POST", "/api/lineage/models", token, 50_000);
                RawRequest second = RawRequest.headersOnly("POST", "/api/lineage/models", token, 50_000)) {
            first.awaitNoAnswer();
            second.awaitNoAnswer();
            try (RawRequest third = RawRequest.headersOnly("POST", "/api/lineage/models", token, 50_000)) {
                assertThat(third.statusLine()).startsWith("HTTP/1.1 503");
                assertThat(third.rest()).containsIgnoringCase("Retry-After: 1");
            }
            first.sendBody();
            assertThat(first.statusLine()).startsWith("HTTP/1.1 201");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> given().auth().oauth2(token)
                .contentType(ContentType.JSON).body("{}").post("/api/lineage/models").then().statusCode(201));
    }

    /** An HTTP/1.1 request written by hand: the headers, and the body only when the test says so. */
    private static final class RawRequest implements AutoCloseable {
        private final java.net.Socket socket;
        private final int length;
        private final java.io.BufferedReader reader;
        private String statusLine;

        private RawRequest(java.net.Socket socket, int length) throws java.io.IOException {
            this.socket = socket;
            this.length = length;
            this.reader = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        static RawRequest headersOnly(String method, String path, String token, int length) throws java.io.IOException {
            return withHeaders(method, path, token == null ? "" : "Authorization: Bearer " + token + "\r\n", length);
        }

        /** {@code extraHeaders}: whole header lines, each ending in CRLF. */
        static RawRequest withHeaders(String method, String path, String extraHeaders, int length) throws java.io.IOException {
            java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port);
            socket.setSoTimeout(5_000);
            String headers = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + extraHeaders + "Content-Length: " + length + "\r\n\r\n";
            socket.getOutputStream().write(headers.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new RawRequest(socket, length);
        }

        /** The answer's status line; a read timeout (5 s) fails the test: the gateway was waiting for the body. */
        String statusLine() throws java.io.IOException {
            if (statusLine == null) {
                statusLine = reader.readLine();
            }
            return statusLine;
        }

        /** Headers and body after the status line, until the server closes or goes quiet. */
        String rest() throws java.io.IOException {
            statusLine();
            StringBuilder rest = new StringBuilder();
            socket.setSoTimeout(1_000);
            try {
                for (int c; (c = reader.read()) >= 0;) {
                    rest.append((char) c);
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // keep-alive: the answer is complete
            }
            return rest.toString();
        }

        boolean closedByServer() throws java.io.IOException {
            rest();
            socket.setSoTimeout(5_000);
            try {
                return reader.read() < 0;
            } catch (java.net.SocketException reset) {
                return true;
            }
        }

        /** The gateway is reading this body: nothing comes back while it waits for the rest. */
        void awaitNoAnswer() throws java.io.IOException {
            socket.setSoTimeout(500);
            try {
                int read = reader.read();
                throw new AssertionError("the gateway answered before the body was sent: " + (char) read + reader.readLine());
            } catch (java.net.SocketTimeoutException waiting) {
                socket.setSoTimeout(5_000);
            }
        }

        void sendBody() throws java.io.IOException {
            String body = "{\"pad\":\"" + "x".repeat(length - 10) + "\"}";
            socket.getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern containing(String text) {
        return com.github.tomakehurst.wiremock.client.WireMock.containing(text);
    }
}
