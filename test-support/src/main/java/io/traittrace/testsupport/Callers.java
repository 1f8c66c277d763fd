package io.traittrace.testsupport;

import static io.restassured.RestAssured.given;

import java.util.Set;
import java.util.UUID;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

/** API tests call a service as a user with one realm role; every service's tests use the same tokens and ids. */
public final class Callers {

    private Callers() {
    }

    /** A bearer token from the OIDC test server for user "user-ROLE" holding ROLE. */
    public static String token(String role) {
        return OidcWiremockTestResource.getAccessToken("user-" + role, Set.of(role));
    }

    /**
     * A bearer token for a caller of its own (subject and user name {@code subject}) holding {@code role}; the test
     * server's own tokens all share one subject.
     */
    public static String token(String subject, String role) {
        return Jwt.preferredUserName(subject).subject(subject).groups(Set.of(role))
                .issuer("https://server.example.com").audience("https://server.example.com")
                .jws().keyId("1").sign("privateKey.jwk");
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
