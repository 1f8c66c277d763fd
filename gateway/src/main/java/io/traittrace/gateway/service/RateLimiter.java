package io.traittrace.gateway.service;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.traittrace.gateway.config.GatewayConfig;

/**
 * Per-client token buckets: each client may send {@code burst} requests at once and {@code requestsPerSecond}
 * sustained. A refused request learns how long until its next token, which the gateway sends as Retry-After.
 */
@ApplicationScoped
public class RateLimiter {

    private final double tokensPerNano;
    private final double capacity;
    private final LongSupplier clock;
    private final Cache<String, Bucket> buckets;

    @Inject
    public RateLimiter(GatewayConfig config) {
        this(config.rateLimit().requestsPerSecond(), config.rateLimit().burst(), config.rateLimit().maxClients(),
                System::nanoTime);
    }

    RateLimiter(double requestsPerSecond, int burst, int maxClients, LongSupplier clock) {
        if (requestsPerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate limit needs requests-per-second > 0 and burst >= 1");
        }
        this.tokensPerNano = requestsPerSecond / 1e9;
        this.capacity = burst;
        this.clock = clock;
        // A bucket left alone long enough to refill is the same as no bucket: forget it then.
        Duration refill = Duration.ofNanos((long) Math.ceil(burst / tokensPerNano));
        this.buckets = Caffeine.newBuilder().maximumSize(maxClients).expireAfterAccess(refill).build();
    }

    /** Takes one token for this client; empty when allowed, else how long until it may try again. */
    public Optional<Duration> acquire(String client) {
        Bucket bucket = buckets.get(client, key -> new Bucket(capacity, clock.getAsLong()));
        synchronized (bucket) {
            // Read under the lock: a time read before it could be older than the bucket's, and a negative
            // interval would take tokens away.
            long now = Math.max(bucket.updated, clock.getAsLong());
            bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updated) * tokensPerNano);
            bucket.updated = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / tokensPerNano)));
        }
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        private Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
