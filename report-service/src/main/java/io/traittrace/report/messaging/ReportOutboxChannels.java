package io.traittrace.report.messaging;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.traittrace.report.events.CertificateEvents;
import io.traittrace.service.outbox.OutboxChannels;

/** The outbox's two topics, {@code certificate-issued} and {@code certificate-revoked}, each leave through its channel. */
@ApplicationScoped
public class ReportOutboxChannels implements OutboxChannels {

    private final Map<String, MutinyEmitter<String>> emitters;

    public ReportOutboxChannels(@Channel(CertificateEvents.ISSUED_TOPIC) MutinyEmitter<String> issued,
            @Channel(CertificateEvents.REVOKED_TOPIC) MutinyEmitter<String> revoked) {
        this.emitters = Map.of(CertificateEvents.ISSUED_TOPIC, issued, CertificateEvents.REVOKED_TOPIC, revoked);
    }

    @Override
    public MutinyEmitter<String> emitterFor(String topic) {
        return emitters.get(topic);
    }
}
