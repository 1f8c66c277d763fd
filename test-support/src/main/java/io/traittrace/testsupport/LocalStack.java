package io.traittrace.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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

    /** The demo users of keycloak/demo: acme's, globex's, a consultant in both, and the platform admin. */
    static final String[] DEMO_USERS = { "viewer", "auditor", "admin", "globex-viewer", "globex-auditor", "globex-admin",
            "consultant", "platform-admin" };

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

        ServiceEnvironment env = new ServiceEnvironment().database("lineage", postgres, lineageDb).database("runner", postgres, runnerDb)
                .database("report", postgres, reportDb).broker(kafka).realm(keycloak)
                .put("KEYCLOAK_TOKEN_URL", keycloak.issuer() + "/protocol/openid-connect/token")
                .put("KEYCLOAK_DEMO_CLIENT", KeycloakServer.DEMO_CLIENT);
        for (String user : DEMO_USERS) {
            env.put("DEMO_PASSWORD_" + user.toUpperCase(Locale.ROOT).replace('-', '_'), keycloak.demoPassword(user));
        }
        StringBuilder lines = new StringBuilder();
        env.toMap().forEach((k, v) -> lines.append("export ").append(k).append("='").append(v).append("'\n"));
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
}
