package io.traittrace.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(2.0, 3, 1_000, now::get);

    @Test
    void aClientMaySpendItsBurstThenWaitsForTheNextToken() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("a")).isEmpty();
        }
        assertThat(limiter.acquire("a")).contains(Duration.ofMillis(500));
        now.addAndGet(Duration.ofMillis(250).toNanos());
        assertThat(limiter.acquire("a")).contains(Duration.ofMillis(250));
        now.addAndGet(Duration.ofMillis(250).toNanos());
        assertThat(limiter.acquire("a")).isEmpty();
        assertThat(limiter.acquire("a")).isPresent();
    }

    @Test
    void refusedRequestsCostNothing() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("a");
        }
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire("a")).isPresent();
        }
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(limiter.acquire("a")).isEmpty();
    }

    @Test
    void clientsDoNotShareBuckets() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("a");
        }
        assertThat(limiter.acquire("a")).isPresent();
        assertThat(limiter.acquire("b")).isEmpty();
    }

    @Test
    void anIdleClientRefillsOnlyUpToTheBurst() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("a");
        }
        now.addAndGet(Duration.ofHours(1).toNanos());
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("a")).isEmpty();
        }
        assertThat(limiter.acquire("a")).isPresent();
    }

    @Test
    void concurrentCallersNeverLoseTokensToEachOther() throws Exception {
        // A generous limit must never refuse anyone, however the callers interleave (a clock read outside the
        // bucket's lock once made the elapsed time negative and drained it).
        RateLimiter generous = new RateLimiter(1e9, 1_000_000, 10, System::nanoTime);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        var refused = new java.util.concurrent.atomic.AtomicInteger();
        var done = new java.util.ArrayList<java.util.concurrent.Future<?>>();
        for (int t = 0; t < 4; t++) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < 200_000; i++) {
                    if (generous.acquire("shared").isPresent()) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (var future : done) {
            future.get();
        }
        pool.shutdown();
        assertThat(refused).hasValue(0);
    }

    @Test
    void nonsenseLimitsAreRefusedAtStart() {
        assertThatThrownBy(() -> new RateLimiter(0, 3, 10, now::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(1, 0, 10, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
