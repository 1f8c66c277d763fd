package io.traittrace.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the services are and how the gateway guards its calls to them and its own front door. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** The lineage service (models, datasets, training runs, exposure). */
    Upstream lineage();

    /** The audit runner (audits and their progress). */
    Upstream runner();

    /** The report service (certificates, keys, revocations, verification). */
    Upstream report();

    RateLimit rateLimit();

    Streams streams();

    /**
     * The proxies in front of the gateway (addresses or CIDR ranges, e.g. the ingress controller's pod network): only a
     * request from one of them has its client taken from {@code X-Forwarded-For}. None: every caller is its peer address.
     */
    Optional<List<String>> trustedProxies();

    VerifiedTokens verifiedTokens();

    /**
     * The organisations the platform admin's console pages list (their quotas are the runner's): Keycloak, where
     * organisations live, is not the gateway's to ask. None: the platform admin opens an organisation by its alias.
     */
    Optional<List<String>> organizations();

    /**
     * Where browsers reach the gateway: the console's URL ({@code CONSOLE_URL}, e.g. https://traittrace.example; the same
     * value the realm's console client is registered with). Its origin is the one a cookie-authenticated API write may
     * name in {@code Origin}; behind an ingress the gateway's own host and scheme are not it.
     */
    java.net.URI publicUrl();

    /** Largest request body of a route that takes uploads (lineage writes and imports, certificate verification, README patches). */
    @WithDefault("16M")
    io.quarkus.runtime.configuration.MemorySize maxBodySize();

    /** Largest body of every other write (an audit request, a cancel, a revocation): small JSON documents. */
    @WithDefault("64K")
    io.quarkus.runtime.configuration.MemorySize maxRequestBodySize();

    /**
     * Request bodies the gateway reads at once, over all callers (each after its caller was authenticated and rate-limited):
     * one more is answered 503 with Retry-After rather than held in memory. Above the 50 concurrent writers the load test
     * drives (a small body is read within one event-loop turn, so this bounds large uploads in practice).
     */
    @WithDefault("64")
    int maxConcurrentUploads();

    interface Upstream {

        /** Base URL, e.g. http://lineage-service:8081. */
        String url();

        @WithDefault("2s")
        Duration connectTimeout();

        /** Time allowed for the response headers (a server-sent event stream then stays open). */
        @WithDefault("30s")
        Duration responseTimeout();

        /** Pooled connections to the service (event streams have a pool of their own). */
        @WithDefault("64")
        int maxConnections();

        /** Extra attempts for idempotent requests (GET, HEAD) after a connection failure, timeout or 502/503/504. */
        @WithDefault("2")
        int retries();

        @WithDefault("100ms")
        Duration retryBackoff();

        CircuitBreaker circuitBreaker();
    }

    interface CircuitBreaker {

        /** Calls looked at before the breaker may open. */
        @WithDefault("10")
        int requestVolume();

        /** Share of failures among them that opens it. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long it stays open before letting a trial call through. */
        @WithDefault("5s")
        Duration delay();
    }

    /**
     * Bearer tokens the gateway has verified, remembered so that a client's next calls skip the signature check
     * (the services still check every call). An entry lives until the token expires or {@code max-age}, whichever
     * is first.
     */
    interface VerifiedTokens {

        /** Tokens remembered at most; 0 turns the memory off. */
        @WithDefault("10000")
        int maxTokens();

        @WithDefault("60s")
        Duration maxAge();
    }

    /**
     * Server-sent event streams stay open for as long as their caller listens: they get their own connections to each
     * service, apart from every other call, and a bound per caller and in all.
     */
    interface Streams {
        /** Streams open at once through the gateway, over all callers and services. */
        @WithDefault("256")
        int maxOpen();

        /** Streams one caller (token subject, else client address) may hold open at once. */
        @WithDefault("8")
        int maxPerCaller();
    }

    interface RateLimit {

        /** Sustained requests per second per client (token client id, else user, else remote address). */
        @WithDefault("50")
        double requestsPerSecond();

        /** Requests a client may send at once above the sustained rate. */
        @WithDefault("100")
        int burst();

        /** Clients remembered at most; the least recently seen are forgotten first. */
        @WithDefault("100000")
        int maxClients();
    }
}
