package io.traittrace.testsupport;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

/**
 * API tests call a service as a user with one realm role in one organisation; every service's tests use the same
 * tokens and ids. Tokens carry the organisation claim the way Keycloak's organization membership mapper writes it.
 */
public final class Callers {

    /** The organisation the plain tokens are members of. */
    public static final String ORGANIZATION = "acme";
    /** A second organisation, for isolation tests. */
    public static final String OTHER_ORGANIZATION = "globex";

    /** The OIDC test server's issuer, which it also uses as the audience of its tokens. */
    private static final String ISSUER = "https://server.example.com";

    /** Keycloak's organization claim (service-support's {@code Organizations.CLAIM}; test-support does not depend on it). */
    private static final String ORGANIZATION_CLAIM = "organization";

    private Callers() {
    }

    /** A bearer token from the OIDC test server for user "user-ROLE" holding ROLE, a member of {@link #ORGANIZATION}. */
    public static String token(String role) {
        return token("user-" + role, role);
    }

    /** A bearer token for a caller of its own (subject and user name {@code subject}) holding {@code role} in {@link #ORGANIZATION}. */
    public static String token(String subject, String role) {
        return token(subject, Set.of(role), List.of(ORGANIZATION));
    }

    /**
     * A bearer token for {@code subject} holding {@code roles}, a member of {@code organizations} (none: a caller in no
     * organisation, such as a service account).
     */
    public static String token(String subject, Set<String> roles, List<String> organizations) {
        var claims = Jwt.preferredUserName(subject).subject(subject).groups(roles).issuer(ISSUER).audience(ISSUER);
        if (!organizations.isEmpty()) {
            claims.claim(ORGANIZATION_CLAIM, organizations);
        }
        return claims.jws().keyId("1").sign("privateKey.jwk");
    }

    /**
     * Tokens every API must refuse with 401, by what is wrong with them: expired, another issuer, another audience,
     * and a valid viewer token whose claims were edited to say admin (the signature no longer fits).
     */
    public static Map<String, String> invalidTokens() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", Jwt.preferredUserName("old").groups(Set.of("admin")).issuer(ISSUER).audience(ISSUER)
                .issuedAt(1_000_000L).expiresAt(1_000_060L).jws().keyId("1").sign("privateKey.jwk"));
        tokens.put("wrong issuer", Jwt.preferredUserName("iss").groups(Set.of("admin"))
                .issuer("https://evil.example.com").audience(ISSUER).jws().keyId("1").sign("privateKey.jwk"));
        tokens.put("wrong audience", Jwt.preferredUserName("aud").groups(Set.of("admin")).issuer(ISSUER)
                .audience("some-other-api").jws().keyId("1").sign("privateKey.jwk"));
        String[] valid = token("viewer").split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(valid[1]), StandardCharsets.UTF_8)
                .replace("\"viewer\"", "\"admin\"");
        tokens.put("forged signature", valid[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + valid[2]);
        return tokens;
    }

    /** A JSON request as that user. */
    public static RequestSpecification as(String role) {
        return given().auth().oauth2(token(role)).contentType(ContentType.JSON);
    }

    /** A JSON request as user "ORGANIZATION-ROLE" holding ROLE, a member of {@code organization} only. */
    public static RequestSpecification as(String role, String organization) {
        return given().auth().oauth2(token(organization + "-" + role, Set.of(role), List.of(organization)))
                .contentType(ContentType.JSON);
    }

    /** A unique id per test run, so test classes sharing one database never collide. */
    public static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
