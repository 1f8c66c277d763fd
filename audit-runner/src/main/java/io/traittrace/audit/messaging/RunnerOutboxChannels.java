package io.traittrace.audit.messaging;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.traittrace.events.Topics;
import io.traittrace.service.outbox.OutboxChannels;

/** The runner's four topics leave the outbox through their channels. */
@ApplicationScoped
public class RunnerOutboxChannels implements OutboxChannels {

    private final Map<String, MutinyEmitter<String>> emitters;

    public RunnerOutboxChannels(@Channel(Topics.AUDIT_REQUESTED) MutinyEmitter<String> requested,
            @Channel(Topics.AUDIT_PROGRESS) MutinyEmitter<String> progress,
            @Channel(Topics.AUDIT_COMPLETED) MutinyEmitter<String> completed,
            @Channel(Topics.AUDIT_FAILED) MutinyEmitter<String> failed) {
        this.emitters = Map.of(Topics.AUDIT_REQUESTED, requested, Topics.AUDIT_PROGRESS, progress, Topics.AUDIT_COMPLETED, completed,
                Topics.AUDIT_FAILED, failed);
    }

    @Override
    public MutinyEmitter<String> emitterFor(String topic) {
        return topic == null ? null : emitters.get(topic);
    }
}
