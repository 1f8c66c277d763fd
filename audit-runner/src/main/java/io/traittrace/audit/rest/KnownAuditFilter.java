package io.traittrace.audit.rest;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.service.AuditService;

/** Refuses a {@link KnownAudit} route for an audit that does not exist, before anything streams. */
public class KnownAuditFilter {

    private final AuditService audits;

    public KnownAuditFilter(AuditService audits) {
        this.audits = audits;
    }

    @KnownAudit
    @ServerRequestFilter
    public Uni<Void> requireAudit(UriInfo uri) {
        return audits.get(uri.getPathParameters().getFirst("id")).replaceWithVoid();
    }
}
