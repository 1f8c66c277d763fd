package io.traittrace.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.Callers;

/**
 * The gateway's added cost: the same call (a token-validating service answering a small JSON page) made directly
 * and through the gateway, in one process, alternating rounds so that drift hits both alike. Latency is measured
 * one call at a time (p50, p99), throughput with {@code bench.concurrency} callers for {@code bench.seconds} each
 * round. Run: {@code ./mvnw -B -pl test-support,gateway -am verify -Pbenchmark} (see the module README).
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(value = VerifyingUpstream.class, restrictToAnnotatedClass = true)
@TestProfile(GatewayBenchmark.Unlimited.class)
@Tag("benchmark")
class GatewayBenchmark {

    private static final int LATENCY_CALLS = Integer.getInteger("bench.latency-calls", 4_000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    public static class Unlimited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.rate-limit.requests-per-second", "1000000000", "gateway.rate-limit.burst", "1000000");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int gatewayPort;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void proxiedVersusDirect() throws Exception {
        String token = Callers.token("bench-user", "viewer");
        URI direct = URI.create("http://localhost:" + VerifyingUpstream.port() + "/api/lineage/models?q=teacher");
        URI proxied = URI.create("http://localhost:" + gatewayPort + "/api/lineage/models?q=teacher");
        assertThat(call(direct, token)).isEqualTo(VerifyingUpstream.BODY);
        assertThat(call(proxied, token)).isEqualTo(VerifyingUpstream.BODY);

        // Warm-up: JIT, connection pools, token caches.
        latencies(direct, token, 2_000);
        latencies(proxied, token, 2_000);
        throughput(direct, token, 3);
        throughput(proxied, token, 3);

        List<long[]> directLatency = new ArrayList<>();
        List<long[]> proxiedLatency = new ArrayList<>();
        double directCalls = 0;
        double proxiedCalls = 0;
        for (int round = 0; round < ROUNDS; round++) {
            directLatency.add(latencies(direct, token, LATENCY_CALLS / ROUNDS));
            proxiedLatency.add(latencies(proxied, token, LATENCY_CALLS / ROUNDS));
            directCalls += throughput(direct, token, SECONDS);
            proxiedCalls += throughput(proxied, token, SECONDS);
        }
        long[] d = merged(directLatency);
        long[] p = merged(proxiedLatency);
        double directRate = directCalls / (ROUNDS * SECONDS);
        double proxiedRate = proxiedCalls / (ROUNDS * SECONDS);
        System.out.printf(Locale.ROOT, "%n== Gateway benchmark (%d cores, %d latency calls, %d callers × %d s × %d rounds) ==%n",
                Runtime.getRuntime().availableProcessors(), d.length, CONCURRENCY, SECONDS, ROUNDS);
        System.out.printf(Locale.ROOT, "direct   p50 %.3f ms  p99 %.3f ms  %.0f calls/s%n", ms(d, 0.50), ms(d, 0.99), directRate);
        System.out.printf(Locale.ROOT, "gateway  p50 %.3f ms  p99 %.3f ms  %.0f calls/s%n", ms(p, 0.50), ms(p, 0.99), proxiedRate);
        System.out.printf(Locale.ROOT, "added    p50 %+.3f ms  p99 %+.3f ms  throughput ratio %.2f (target: p50 ≤ 1 ms, ratio ≥ 0.80)%n",
                ms(p, 0.50) - ms(d, 0.50), ms(p, 0.99) - ms(d, 0.99), proxiedRate / directRate);
    }

    private long[] latencies(URI uri, String token, int calls) throws Exception {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call(uri, token);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private long throughput(URI uri, String token, int seconds) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<Long>> counts = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            counts.add(callers.submit(() -> {
                long done = 0;
                while (running.get()) {
                    call(uri, token);
                    done++;
                }
                return done;
            }));
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        callers.shutdown();
        return total;
    }

    private String call(URI uri, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static long[] merged(List<long[]> rounds) {
        long[] all = rounds.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
    }
}
