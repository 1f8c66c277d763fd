package io.traittrace.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.Ports;

/**
 * The gateway's added cost when it has a core of its own, as it does on a cluster: this process (load generator,
 * token-validating service, OIDC test server) runs pinned to CPU 0 by the launcher, the packaged gateway is started
 * pinned to CPU 1 ({@code taskset}). Run: {@code ./mvnw -B -pl test-support,gateway -am verify -Pbenchmark-pinned}.
 */
public final class PinnedGatewayBenchmark {

    private PinnedGatewayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar");
        OidcWiremockTestResource oidc = new OidcWiremockTestResource();
        String keycloakUrl = oidc.start().get("keycloak.url");
        VerifyingUpstream upstream = new VerifyingUpstream();
        String service = upstream.start().get("gateway.lineage.url");
        int gatewayPort = Ports.free();

        ProcessBuilder gateway = new ProcessBuilder("taskset", "-c", "1", "java", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(Files.createTempFile("gateway-bench", ".log").toFile());
        Map<String, String> env = gateway.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(gatewayPort));
        env.put("LINEAGE_URL", service);
        env.put("RUNNER_URL", service);
        env.put("REPORT_URL", service);
        env.put("OIDC_AUTH_SERVER_URL", keycloakUrl + "/realms/quarkus/");
        env.put("OIDC_AUDIENCE", "https://server.example.com");
        // Benchmark-only settings: the console tenant must be configured to start; nothing logs in through it.
        env.put("CONSOLE_CLIENT_ID", "quarkus-web-app");
        env.put("CONSOLE_CLIENT_SECRET", "benchmark-only-console-secret-000000000000");
        env.put("CONSOLE_STATE_SECRET", "benchmark-only-state-secret-0000000000000000");
        env.put("GATEWAY_RATE_LIMIT_REQUESTS_PER_SECOND", "1000000000");
        env.put("GATEWAY_RATE_LIMIT_BURST", "1000000");
        Process process = gateway.start();
        try {
            awaitReady(gatewayPort);
            new ProxyComparison(URI.create(service + "/api/lineage/models?q=teacher"),
                    URI.create("http://localhost:" + gatewayPort + "/api/lineage/models?q=teacher"),
                    Callers.token("bench-user", "viewer"))
                    .run("Gateway benchmark, gateway pinned to CPU 1, load generator and service to CPU 0",
                            VerifyingUpstream.BODY);
        } finally {
            process.destroy();
            process.waitFor();
            upstream.stop();
            oidc.stop();
        }
    }

    private static void awaitReady(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://localhost:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the gateway did not become ready on port " + port);
    }
}
