package io.traittrace.gateway.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.traittrace.api.tenancy.CallerAccess;
import io.traittrace.gateway.config.GatewayConfig;

/**
 * Bearer tokens already verified (signature, issuer, audience, expiry) and what they say: a token is the same
 * bytes with the same claims until it expires, so a second signature check of it proves nothing new. Entries are
 * keyed by the token's SHA-256, live until the token's own expiry or the configured maximum age, and a token that
 * failed is never remembered. Verifying the signature was about half of the gateway's CPU per call.
 */
@ApplicationScoped
public class VerifiedTokens {

    /**
     * Who a verified token speaks for, and where it may act with which roles, as its claims say. The organisation a
     * request acts for is each request's own (its header): it is resolved per request from {@code access}, never kept.
     */
    public record Caller(String subject, CallerAccess access) {
    }

    private record Entry(Caller caller, long expiresAt) {
    }

    private final boolean enabled;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final Cache<String, Entry> entries;

    @Inject
    public VerifiedTokens(GatewayConfig config) {
        this(config.verifiedTokens().maxTokens(), config.verifiedTokens().maxAge(), System::nanoTime);
    }

    VerifiedTokens(int maxTokens, Duration maxAge, LongSupplier clock) {
        // Caffeine evicts over the size limit after the fact, so a zero-size cache would still answer for a moment.
        this.enabled = maxTokens > 0;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
        this.entries = Caffeine.newBuilder().maximumSize(maxTokens).expireAfter(new Expiry<String, Entry>() {
            @Override
            public long expireAfterCreate(String key, Entry entry, long now) {
                return Math.max(0, entry.expiresAt() - clock.getAsLong());
            }

            @Override
            public long expireAfterUpdate(String key, Entry entry, long now, long remaining) {
                return expireAfterCreate(key, entry, now);
            }

            @Override
            public long expireAfterRead(String key, Entry entry, long now, long remaining) {
                return remaining;
            }
        }).build();
    }

    /** The caller of a token verified before and not yet expired. */
    public Optional<Caller> lookup(String token) {
        Entry entry = entries.getIfPresent(key(token));
        return entry == null || clock.getAsLong() - entry.expiresAt() >= 0 ? Optional.empty() : Optional.of(entry.caller());
    }

    /** Remembers a token just verified, whose claims say it expires at {@code expiresAtEpochSecond}. */
    public void remember(String token, Caller caller, long expiresAtEpochSecond) {
        long untilExpiry = Duration.ofSeconds(expiresAtEpochSecond).toNanos()
                - Duration.ofMillis(System.currentTimeMillis()).toNanos();
        long lifetime = Math.min(untilExpiry, maxAgeNanos);
        if (enabled && lifetime > 0) {
            entries.put(key(token), new Entry(caller, clock.getAsLong() + lifetime));
        }
    }

    private static String key(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
