package io.traittrace.testsupport;

import static io.restassured.RestAssured.given;

import java.util.Set;
import java.util.UUID;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** API tests call a service as a user with one realm role; every service's tests use the same tokens and ids. */
public final class Callers {

    private Callers() {
    }

    /** A bearer token from the OIDC test server for user "user-ROLE" holding ROLE. */
    public static String token(String role) {
        return OidcWiremockTestResource.getAccessToken("user-" + role, Set.of(role));
    }

    /** A JSON request as that user. */
    public static RequestSpecification as(String role) {
        return given().auth().oauth2(token(role)).contentType(ContentType.JSON);
    }

    /** A unique id per test run, so test classes sharing one database never collide. */
    public static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
