package io.traittrace.audit.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.traittrace.audit.service.AuditViews.ProgressEvent;

/**
 * Live progress of this replica's audits for server-sent events, fed after each commit. The durable, cluster-wide
 * stream is the {@code audit-progress} topic; this is the console's low-latency view.
 */
@ApplicationScoped
public class ProgressHub {

    private final BroadcastProcessor<ProgressEvent> events = BroadcastProcessor.create();

    public void publish(ProgressEvent event) {
        events.onNext(event);
    }

    public Multi<ProgressEvent> of(String auditId) {
        return events.filter(e -> e.auditId().equals(auditId));
    }
}
