package io.traittrace.service.outbox;

import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where the {@link OutboxPublisher} sends each topic's events. Every service with an outbox implements it as an
 * {@code @ApplicationScoped} bean over the {@code @Channel} emitters it declares.
 */
public interface OutboxChannels {

    /** The emitter for {@code topic}, or null if this service has none: such events are parked (see {@link OutboxSweep}). */
    MutinyEmitter<String> emitterFor(String topic);
}
