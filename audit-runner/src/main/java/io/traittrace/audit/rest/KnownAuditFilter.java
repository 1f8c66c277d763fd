package io.traittrace.audit.rest;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.service.AuditService;
import io.traittrace.service.tenancy.CallerTenant;

/** Refuses a {@link KnownAudit} route for an audit that does not exist in the caller's organisation, before anything streams. */
public class KnownAuditFilter {

    private final AuditService audits;
    private final CallerTenant tenant;

    public KnownAuditFilter(AuditService audits, CallerTenant tenant) {
        this.audits = audits;
        this.tenant = tenant;
    }

    @KnownAudit
    @ServerRequestFilter
    public Uni<Void> requireAudit(UriInfo uri) {
        return audits.get(uri.getPathParameters().getFirst("id"), tenant.get().readable()).replaceWithVoid();
    }
}
