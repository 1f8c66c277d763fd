package io.traittrace.report.messaging;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.traittrace.events.Topics;
import io.traittrace.service.outbox.OutboxChannels;

/** The outbox's two topics, {@code certificate-issued} and {@code certificate-revoked}, each leave through its channel. */
@ApplicationScoped
public class ReportOutboxChannels implements OutboxChannels {

    private final Map<String, MutinyEmitter<String>> emitters;

    public ReportOutboxChannels(@Channel(Topics.CERTIFICATE_ISSUED) MutinyEmitter<String> issued,
            @Channel(Topics.CERTIFICATE_REVOKED) MutinyEmitter<String> revoked) {
        this.emitters = Map.of(Topics.CERTIFICATE_ISSUED, issued, Topics.CERTIFICATE_REVOKED, revoked);
    }

    @Override
    public MutinyEmitter<String> emitterFor(String topic) {
        return emitters.get(topic);
    }
}
