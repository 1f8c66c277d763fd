package io.traittrace.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The same call made directly and through the gateway, alternating rounds so that drift hits both alike: latency
 * one call at a time (p50, p99), throughput with {@code bench.concurrency} callers for {@code bench.seconds} per
 * round. Prints the figures and the ratios against the targets.
 */
final class ProxyComparison {

    private static final int LATENCY_CALLS = Integer.getInteger("bench.latency-calls", 4_000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI direct;
    private final URI proxied;
    private final String token;

    ProxyComparison(URI direct, URI proxied, String token) {
        this.direct = direct;
        this.proxied = proxied;
        this.token = token;
    }

    /** Both paths answer the expected body (checked first), then warm-up and the measured rounds. */
    void run(String title, String expectedBody) throws Exception {
        for (URI uri : List.of(direct, proxied)) {
            String body = call(uri);
            if (!body.equals(expectedBody)) {
                throw new IllegalStateException(uri + " answered " + body);
            }
        }
        // Warm-up: JIT, connection pools, token caches.
        latencies(direct, 2_000);
        latencies(proxied, 2_000);
        throughput(direct, 3);
        throughput(proxied, 3);

        List<long[]> directLatency = new ArrayList<>();
        List<long[]> proxiedLatency = new ArrayList<>();
        double directCalls = 0;
        double proxiedCalls = 0;
        for (int round = 0; round < ROUNDS; round++) {
            directLatency.add(latencies(direct, LATENCY_CALLS / ROUNDS));
            proxiedLatency.add(latencies(proxied, LATENCY_CALLS / ROUNDS));
            directCalls += throughput(direct, SECONDS);
            proxiedCalls += throughput(proxied, SECONDS);
        }
        long[] d = merged(directLatency);
        long[] p = merged(proxiedLatency);
        double directRate = directCalls / (ROUNDS * SECONDS);
        double proxiedRate = proxiedCalls / (ROUNDS * SECONDS);
        System.out.printf(Locale.ROOT, "%n== %s (%d latency calls, %d callers × %d s × %d rounds) ==%n",
                title, d.length, CONCURRENCY, SECONDS, ROUNDS);
        System.out.printf(Locale.ROOT, "direct   p50 %.3f ms  p99 %.3f ms  %.0f calls/s%n", ms(d, 0.50), ms(d, 0.99), directRate);
        System.out.printf(Locale.ROOT, "gateway  p50 %.3f ms  p99 %.3f ms  %.0f calls/s%n", ms(p, 0.50), ms(p, 0.99), proxiedRate);
        System.out.printf(Locale.ROOT, "added    p50 %+.3f ms  p99 %+.3f ms  throughput ratio %.2f (target: p50 ≤ 1 ms, ratio ≥ 0.80)%n",
                ms(p, 0.50) - ms(d, 0.50), ms(p, 0.99) - ms(d, 0.99), proxiedRate / directRate);
    }

    private long[] latencies(URI uri, int calls) throws Exception {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call(uri);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private long throughput(URI uri, int seconds) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<Long>> counts = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            counts.add(callers.submit(() -> {
                long done = 0;
                while (running.get()) {
                    call(uri);
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

    private String call(URI uri) throws Exception {
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
