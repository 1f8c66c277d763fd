package io.traittrace.gateway.client;

import java.time.Duration;

/**
 * A service could not answer: unreachable, too slow, its circuit breaker is open, or it said 502/503/504 itself
 * (then {@link #response()} holds what it said, which the gateway passes on once it gives up).
 */
public class UpstreamUnavailableException extends RuntimeException {

    private final String service;
    private final int status;
    private final transient UpstreamResponse response;
    private final Duration retryAfter;

    /**
     * {@code status} is what the gateway answers: 502 unreachable, 503 paused or unavailable, 504 too slow;
     * {@code retryAfter}, when known, how long calls to the service stay paused.
     */
    public UpstreamUnavailableException(String service, int status, UpstreamResponse response, Duration retryAfter,
            String message, Throwable cause) {
        super(message, cause);
        this.service = service;
        this.status = status;
        this.response = response;
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public int status() {
        return status;
    }

    public String service() {
        return service;
    }

    public UpstreamResponse response() {
        return response;
    }
}
