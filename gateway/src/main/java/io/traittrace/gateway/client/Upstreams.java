package io.traittrace.gateway.client;

import java.util.EnumMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.traittrace.gateway.config.GatewayConfig;
import io.traittrace.gateway.service.ApiRoutes.Service;
import io.vertx.mutiny.core.Vertx;

/** The three services behind the gateway, each with its own connection pool and circuit breaker. */
@ApplicationScoped
public class Upstreams {

    private final Map<Service, Upstream> upstreams = new EnumMap<>(Service.class);

    public Upstreams(GatewayConfig config, Vertx vertx) {
        upstreams.put(Service.LINEAGE, new Upstream("lineage service", config.lineage(), vertx));
        upstreams.put(Service.RUNNER, new Upstream("audit runner", config.runner(), vertx));
        upstreams.put(Service.REPORT, new Upstream("report service", config.report(), vertx));
    }

    public Upstream of(Service service) {
        return upstreams.get(service);
    }

    @PreDestroy
    void close() {
        upstreams.values().forEach(Upstream::close);
    }
}
