package io.traittrace.lineage.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.traittrace.service.outbox.OutboxChannels;

/** The outbox's one topic, {@code exposure-detected}, leaves through its channel. */
@ApplicationScoped
public class LineageOutboxChannels implements OutboxChannels {

    private final MutinyEmitter<String> exposureDetected;

    public LineageOutboxChannels(@Channel(ExposureEvents.TOPIC) MutinyEmitter<String> exposureDetected) {
        this.exposureDetected = exposureDetected;
    }

    @Override
    public MutinyEmitter<String> emitterFor(String topic) {
        return ExposureEvents.TOPIC.equals(topic) ? exposureDetected : null;
    }
}
