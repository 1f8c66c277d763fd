package io.traittrace.service.outbox;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The outbox's gauges, as counted in the database after each sweep (so they are right again one sweep after a
 * restart), each tagged {@code service}:
 * <ul>
 * <li>{@code traittrace_outbox_pending}: events committed and not yet on Kafka, parked ones left out. A backlog
 * that grows means Kafka is not taking events.</li>
 * <li>{@code traittrace_outbox_oldest_pending_seconds}: how long the oldest of them has waited (0: none), counted at
 * scrape time, so it keeps growing if sweeps stop.</li>
 * <li>{@code traittrace_outbox_parked_events}: events the publisher gave up on (no channel, too large, or failing on
 * their own past {@code traittrace.outbox.max-attempts}); each waits for an operator.</li>
 * </ul>
 */
@ApplicationScoped
public class OutboxBacklog {

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    /** Epoch milliseconds of the oldest pending event's creation; 0: none. */
    private final AtomicLong oldestPending = new AtomicLong();

    public OutboxBacklog(MeterRegistry registry, @ConfigProperty(name = "quarkus.application.name") String service) {
        Gauge.builder("traittrace.outbox.pending", pending, AtomicLong::get)
                .description("Outbox events committed and not yet acknowledged by Kafka")
                .tag("service", service)
                .register(registry);
        Gauge.builder("traittrace.outbox.parked.events", parked, AtomicLong::get)
                .description("Outbox events the publisher gave up on; each waits for an operator to requeue or drop it")
                .tag("service", service)
                .register(registry);
        Gauge.builder("traittrace.outbox.oldest.pending.seconds", oldestPending,
                        at -> at.get() == 0 ? 0 : Math.max(0, (System.currentTimeMillis() - at.get()) / 1000.0))
                .description("Age of the oldest outbox event not yet acknowledged by Kafka (parked ones left out); 0 when none")
                .tag("service", service)
                .register(registry);
    }

    void counted(OutboxRepository.Backlog backlog) {
        pending.set(backlog.pending());
        parked.set(backlog.parked());
        oldestPending.set(backlog.oldestPending() == null ? 0 : backlog.oldestPending().toInstant().toEpochMilli());
    }
}
