package io.traittrace.gateway.client;

import java.util.EnumMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.traittrace.gateway.config.GatewayConfig;
import io.traittrace.gateway.service.ApiRoutes.Service;
import io.traittrace.gateway.client.UpstreamMetrics;
import io.vertx.mutiny.core.Vertx;

/** The three services behind the gateway, each with its own connection pool and circuit breaker. */
@ApplicationScoped
public class Upstreams {

    private final Map<Service, Upstream> upstreams = new EnumMap<>(Service.class);

    public Upstreams(GatewayConfig config, Vertx vertx, UpstreamMetrics metrics) {
        upstreams.put(Service.LINEAGE, new Upstream(Service.LINEAGE, "lineage service", config.lineage(), config.streams(), vertx, metrics));
        upstreams.put(Service.RUNNER, new Upstream(Service.RUNNER, "audit runner", config.runner(), config.streams(), vertx, metrics));
        upstreams.put(Service.REPORT, new Upstream(Service.REPORT, "report service", config.report(), config.streams(), vertx, metrics));
    }

    public Upstream of(Service service) {
        return upstreams.get(service);
    }

    @PreDestroy
    void close() {
        upstreams.values().forEach(Upstream::close);
    }
}
