package io.traittrace.audit.messaging;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.traittrace.audit.events.AuditEvents;
import io.traittrace.service.outbox.OutboxChannels;

/** The runner's four topics leave the outbox through their channels. */
@ApplicationScoped
public class RunnerOutboxChannels implements OutboxChannels {

    private final Map<String, MutinyEmitter<String>> emitters;

    public RunnerOutboxChannels(@Channel(AuditEvents.REQUESTED) MutinyEmitter<String> requested,
            @Channel(AuditEvents.PROGRESS) MutinyEmitter<String> progress,
            @Channel(AuditEvents.COMPLETED) MutinyEmitter<String> completed,
            @Channel(AuditEvents.FAILED) MutinyEmitter<String> failed) {
        this.emitters = Map.of(AuditEvents.REQUESTED, requested, AuditEvents.PROGRESS, progress, AuditEvents.COMPLETED, completed,
                AuditEvents.FAILED, failed);
    }

    @Override
    public MutinyEmitter<String> emitterFor(String topic) {
        return topic == null ? null : emitters.get(topic);
    }
}
