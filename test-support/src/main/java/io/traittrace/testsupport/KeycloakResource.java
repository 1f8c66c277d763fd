package io.traittrace.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: the JVM's real Keycloak ({@link KeycloakServer#shared()}), wired into the gateway's two
 * OIDC tenants (bearer tokens by default, the console's code flow as tenant {@code console}). The application
 * under test listens on the port whose console redirect URIs the realm was imported with. Tests ask
 * {@link KeycloakServer#shared()} for tokens. The server outlives this resource so that the next test class need
 * not wait for it again.
 */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    /** Encrypts the console's state cookie (PKCE verifier); test fixture only, at least 32 characters. */
    private static final String TEST_STATE_SECRET = "test-only-console-state-secret-0123456789";

    @Override
    public Map<String, String> start() {
        KeycloakServer server = KeycloakServer.shared();
        return Map.of(
                "quarkus.oidc.auth-server-url", server.issuer(),
                "quarkus.oidc.token.audience", "traittrace-api",
                "quarkus.oidc.console.auth-server-url", server.issuer(),
                "quarkus.oidc.console.client-id", KeycloakServer.CONSOLE_CLIENT,
                "quarkus.oidc.console.credentials.secret", server.clientSecret(KeycloakServer.CONSOLE_CLIENT),
                "quarkus.oidc.console.token.audience", "traittrace-api",
                "quarkus.oidc.console.authentication.state-secret", TEST_STATE_SECRET,
                "gateway.public-url", server.consoleUrl(),
                "quarkus.http.test-port", Integer.toString(server.consolePort()));
    }

    @Override
    public void stop() {
        // The server is shared by the JVM's test classes and stopped by its shutdown hook.
    }
}
