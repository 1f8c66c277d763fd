package io.traittrace.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.smallrye.jwt.build.Jwt;

/**
 * The embedded infrastructure of a local run: a real PostgreSQL (one database per service: lineage, runner,
 * report), a real Kafka
 * broker and the OIDC test server standing in for Keycloak. Writes the settings the services need to
 * {@code <dir>/env} and demo bearer tokens to {@code <dir>/token-<role>}, then runs until killed.
 *
 * <p>LOCAL USE ONLY: the OIDC test server signs with a key published inside its own jar, so the demo tokens
 * it mints prove nothing. Never point a deployed service at it.
 */
public final class LocalStack {

    static final String ISSUER = "https://server.example.com";
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
        OidcWiremockTestResource oidc = new OidcWiremockTestResource();
        String keycloakUrl = oidc.start().get("keycloak.url");

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
        // The runner's client-credentials login: the client the OIDC test server knows (local use only).
        env.put("RUNNER_OIDC_CLIENT_ID", "quarkus-service-app");
        env.put("RUNNER_OIDC_CLIENT_SECRET", "secret");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("OIDC_AUTH_SERVER_URL", keycloakUrl + "/realms/quarkus/");
        env.put("OIDC_AUDIENCE", ISSUER);
        StringBuilder lines = new StringBuilder();
        env.forEach((k, v) -> lines.append("export ").append(k).append("='").append(v).append("'\n"));
        for (String role : ROLES) {
            Files.writeString(dir.resolve("token-" + role), demoToken(role));
        }
        Files.writeString(dir.resolve("env"), lines.toString());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            oidc.stop();
            kafka.close();
            postgres.close();
            stopped.countDown();
        }));
        System.out.println("Local stack ready: PostgreSQL on " + postgres.port() + ", Kafka on " + kafka.bootstrapServers()
                + ", OIDC at " + keycloakUrl + "; settings in " + dir.resolve("env"));
        stopped.await();
    }

    /** A demo token for one role, valid for a working day. Signed with the test server's published key. */
    static String demoToken(String role) throws IOException {
        return Jwt.preferredUserName("demo-" + role)
                .groups(Set.of(role))
                .issuer(ISSUER)
                .audience(ISSUER)
                .expiresIn(Duration.ofHours(8))
                .jws().keyId("1")
                .sign("privateKey.jwk");
    }
}
