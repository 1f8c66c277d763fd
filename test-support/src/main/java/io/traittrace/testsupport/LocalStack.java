package io.traittrace.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;


/**
 * The embedded infrastructure of a local run: a real PostgreSQL (one database per service: lineage, runner,
 * report), a real Kafka broker and a real Keycloak (the distribution named by {@value KeycloakServer#DIST_PROPERTY},
 * realm {@code traittrace} on port 8180 with the demo users). Writes the settings the services and the gateway
 * need to {@code <dir>/env}, then runs until killed.
 *
 * <p>LOCAL USE ONLY: the client secrets are made up per run, but the demo users' passwords are published in
 * {@code keycloak/demo/}. Never point a deployed service at this Keycloak.
 */
public final class LocalStack {

    static final String[] ROLES = { "viewer", "auditor", "admin" };

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/local");
        Files.createDirectories(dir);

        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        String lineageDb = postgres.createDatabase("lineage");
        String runnerDb = postgres.createDatabase("runner");
        String reportDb = postgres.createDatabase("report");
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
        int keycloakPort = Integer.parseInt(System.getProperty("traittrace.local.keycloak-port", "8180"));
        int gatewayPort = Integer.parseInt(System.getProperty("traittrace.local.gateway-port", "8080"));
        KeycloakServer keycloak = KeycloakServer.start(Path.of(System.getProperty(KeycloakServer.DIST_PROPERTY)),
                keycloakPort, gatewayPort);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("LINEAGE_DB_URL", postgres.reactiveUrl(lineageDb));
        env.put("LINEAGE_DB_JDBC_URL", postgres.jdbcUrl(lineageDb));
        env.put("LINEAGE_DB_USER", EmbeddedPostgresServer.USER);
        env.put("LINEAGE_DB_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        env.put("RUNNER_DB_URL", postgres.reactiveUrl(runnerDb));
        env.put("RUNNER_DB_JDBC_URL", postgres.jdbcUrl(runnerDb));
        env.put("RUNNER_DB_USER", EmbeddedPostgresServer.USER);
        env.put("RUNNER_DB_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        env.put("REPORT_DB_URL", postgres.reactiveUrl(reportDb));
        env.put("REPORT_DB_JDBC_URL", postgres.jdbcUrl(reportDb));
        env.put("REPORT_DB_USER", EmbeddedPostgresServer.USER);
        env.put("REPORT_DB_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("OIDC_AUTH_SERVER_URL", keycloak.issuer());
        env.put("OIDC_AUDIENCE", "traittrace-api");
        env.put("RUNNER_OIDC_CLIENT_ID", "audit-runner");
        env.put("RUNNER_OIDC_CLIENT_SECRET", keycloak.clientSecret("audit-runner"));
        env.put("CONSOLE_CLIENT_SECRET", keycloak.clientSecret(KeycloakServer.CONSOLE_CLIENT));
        env.put("CONSOLE_STATE_SECRET", randomSecret());
        env.put("KEYCLOAK_TOKEN_URL", keycloak.issuer() + "/protocol/openid-connect/token");
        env.put("KEYCLOAK_DEMO_CLIENT", KeycloakServer.DEMO_CLIENT);
        for (String role : ROLES) {
            env.put("DEMO_PASSWORD_" + role.toUpperCase(java.util.Locale.ROOT), keycloak.demoPassword(role));
        }
        StringBuilder lines = new StringBuilder();
        env.forEach((k, v) -> lines.append("export ").append(k).append("='").append(v).append("'\n"));
        Files.writeString(dir.resolve("env"), lines.toString());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            keycloak.close();
            kafka.close();
            postgres.close();
            stopped.countDown();
        }));
        System.out.println("Local stack ready: PostgreSQL on " + postgres.port() + ", Kafka on " + kafka.bootstrapServers()
                + ", Keycloak at " + keycloak.issuer() + "; settings in " + dir.resolve("env"));
        stopped.await();
    }

    /** A fresh secret for this run only. */
    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
