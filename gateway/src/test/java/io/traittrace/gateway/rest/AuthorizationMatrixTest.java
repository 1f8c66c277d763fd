package io.traittrace.gateway.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.traittrace.gateway.StandInServices;
import io.traittrace.testsupport.Callers;

/**
 * Every routed API × every kind of caller: 401 for a missing or invalid token, 403 for a role the route does not
 * allow, and forwarded (the stand-in's 200) otherwise — public routes for everyone. The same matrix holds at each
 * service (their SecurityApiTest); here it is the gateway that must refuse before anything is forwarded.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(StandInServices.class)
class AuthorizationMatrixTest {

    private static final Set<String> READERS = Set.of("viewer", "auditor", "admin");
    private static final Set<String> WRITERS = Set.of("auditor", "admin");
    private static final Set<String> ADMINS = Set.of("admin");
    private static final Set<String> CERTIFICATE_READERS = Set.of("viewer", "auditor", "admin", "registry-publisher");
    private static final Set<String> VALID_CALLERS = Set.of("viewer", "auditor", "admin", "registry-publisher", "platform-admin");

    /** Lineage routes also let a platform admin act for the public catalogue (the lineage service checks that it does). */
    private static final Set<String> CATALOGUE_READERS = Set.of("viewer", "auditor", "admin", "platform-admin");
    private static final Set<String> CATALOGUE_WRITERS = Set.of("auditor", "admin", "platform-admin");
    private static final Set<String> CATALOGUE_ADMINS = Set.of("admin", "platform-admin");

    /** The designed access of each route: method, an example path, who may call it (empty = public). */
    private static final List<Object[]> ROUTES = List.of(
            new Object[] { "GET", "/api/keys", Set.of() },
            new Object[] { "GET", "/api/revocations", Set.of() },
            new Object[] { "POST", "/api/certificates/verify", Set.of() },
            new Object[] { "GET", "/api/certificates", CERTIFICATE_READERS },
            new Object[] { "GET", "/api/certificates/c-1", CERTIFICATE_READERS },
            new Object[] { "GET", "/api/certificates/c-1/statement", CERTIFICATE_READERS },
            new Object[] { "GET", "/api/certificates/c-1/model-card", CERTIFICATE_READERS },
            new Object[] { "POST", "/api/certificates/c-1/model-card/readme", CERTIFICATE_READERS },
            new Object[] { "POST", "/api/certificates/c-1/revoke", ADMINS },
            new Object[] { "GET", "/api/lineage/models", CATALOGUE_READERS },
            new Object[] { "POST", "/api/lineage/models", CATALOGUE_WRITERS },
            new Object[] { "GET", "/api/lineage/models/m-1", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/models/m-1/family", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/models/m-1/ancestors", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/models/m-1/descendants", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/models/m-1/exposure", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/models/m-1/training-runs", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/datasets", CATALOGUE_READERS },
            new Object[] { "POST", "/api/lineage/datasets", CATALOGUE_WRITERS },
            new Object[] { "GET", "/api/lineage/datasets/d-1", CATALOGUE_READERS },
            new Object[] { "POST", "/api/lineage/training-runs", CATALOGUE_WRITERS },
            new Object[] { "GET", "/api/lineage/training-runs/r-1", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/exposures", CATALOGUE_READERS },
            new Object[] { "POST", "/api/lineage/import", CATALOGUE_WRITERS },
            new Object[] { "POST", "/api/lineage/openlineage", CATALOGUE_WRITERS },
            new Object[] { "POST", "/api/lineage/model-cards", CATALOGUE_WRITERS },
            new Object[] { "POST", "/api/lineage/assertions/shared-init", CATALOGUE_WRITERS },
            new Object[] { "GET", "/api/lineage/assertions/shared-init", CATALOGUE_READERS },
            new Object[] { "GET", "/api/lineage/assertions/shared-init/s-1", CATALOGUE_READERS },
            new Object[] { "DELETE", "/api/lineage/assertions/shared-init/s-1", CATALOGUE_ADMINS },
            new Object[] { "GET", "/api/audits", READERS },
            new Object[] { "POST", "/api/audits", WRITERS },
            new Object[] { "GET", "/api/audits/a-1", READERS },
            new Object[] { "GET", "/api/audits/a-1/events", READERS },
            new Object[] { "POST", "/api/audits/a-1/cancel", WRITERS },
            new Object[] { "GET", "/api/organizations/acme/quota", Set.of("platform-admin", "admin") },
            new Object[] { "PUT", "/api/organizations/acme/quota", Set.of("platform-admin") });

    /** Callers with a valid token hold exactly one realm role; the others are turned away before any role check. */
    private static final List<String> CALLERS = List.of("no token", "expired", "wrong issuer", "wrong audience",
            "forged signature", "registry-publisher", "viewer", "auditor", "admin", "platform-admin");

    @BeforeEach
    void everyServiceAnswers200() {
        StandInServices.reset();
        for (var service : List.of(StandInServices.lineage(), StandInServices.runner(), StandInServices.report())) {
            service.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody("{}")));
        }
    }

    static Stream<Arguments> matrix() {
        return ROUTES.stream().flatMap(route -> CALLERS.stream().map(caller -> {
            @SuppressWarnings("unchecked")
            Set<String> allowed = (Set<String>) route[2];
            int expected = allowed.isEmpty() ? 200
                    : !VALID_CALLERS.contains(caller) ? 401
                    : allowed.contains(caller) ? 200 : 403;
            return Arguments.of(route[0], route[1], caller, expected);
        }));
    }

    @ParameterizedTest(name = "{0} {1} as {2} → {3}")
    @MethodSource("matrix")
    void accessIsExactlyAsDesigned(String method, String path, String caller, int expected) {
        var response = request(caller).request(method, path).then().statusCode(expected);
        if (expected != 200) {
            response.contentType("application/problem+json");
            int forwarded = StandInServices.lineage().getAllServeEvents().size()
                    + StandInServices.runner().getAllServeEvents().size()
                    + StandInServices.report().getAllServeEvents().size();
            org.assertj.core.api.Assertions.assertThat(forwarded).as("requests forwarded").isZero();
        }
        if (expected == 401) {
            response.header("WWW-Authenticate", "Bearer");
        }
    }

    private static RequestSpecification request(String caller) {
        RequestSpecification spec = given().contentType(ContentType.JSON).body("{}");
        String token = token(caller);
        return token == null ? spec : spec.auth().oauth2(token);
    }

    private static String token(String caller) {
        if ("no token".equals(caller)) {
            return null;
        }
        if ("platform-admin".equals(caller)) {
            // A platform admin is a member of no organisation.
            return Callers.token(caller, Set.of(caller), java.util.List.of());
        }
        return Callers.invalidTokens().getOrDefault(caller, Callers.token(caller));
    }
}
