package io.traittrace.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;


import io.traittrace.testsupport.EmbeddedKafkaBroker;
import io.traittrace.testsupport.EmbeddedPostgresServer;
import io.traittrace.testsupport.KeycloakServer;
import io.traittrace.testsupport.Ports;
import io.traittrace.testsupport.ServiceEnvironment;

/**
 * The whole of TraitTrace on this machine, started once for all e2e test classes: a PostgreSQL server per service
 * (restartable, data under {@code target/e2e/postgres}), the Kafka broker inside this JVM, the real Keycloak (realm
 * traittrace, demo users), and the four packaged services as child processes with bin/run-local's settings. The
 * runner runs audits as local probe processes and queues a small canary audit for every exposure (policy all).
 * Logs, keys and probe runs are under {@code target/e2e}. Stopped at the end of the test run, and by a shutdown hook if
 * the JVM ends first.
 *
 * <p>TEST USE ONLY: the signing key, the run-token key and the console secrets are made up per run.
 */
final class Stack implements AutoCloseable {

    /** Canary parameters the audits of these tests share: synthetic data, a strong effect, a few seconds per run. */
    static final String TINY_CANARY = """
            {"data": "synthetic", "auxLogits": 10, "syntheticTrain": 2000, "syntheticTest": 500, "batch": 200,
             "teacherEpochs": 3, "distillEpochs": 3}""";
    /** The one team image auditors may run in this stack (the load test's image audits name it). */
    static final String VETTED_IMAGE = "registry.example.com/e2e/probe@sha256:" + "e2".repeat(32);
    static final int POLICY_SEEDS = 3;
    /**
     * The smallest margin three canary seeds support at 80 % power (runner defaults: seed-to-seed SD 0.11, α 0.01; MDE
     * 0.569): the runner refuses a smaller one, and the stack's audits are about the plumbing, not the verdict.
     */
    static final double POLICY_MARGIN = 0.6;

    private final Path root = Path.of("").toAbsolutePath().getParent();
    private final Path dir = Path.of("target", "e2e").toAbsolutePath();
    private final Path publicKey = dir.resolve("keys/e2e-test-only.pub.pem");
    private Database lineageDb;
    private Database runnerDb;
    private Database reportDb;
    private EmbeddedKafkaBroker kafka;
    private KeycloakServer keycloak;
    private EventLog events;
    private ServiceProcess lineage;
    private ServiceProcess runner;
    private ServiceProcess report;
    private ServiceProcess gateway;
    private Api api;
    private final Thread shutdownHook = new Thread(this::killEverything, "e2e-stack-kill");
    private boolean closed;

    private Stack() {
    }

