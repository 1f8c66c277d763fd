package io.traittrace.testsupport;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Roles;

/**
 * API tests call a service as a user with one role in one organisation; every service's tests use the same tokens and
 * ids. Tokens carry the organisation and group claims the way the realm's mappers write them.
 */
public final class Callers {

    /** The organisation the plain tokens are members of. */
    public static final String ORGANIZATION = "acme";
    /** A second organisation, for isolation tests. */
    public static final String OTHER_ORGANIZATION = "globex";

    /** The group that makes its members admins of {@link #ORGANIZATION}. */
    private static final String ADMIN_GROUP = "/" + Organizations.GROUP_ROOT + "/" + ORGANIZATION + "/" + Roles.ADMIN;

    /** The OIDC test server's issuer, which it also uses as the audience of its tokens. */
    private static final String ISSUER = "https://server.example.com";

    private Callers() {
    }

    /** A bearer token from the OIDC test server for user "user-ROLE" holding ROLE in {@link #ORGANIZATION}. */
    public static String token(String role) {
        return token("user-" + role, role);
    }

    /** A bearer token for a caller of its own (subject and user name {@code subject}) holding {@code role} in {@link #ORGANIZATION}. */
    public static String token(String subject, String role) {
        return token(subject, Set.of(role), List.of(ORGANIZATION));
    }

    /**
     * A bearer token for {@code subject} holding {@code roles} in each of {@code organizations} (none: a caller in no
     * organisation, such as a service account). Organisation roles (viewer, auditor, admin) become the caller's groups
     * in each organisation; the others are realm (platform) roles.
     */
    public static String token(String subject, Set<String> roles, List<String> organizations) {
        Set<String> organizationRoles = new TreeSet<>(roles);
        organizationRoles.retainAll(Roles.ORGANIZATION_ROLES);
        Set<String> platformRoles = new TreeSet<>(roles);
        platformRoles.removeAll(Roles.ORGANIZATION_ROLES);
        Map<String, Set<String>> byOrganization = new LinkedHashMap<>();
        organizations.forEach(organization -> byOrganization.put(organization, organizationRoles));
        return token(subject, platformRoles, byOrganization);
    }

    /**
     * A bearer token for {@code subject}, a member of each key of {@code rolesByOrganization} holding its roles there,
     * and holding {@code realmRoles} as realm roles: the claims Keycloak writes for a user in organisations and in their
     * role groups ({@code /organizations/ALIAS/ROLE}).
     */
    public static String token(String subject, Set<String> realmRoles, Map<String, Set<String>> rolesByOrganization) {
        var claims = Jwt.preferredUserName(subject).subject(subject).groups(realmRoles).issuer(ISSUER).audience(ISSUER);
        if (!rolesByOrganization.isEmpty()) {
            claims.claim(Organizations.CLAIM, List.copyOf(rolesByOrganization.keySet()));
            List<String> groups = new ArrayList<>();
            rolesByOrganization.forEach((organization, roles) -> roles.forEach(role ->
                    groups.add("/" + Organizations.GROUP_ROOT + "/" + organization + "/" + role)));
            claims.claim(Organizations.GROUPS_CLAIM, groups);
        }
        return claims.jws().keyId("1").sign("privateKey.jwk");
    }

    /**
     * Tokens every API must refuse with 401, by what is wrong with them: expired, another issuer, another audience,
     * and a valid viewer token whose claims were edited to say admin (the signature no longer fits).
     */
    public static Map<String, String> invalidTokens() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", Jwt.preferredUserName("old").claim(Organizations.CLAIM, List.of(ORGANIZATION))
                .claim(Organizations.GROUPS_CLAIM, List.of(ADMIN_GROUP)).issuer(ISSUER).audience(ISSUER)
                .issuedAt(1_000_000L).expiresAt(1_000_060L).jws().keyId("1").sign("privateKey.jwk"));
        tokens.put("wrong issuer", Jwt.preferredUserName("iss").claim(Organizations.CLAIM, List.of(ORGANIZATION))
                .claim(Organizations.GROUPS_CLAIM, List.of(ADMIN_GROUP))
                .issuer("https://evil.example.com").audience(ISSUER).jws().keyId("1").sign("privateKey.jwk"));
        tokens.put("wrong audience", Jwt.preferredUserName("aud").claim(Organizations.CLAIM, List.of(ORGANIZATION))
                .claim(Organizations.GROUPS_CLAIM, List.of(ADMIN_GROUP)).issuer(ISSUER)
                .audience("some-other-api").jws().keyId("1").sign("privateKey.jwk"));
        String[] valid = token("viewer").split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(valid[1]), StandardCharsets.UTF_8)
                .replace("/viewer\"", "/admin\"");
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
