package io.traittrace.testsupport;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The variables the four services read to find their infrastructure (the names k8s/ sets in a cluster), for embedded
 * PostgreSQL, Kafka and Keycloak: one builder for bin/run-local's {@link LocalStack} and the end-to-end tests.
 *
 * <p>LOCAL AND TEST USE ONLY: the console's state secret is made up per run.
 */
public final class ServiceEnvironment {

    private final Map<String, String> variables = new LinkedHashMap<>();

    /** {@code <SERVICE>_DB_URL}, {@code _JDBC_URL}, {@code _USER}, {@code _PASSWORD} of one service's database. */
    public ServiceEnvironment database(String service, EmbeddedPostgresServer server, String database) {
        String prefix = service.toUpperCase(Locale.ROOT) + "_DB_";
        variables.put(prefix + "URL", server.reactiveUrl(database));
        variables.put(prefix + "JDBC_URL", server.jdbcUrl(database));
        variables.put(prefix + "USER", EmbeddedPostgresServer.USER);
        variables.put(prefix + "PASSWORD", EmbeddedPostgresServer.PASSWORD);
        return this;
    }

    public ServiceEnvironment broker(EmbeddedKafkaBroker kafka) {
        variables.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        return this;
    }

    /** The realm's issuer and audience, the runner's and the console's client credentials, the console's URL. */
    public ServiceEnvironment realm(KeycloakServer keycloak) {
        variables.put("OIDC_AUTH_SERVER_URL", keycloak.issuer());
        variables.put("OIDC_AUDIENCE", "traittrace-api");
        variables.put("RUNNER_OIDC_CLIENT_ID", "audit-runner");
        variables.put("RUNNER_OIDC_CLIENT_SECRET", keycloak.clientSecret("audit-runner"));
        variables.put("CONSOLE_CLIENT_SECRET", keycloak.clientSecret(KeycloakServer.CONSOLE_CLIENT));
        variables.put("CONSOLE_STATE_SECRET", HexFormat.of().formatHex(randomBytes(32)));
        variables.put("CONSOLE_URL", keycloak.consoleUrl());
        return this;
    }

    public ServiceEnvironment put(String name, String value) {
        variables.put(name, value);
        return this;
    }

    /** The variables in the order they were set. */
    public Map<String, String> toMap() {
        return new LinkedHashMap<>(variables);
    }

    /** Fresh random bytes for a secret of this run only. */
    public static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
