package io.traittrace.gateway.client;

import java.util.Locale;
import java.util.function.ToIntFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.traittrace.gateway.client.UpstreamUnavailableException;
import io.traittrace.gateway.service.ApiRoutes.Service;

/**
 * {@code traittrace_gateway_upstream_requests_seconds{service, outcome}}: every call the gateway makes to a service,
 * retries included, until the answer's head arrived or the gateway gave up. The outcome is the answer's status class
 * ({@code 2xx} … {@code 5xx}), or why there was none: {@code unreachable}, {@code timeout}, {@code circuit-open}.
 */
@ApplicationScoped
public class UpstreamMetrics {

    private final MeterRegistry registry;

    public UpstreamMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code call}, timed from subscription; {@code status} reads the status code of its answer. */
    public <T> Uni<T> timed(Service service, Uni<T> call, ToIntFunction<T> status) {
        return Uni.createFrom().deferred(() -> {
            Timer.Sample sample = Timer.start(registry);
            return call.onItemOrFailure().invoke((answer, failure) -> sample.stop(Timer.builder("traittrace.gateway.upstream.requests")
                    .description("Calls to the services behind the gateway, by outcome")
                    .tag("service", service.name().toLowerCase(Locale.ROOT))
                    .tag("outcome", failure == null ? statusClass(status.applyAsInt(answer)) : outcome(failure))
                    .register(registry)));
        });
    }

    private static String statusClass(int status) {
        return status / 100 + "xx";
    }

    private static String outcome(Throwable failure) {
        if (!(failure instanceof UpstreamUnavailableException down)) {
            return "error";
        }
        if (down.response() != null) {
            return statusClass(down.response().status());
        }
        return switch (down.status()) {
            case 503 -> "circuit-open";
            case 504 -> "timeout";
            default -> "unreachable";
        };
    }
}
