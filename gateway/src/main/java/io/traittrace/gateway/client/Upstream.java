package io.traittrace.gateway.client;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.function.Function;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.traittrace.gateway.config.GatewayConfig;
import io.traittrace.gateway.service.ApiRoutes.Service;
import io.traittrace.gateway.client.UpstreamMetrics;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * One service behind the gateway: a pooled HTTP client, a circuit breaker and a timeout around every call, and
 * retries for idempotent calls only. Event streams have a client and pool of their own, so that streams held open can
 * never take the connections every other call needs. A service answering 502/503/504 counts as a failure, like a refused
 * connection; any other answer, errors included, is the service's to give and passes through unchanged. Every call
 * is timed by outcome ({@link UpstreamMetrics}).
 */
public class Upstream {

    private static final Logger LOG = Logger.getLogger(Upstream.class);
    private static final Set<Integer> UNAVAILABLE = Set.of(502, 503, 504);

    private final Service service;
    private final String name;
    private final GatewayConfig.Upstream config;
    private final UpstreamMetrics metrics;
    private final URI base;
    private final HttpClient client;
    private final HttpClient streamClient;
    private final TypedGuard<Uni<UpstreamResponse>> exchangeGuard;
    private final TypedGuard<Uni<HttpClientResponse>> streamGuard;

    public Upstream(Service service, String name, GatewayConfig.Upstream config, GatewayConfig.Streams streams, Vertx vertx,
            UpstreamMetrics metrics) {
        this.service = service;
        this.name = name;
        this.config = config;
        this.metrics = metrics;
        this.base = URI.create(config.url().replaceAll("/+$", ""));
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(config.maxConnections())
                .setDecompressionSupported(false));
        this.streamClient = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(streams.maxOpen())
                .setDecompressionSupported(false));
        this.exchangeGuard = TypedGuard.create(new jakarta.enterprise.util.TypeLiteral<Uni<UpstreamResponse>>() {
        }).with(builder -> guard(builder, name, config)).build();
        this.streamGuard = TypedGuard.create(new jakarta.enterprise.util.TypeLiteral<Uni<HttpClientResponse>>() {
        }).with(builder -> guard(builder, name + "-streams", config)).build();
    }

    private static <T> void guard(TypedGuard.Builder<T> builder, String name, GatewayConfig.Upstream config) {
        // The calls are non-blocking: keep them on the caller's event loop instead of a worker thread.
        builder.withDescription(name)
                .withThreadOffload(false)
                .withCircuitBreaker()
                .name(name)
                .requestVolumeThreshold(config.circuitBreaker().requestVolume())
                .failureRatio(config.circuitBreaker().failureRatio())
                .delay(config.circuitBreaker().delay().toMillis(), ChronoUnit.MILLIS)
                .done();
    }

    public String name() {
        return name;
    }

    /** Sends the request and reads the whole answer. */
    public Uni<UpstreamResponse> exchange(UpstreamRequest request) {
        Uni<UpstreamResponse> attempt = Uni.createFrom().deferred(() -> exchangeGuard.get(() -> send(client, request,
                response -> response.body().map(body -> new UpstreamResponse(response.statusCode(),
                        io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(response.headers().getDelegate()), body)))
                .flatMap(this::failIfUnavailable)));
        return metrics.timed(service, withRetries(request, attempt).onFailure().transform(this::describe), UpstreamResponse::status);
    }

    /**
     * Sends the request and hands back the answer as soon as its headers arrive, its body unread: for server-sent
     * event streams, which stay open for as long as the caller listens.
     */
    public Uni<HttpClientResponse> open(UpstreamRequest request) {
        // Paused on arrival, in the event loop's turn that delivers it: the body must wait for whoever pipes it.
        Uni<HttpClientResponse> attempt = Uni.createFrom().deferred(() -> streamGuard.get(() -> send(streamClient, request,
                response -> Uni.createFrom().item(response).invoke(HttpClientResponse::pause))
                .flatMap(response -> UNAVAILABLE.contains(response.statusCode())
                        ? response.resume().body().flatMap(body -> Uni.createFrom().failure(unavailable(new UpstreamResponse(
                                response.statusCode(), io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                                        .addAll(response.headers().getDelegate()), body))))
                        : Uni.createFrom().item(response))));
        return metrics.timed(service, withRetries(request, attempt).onFailure().transform(this::describe), HttpClientResponse::statusCode);
    }

    /**
     * Sends the request and reads the answer as far as {@code reading} goes, within the response timeout. A call that
     * times out or is abandoned resets its request: the pooled connection closes and frees its place, instead of
     * waiting for an answer nobody reads (a slow service would otherwise hold the whole pool after its callers left).
     */
    private <T> Uni<T> send(HttpClient via, UpstreamRequest request, Function<HttpClientResponse, Uni<T>> reading) {
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setAbsoluteURI(base + request.pathAndQuery())
                .setHeaders(request.headers());
        return via.request(options)
                .flatMap(outgoing -> outgoing.send(request.body()).flatMap(reading::apply).onCancellation().invoke(() -> outgoing.reset()))
                .ifNoItem().after(config.responseTimeout()).failWith(TimeoutException::new);
    }

    private Uni<UpstreamResponse> failIfUnavailable(UpstreamResponse response) {
        return UNAVAILABLE.contains(response.status())
                ? Uni.createFrom().failure(unavailable(response))
                : Uni.createFrom().item(response);
    }

    private UpstreamUnavailableException unavailable(UpstreamResponse response) {
        return new UpstreamUnavailableException(name, response.status(), response, null, "The " + name + " answered " + response.status(), null);
    }

    private <T> Uni<T> withRetries(UpstreamRequest request, Uni<T> attempt) {
        if (!request.idempotent() || config.retries() == 0) {
            return attempt;
        }
        return attempt.onFailure(failure -> !(failure instanceof CircuitBreakerOpenException))
                .retry().withBackOff(config.retryBackoff()).atMost(config.retries());
    }

    private Throwable describe(Throwable failure) {
        if (failure instanceof UpstreamUnavailableException known) {
            return known;
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return new UpstreamUnavailableException(name, 503, null, config.circuitBreaker().delay(), "The " + name + " is failing; calls to it are paused",
                    failure);
        }
        if (failure instanceof TimeoutException) {
            return new UpstreamUnavailableException(name, 504, null, null, "The " + name + " did not answer in time", failure);
        }
        LOG.debugf(failure, "Call to the %s failed", name);
        return new UpstreamUnavailableException(name, 502, null, null, "The " + name + " could not be reached", failure);
    }

    public void close() {
        client.closeAndAwait();
        streamClient.closeAndAwait();
    }
}
