package io.traittrace.lineage.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.traittrace.events.Topics;
import io.traittrace.service.outbox.OutboxChannels;

/** The outbox's one topic, {@code exposure-detected}, leaves through its channel. */
@ApplicationScoped
public class LineageOutboxChannels implements OutboxChannels {

    private final MutinyEmitter<String> exposureDetected;

    public LineageOutboxChannels(@Channel(Topics.EXPOSURE_DETECTED) MutinyEmitter<String> exposureDetected) {
        this.exposureDetected = exposureDetected;
    }

    @Override
    public MutinyEmitter<String> emitterFor(String topic) {
        return Topics.EXPOSURE_DETECTED.equals(topic) ? exposureDetected : null;
    }
}
