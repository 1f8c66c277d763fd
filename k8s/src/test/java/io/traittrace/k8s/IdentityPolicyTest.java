package io.traittrace.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What of Keycloak the world reaches and the rules of the realm it logs into: only the realm's public pages are routed
 * (never the admin console or admin API), passwords have a policy, the console's redirect URIs are exact, and behind the
 * TLS ingress the console's redirects are https.
 */
class IdentityPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEYCLOAK_SERVICE = "keycloak-service";
    private static final String CONSOLE_URL = "${TRAITTRACE_CONSOLE_URL}";
    private static final Pattern MIN_LENGTH = Pattern.compile("(?:^|\\s)length\\((\\d+)\\)");

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void keycloakIsReachedFromOutsideOnlyOnTheRealmsPublicPages(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        List<HTTPIngressPath> toKeycloak = new ArrayList<>();
        for (Ingress ingress : rendered.all(Ingress.class)) {
            for (IngressRule rule : ingress.getSpec().getRules()) {
                rule.getHttp().getPaths().stream()
                        .filter(path -> KEYCLOAK_SERVICE.equals(path.getBackend().getService().getName()))
                        .forEach(toKeycloak::add);
            }
        }
        // The admin console and admin REST API, the administrators' realm, another realm, Keycloak's root (which
        // redirects to the admin console), its health and metrics.
        for (String internal : List.of("/admin/master/console/", "/admin/realms/traittrace/users", "/admin",
                "/realms/master/protocol/openid-connect/auth", "/realms/master/protocol/openid-connect/token",
                "/realms/traittrace-other/account", "/", "/health/ready", "/metrics")) {
            assertThat(toKeycloak).as(overlay + ": an ingress routes " + internal + " to Keycloak")
                    .noneMatch(path -> routes(path, internal));
        }
        if (!toKeycloak.isEmpty()) {
            // What the console's login needs, and nothing beside it.
            for (String login : List.of("/realms/traittrace/protocol/openid-connect/auth",
                    "/realms/traittrace/login-actions/authenticate", "/realms/traittrace/protocol/openid-connect/logout",
                    "/resources/abc12/login/keycloak.v2/css/styles.css")) {
                assertThat(toKeycloak).as(overlay + ": the login page needs " + login).anyMatch(path -> routes(path, login));
            }
            assertThat(toKeycloak).extracting(HTTPIngressPath::getPath)
                    .allSatisfy(path -> assertThat(path).matches("/realms/traittrace|/resources"));
        }
        // Nor does the operator make an ingress of its own, which would route all of Keycloak.
        JsonNode keycloak = rendered.tree("Keycloak", "keycloak").path("spec");
        assertThat(keycloak.path("ingress").path("enabled").asBoolean(true)).as("the Keycloak operator's own ingress")
                .isFalse();
        // The admin console is served where administrators reach it (a port-forward), not at the public login host.
        String publicHost = keycloak.path("hostname").path("hostname").asText();
        if (publicHost.startsWith("https://")) {
            assertThat(keycloak.path("hostname").path("admin").asText()).as(overlay + " admin console address")
                    .startsWith("http://localhost:");
        }
    }

    @Test
    void theRealmFileHasAPasswordPolicyAndExactRedirectUris() throws IOException {
        assertPasswordPolicyAndExactRedirects("keycloak/traittrace-realm.json", realmFile());
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void theRealmImportHasAPasswordPolicyAndExactRedirectUris(String overlay) {
        JsonNode realm = Rendered.of(overlay).tree("KeycloakRealmImport", "traittrace").path("spec").path("realm");
        assertPasswordPolicyAndExactRedirects(overlay + " KeycloakRealmImport", realm);
    }

    @Test
    void theRealmFileGivesOrganisationRolesByGroupOnly() throws IOException {
        assertOrganisationRolesByGroup("keycloak/traittrace-realm.json", realmFile());
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void theRealmImportGivesOrganisationRolesByGroupOnly(String overlay) {
        assertOrganisationRolesByGroup(overlay + " KeycloakRealmImport",
                Rendered.of(overlay).tree("KeycloakRealmImport", "traittrace").path("spec").path("realm"));
    }

    /**
     * Viewer, auditor and admin hold in one organisation, through the groups /organizations/ALIAS/ROLE: the realm defines
     * no realm roles of those names (they would read as granted everywhere), and the console's tokens carry the groups
     * with full paths in the claim the services read.
     */
    private static void assertOrganisationRolesByGroup(String what, JsonNode realm) {
        assertThat(realm.path("roles").path("realm")).extracting(role -> role.path("name").asText()).as(what + " realm roles")
                .doesNotContain("viewer", "auditor", "admin").contains("platform-admin", "internal-service");
        List<JsonNode> groupMappers = new ArrayList<>();
        consoleClient(realm).path("protocolMappers").forEach(mapper -> {
            if ("oidc-group-membership-mapper".equals(mapper.path("protocolMapper").asText())) {
                groupMappers.add(mapper.path("config"));
            }
        });
        assertThat(groupMappers).as(what + ": the console's group mapper").singleElement().satisfies(config -> {
            assertThat(config.path("claim.name").asText()).isEqualTo("organization_groups");
            assertThat(config.path("full.path").asText()).isEqualTo("true");
            assertThat(config.path("access.token.claim").asText()).isEqualTo("true");
        });
    }

    /** The demo users are imported with passwords: those must pass the realm's policy too, or the local run cannot start. */
    @Test
    void theDemoUsersPasswordsPassThePolicy() throws IOException {
        int minimum = minimumLength(realmFile().path("passwordPolicy").asText());
        JsonNode demo = JSON.readTree(Files.readString(Rendered.ROOT.resolve("keycloak/demo/demo-users.local-only.json")));
        assertThat(demo.path("users")).isNotEmpty();
        for (JsonNode user : demo.path("users")) {
            String password = user.path("credentials").path(0).path("value").asText();
            assertThat(password).as(user.path("username").asText()).hasSizeGreaterThanOrEqualTo(minimum)
                    .isNotEqualTo(user.path("username").asText()).isNotEqualTo(user.path("email").asText());
        }
    }

    /**
     * Quarkus builds the console's redirect and post-logout URIs from the scheme and host of the request it sees. Behind the
     * production ingress TLS has ended, so it sees http; the URIs must still be https, be the ones the realm registers
     * exactly, and come without the gateway trusting any caller's X-Forwarded-* headers.
     */
    @Test
    void productionConsoleRedirectsAreHttpsAndExactlyTheRegisteredOnes() throws IOException {
        Rendered production = Rendered.of("overlays/production");
        Map<String, String> gateway = production.configMap("gateway").getData();
        String gatewayHost = production.one(Ingress.class, "traittrace").getSpec().getRules().stream()
                .filter(rule -> rule.getHttp().getPaths().stream()
                        .anyMatch(path -> "gateway".equals(path.getBackend().getService().getName())))
                .map(IngressRule::getHost).findFirst().orElseThrow();
        assertThat(production.one(Ingress.class, "traittrace").getSpec().getTls())
                .anySatisfy(tls -> assertThat(tls.getHosts()).contains(gatewayHost));

        String seenByTheGateway = "http"; // TLS ends at the ingress
        boolean forceHttps = Boolean.parseBoolean(property(gateway,
                "quarkus.oidc.console.authentication.force-redirect-https-scheme").orElse("false"));
        String scheme = forceHttps ? "https" : seenByTheGateway;
        ServiceProperties properties = ServiceProperties.of("gateway");
        String redirectUri = scheme + "://" + gatewayHost
                + properties.get("quarkus.oidc.console.authentication.redirect-path");
        String postLogoutUri = scheme + "://" + gatewayHost + properties.get("quarkus.oidc.console.logout.post-logout-path");

        assertThat(redirectUri).as("the console's OIDC redirect URI in production").startsWith("https://");
        assertThat(postLogoutUri).startsWith("https://");
        // The realm registers them under the console URL users open: https:// and the gateway's ingress host.
        JsonNode console = consoleClient(realmFile());
        String consoleUrl = "https://" + gatewayHost;
        assertThat(console.path("redirectUris")).extracting(JsonNode::asText)
                .containsExactly(redirectUri.replace(consoleUrl, CONSOLE_URL));
        assertThat(console.path("attributes").path("post.logout.redirect.uris").asText())
                .isEqualTo(postLogoutUri.replace(consoleUrl, CONSOLE_URL));

        // Forwarded headers stay the gateway's own business (ClientAddresses, behind gateway.trusted-proxies).
        for (String overlay : Rendered.OVERLAYS) {
            Map<String, String> env = Rendered.of(overlay).configMap("gateway").getData();
            assertThat(property(env, "quarkus.http.proxy.proxy-address-forwarding")).as(overlay).isEmpty();
            assertThat(property(env, "quarkus.http.proxy.allow-x-forwarded")).as(overlay).isEmpty();
            assertThat(property(env, "quarkus.http.proxy.allow-forwarded")).as(overlay).isEmpty();
        }
        assertThat(properties.values()).doesNotContainKeys("quarkus.http.proxy.proxy-address-forwarding",
                "quarkus.http.proxy.allow-x-forwarded", "quarkus.http.proxy.allow-forwarded");
        // A dev cluster is opened over http (kubectl port-forward): no https there.
        assertThat(property(Rendered.of("overlays/dev").configMap("gateway").getData(),
                "quarkus.oidc.console.authentication.force-redirect-https-scheme")).isEmpty();
    }

    private static void assertPasswordPolicyAndExactRedirects(String what, JsonNode realm) {
        String policy = realm.path("passwordPolicy").asText();
        assertThat(policy).as(what + " passwordPolicy").isNotBlank();
        assertThat(minimumLength(policy)).as(what + " minimum password length").isGreaterThanOrEqualTo(12);
        assertThat(policy).as(what + " passwordPolicy").contains("notUsername").contains("passwordHistory(");
        for (JsonNode client : realm.path("clients")) {
            String id = client.path("clientId").asText();
            assertThat(client.path("redirectUris")).as(what + " " + id + " redirectUris")
                    .allSatisfy(uri -> assertThat(uri.asText()).doesNotContain("*").isNotEqualTo("+"));
            assertThat(client.path("attributes").path("post.logout.redirect.uris").asText())
                    .as(what + " " + id + " post.logout.redirect.uris").doesNotContain("*");
            if (client.path("standardFlowEnabled").asBoolean(true) && !client.path("bearerOnly").asBoolean(false)) {
                assertThat(client.path("redirectUris")).as(what + " " + id + ": a code-flow client lists its redirect URIs")
                        .isNotEmpty();
            }
        }
        JsonNode console = consoleClient(realm);
        assertThat(console.path("redirectUris")).extracting(JsonNode::asText)
                .allSatisfy(uri -> assertThat(uri).startsWith(CONSOLE_URL + "/").doesNotEndWith("/"));
        assertThat(console.path("attributes").path("post.logout.redirect.uris").asText())
                .startsWith(CONSOLE_URL + "/").doesNotContain("##");
    }

    private static JsonNode consoleClient(JsonNode realm) {
        for (JsonNode client : realm.path("clients")) {
            if ("traittrace-console".equals(client.path("clientId").asText())) {
                return client;
            }
        }
        throw new AssertionError("the realm has no client traittrace-console");
    }

    private static int minimumLength(String policy) {
        Matcher length = MIN_LENGTH.matcher(policy);
        assertThat(length.find()).as("passwordPolicy '" + policy + "' sets a length").isTrue();
        return Integer.parseInt(length.group(1));
    }

    private static JsonNode realmFile() throws IOException {
        return JSON.readTree(Files.readString(Rendered.ROOT.resolve(Path.of("keycloak", "traittrace-realm.json"))));
    }

    /** A Quarkus property as an environment variable of a ConfigMap sets it (dots and dashes become underscores). */
    private static Optional<String> property(Map<String, String> env, String property) {
        return Optional.ofNullable(env.get(property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
    }

    /** Whether an ingress path sends a request for {@code requestPath} to its backend (Kubernetes' path matching). */
    static boolean routes(HTTPIngressPath path, String requestPath) {
        String prefix = path.getPath() == null ? "/" : path.getPath();
        if ("Exact".equals(path.getPathType())) {
            return prefix.equals(requestPath);
        }
        // Prefix (and ImplementationSpecific, read as the wider Prefix): element-wise, a trailing slash ignored.
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return trimmed.isEmpty() || requestPath.equals(trimmed) || requestPath.startsWith(trimmed + "/");
    }
}