    static Stack start() {
        Stack stack = new Stack();
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try (var phase = Phases.start("stack: start everything")) {
            stack.startAll();
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void startAll() {
        deleteRecursively(dir);
        createDirectories(dir.resolve("logs"));
        int gatewayPort = free();
        String dist = System.getProperty(KeycloakServer.DIST_PROPERTY);
        if (dist == null) {
            throw new IllegalStateException("System property " + KeycloakServer.DIST_PROPERTY + " must name the unpacked Keycloak (e2e/pom.xml)");
        }
        // Keycloak starts in its own process while PostgreSQL and Kafka start here.
        CompletableFuture<KeycloakServer> keycloakStart = CompletableFuture.supplyAsync(() -> {
            try (var phase = Phases.start("stack: Keycloak")) {
                return KeycloakServer.start(Path.of(dist), free(), gatewayPort);
            }
        });
        try (var phase = Phases.start("stack: PostgreSQL x3")) {
            lineageDb = database("lineage");
            runnerDb = database("runner");
            reportDb = database("report");
        }
        try (var phase = Phases.start("stack: Kafka")) {
            kafka = EmbeddedKafkaBroker.start();
            events = new EventLog(kafka.bootstrapServers());
        }
        keycloak = keycloakStart.join();

        int lineagePort = free();
        int runnerPort = free();
        int reportPort = free();
        Map<String, String> env = environment(lineagePort, runnerPort, reportPort);
        lineage = service("lineage", "lineage-service", lineagePort, env);
        runner = service("runner", "audit-runner", runnerPort, env);
        report = service("report", "report-service", reportPort, env);
        gateway = service("gateway", "gateway", gatewayPort, env);
        try (var phase = Phases.start("stack: four services ready")) {
            List<ServiceProcess> all = List.of(lineage, runner, report, gateway);
            all.forEach(ServiceProcess::start);
            all.forEach(ServiceProcess::awaitReady);
        }
        api = new Api(gateway.url(), keycloak);
    }

    /** What bin/run-local exports to every service (LocalStack's variables and its own lines), with this run's ports. */
    private Map<String, String> environment(int lineagePort, int runnerPort, int reportPort) {
        ServiceEnvironment env = new ServiceEnvironment();
        for (Database db : List.of(lineageDb, runnerDb, reportDb)) {
            env.database(db.name(), db.server(), db.name());
        }
        return env.broker(kafka).realm(keycloak)
                .put("LINEAGE_URL", "http://localhost:" + lineagePort)
                .put("RUNNER_URL", "http://localhost:" + runnerPort)
                .put("REPORT_URL", "http://localhost:" + reportPort)
                .put("RUNNER_PROBE_COMMAND", root.resolve("bin/probe").toString())
                .put("RUNNER_WORK_DIR", dir.resolve("runs").toString())
                .put("RUNNER_POLICY", "all")
                .put("RUNNER_POLICY_SEEDS_PER_ARM", Integer.toString(POLICY_SEEDS))
                .put("RUNNER_POLICY_MARGIN", Double.toString(POLICY_MARGIN))
                .put("RUNNER_POLICY_PARAMETERS", TINY_CANARY.replace('\n', ' '))
                .put("RUNNER_IMAGE_AUDITS_ALLOWED_IMAGES", VETTED_IMAGE)
                .put("RUNNER_RUN_TOKEN_KEY", Base64.getEncoder().encodeToString(ServiceEnvironment.randomBytes(32)))
                .put("REPORT_KEYS_DIR", writeSigningKey().toString())
                .put("REPORT_PUBLIC_URL", "http://localhost:" + reportPort)
                // One demo client's tokens carry all load-test calls: the gateway's per-client limit must not be what is measured.
                .put("GATEWAY_RATE_LIMIT_REQUESTS_PER_SECOND", "100000")
                .put("GATEWAY_RATE_LIMIT_BURST", "100000")
                // Likewise the runner's caller quotas: the load test's 50 clients request audits as one auditor, and every student
                // it writes queues a policy audit (audit-runner's QuotaApiTest checks the quotas themselves).
                .put("RUNNER_QUOTAS_MAX_AUDITS_IN_FLIGHT", "100000")
                .put("RUNNER_QUOTAS_POLICY_MAX_AUDITS_IN_FLIGHT", "100000")
                .toMap();
    }

    private ServiceProcess service(String name, String module, int port, Map<String, String> env) {
        return new ServiceProcess(name, jar(module), port, env, dir.resolve("logs/" + name + ".log"));
    }

    private Path jar(String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private Database database(String name) {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.startIn(dir.resolve("postgres").resolve(name));
        return new Database(server.createDatabase(name), server);
    }

    /** TEST USE ONLY: an ECDSA P-256 pair made for this run, in the report service's key directory layout. */
    private Path writeSigningKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Path keys = createDirectories(publicKey.getParent());
            Files.writeString(keys.resolve("e2e-test-only.key.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    Api api() {
        return api;
    }

    EventLog events() {
        return events;
    }

    KeycloakServer keycloak() {
        return keycloak;
    }

    /** Where a browser opens the console: the gateway, whose origin the realm's console client redirects to. */
    String consoleUrl() {
        return gateway.url().toString().replaceAll("/$", "");
    }

    Database lineageDb() {
        return lineageDb;
    }

    Database runnerDb() {
        return runnerDb;
    }

    Database reportDb() {
        return reportDb;
    }

    EmbeddedKafkaBroker kafka() {
        return kafka;
    }

    ServiceProcess runner() {
        return runner;
    }

    ServiceProcess report() {
        return report;
    }

    /** The repository root (bin/, demo/, the modules). */
    Path root() {
        return root;
    }

    /** This run's working directory, {@code e2e/target/e2e}. */
    Path dir() {
        return dir;
    }

    /** The public half of the signing key this run's report service holds: what a verifier trusts. */
    Path publicKey() {
        return publicKey;
    }

    /** Stops the services gracefully, then the infrastructure. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (var phase = Phases.start("stack: stop everything")) {
            Stream.of(gateway, report, runner, lineage).filter(s -> s != null).forEach(ServiceProcess::stop);
            if (events != null) {
                events.close();
            }
            if (keycloak != null) {
                keycloak.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            Stream.of(lineageDb, runnerDb, reportDb).filter(db -> db != null).forEach(db -> db.server().close());
        }
        Phases.printSummary();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already in the hook's JVM shutdown
        }
    }

    /** The JVM is ending before close(): no child process may outlive it. */
    private void killEverything() {
        Stream.of(gateway, report, runner, lineage).filter(s -> s != null).forEach(ServiceProcess::killEverything);
        if (keycloak != null) {
            keycloak.close();
        }
    }

    private static int free() {
        try {
            return Ports.free();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
