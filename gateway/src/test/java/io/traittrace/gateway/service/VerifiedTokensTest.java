package io.traittrace.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.traittrace.api.tenancy.CallerAccess;
import io.traittrace.gateway.service.VerifiedTokens.Caller;

class VerifiedTokensTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final VerifiedTokens tokens = new VerifiedTokens(100, Duration.ofSeconds(60), now::get);
    private final Caller viewer = new Caller("sub:1", new CallerAccess(Set.of("acme"), Set.of(), Map.of("acme", Set.of("viewer"))));
    private final long inOneHour = System.currentTimeMillis() / 1000 + 3600;

    @Test
    void aVerifiedTokenIsKnownUntilTheMaximumAge() {
        tokens.remember("token-a", viewer, inOneHour);
        assertThat(tokens.lookup("token-a")).contains(viewer);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(tokens.lookup("token-a")).contains(viewer);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(tokens.lookup("token-a")).isEmpty();
    }

    @Test
    void neverBeyondTheTokensOwnExpiry() {
        long inTenSeconds = System.currentTimeMillis() / 1000 + 10;
        tokens.remember("token-a", viewer, inTenSeconds);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(tokens.lookup("token-a")).isEmpty();
    }

    @Test
    void anExpiredTokenIsNotRemembered() {
        tokens.remember("token-a", viewer, System.currentTimeMillis() / 1000 - 1);
        assertThat(tokens.lookup("token-a")).isEmpty();
    }

    @Test
    void onlyTheSameBytesMatch() {
        tokens.remember("token-a", viewer, inOneHour);
        assertThat(tokens.lookup("token-b")).isEmpty();
        assertThat(tokens.lookup("token-a ")).isEmpty();
    }

    @Test
    void aZeroSizeMemoryRemembersNothing() {
        VerifiedTokens off = new VerifiedTokens(0, Duration.ofSeconds(60), now::get);
        off.remember("token-a", viewer, inOneHour);
        assertThat(off.lookup("token-a")).isEmpty();
    }
}
