package io.traittrace.service.outbox;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code traittrace_outbox_pending{service}}: the events committed to this service's outbox and not yet on Kafka,
 * as counted in the database after each sweep (so it is right again one sweep after a restart). A backlog that
 * grows means Kafka is not taking events.
 */
@ApplicationScoped
public class OutboxBacklog {

    private final AtomicLong pending = new AtomicLong();

    public OutboxBacklog(MeterRegistry registry, @ConfigProperty(name = "quarkus.application.name") String service) {
        Gauge.builder("traittrace.outbox.pending", pending, AtomicLong::get)
                .description("Outbox events committed and not yet acknowledged by Kafka")
                .tag("service", service)
                .register(registry);
    }

    void counted(long unpublished) {
        pending.set(unpublished);
    }
}
