package io.traittrace.audit.rest;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestStreamElementType;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.audit.domain.AuditRequest;
import io.traittrace.audit.domain.Requester;
import io.traittrace.audit.service.AuditService;
import io.traittrace.audit.service.AuditViews.AuditView;
import io.traittrace.audit.service.AuditViews.ProgressEvent;
import io.traittrace.service.tenancy.CallerTenant;

/**
 * Audits, scoped to the organisation the caller acts for ({@link CallerTenant}): submitted into it, read and listed from it
 * and the public catalogue, cancelled in it only. Another organisation's audit answers 404, as an unknown id does.
 */
@Path("/api/audits")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditService audits;
    private final SecurityIdentity identity;
    private final CallerTenant tenant;

    public AuditResource(AuditService audits, SecurityIdentity identity, CallerTenant tenant) {
        this.audits = audits;
        this.identity = identity;
        this.tenant = tenant;
    }

    /** 202 with the audit; the same idempotency key answers the same audit (header {@code Idempotent-Replayed: true}). */
    @POST
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN })
    public Uni<Response> submit(@NotNull @Valid AuditRequest request) {
        return audits.submit(request, requester(), tenant.get().organization(), "api")
                .map(submitted -> Response.accepted(submitted.audit())
                        .location(URI.create("/api/audits/" + submitted.audit().id()))
                        .header("Idempotent-Replayed", Boolean.toString(!submitted.created()))
                        .build());
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
    public Uni<Page<AuditView>> list(@QueryParam("state") String state, @QueryParam("student") String student, @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return audits.list(tenant.get().readable(), state, student, page, size);
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
    public Uni<AuditView> get(@PathParam("id") String id) {
        return audits.get(id, tenant.get().readable());
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN })
    public Uni<AuditView> cancel(@PathParam("id") String id) {
        return audits.cancel(id, requester(), tenant.get().organization());
    }

    /** Server-sent progress: the audit's state now, then each run and audit change until the audit ends. */
    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
    @KnownAudit
    public Multi<ProgressEvent> events(@PathParam("id") String id) {
        return audits.progress(id, tenant.get().readable());
    }

    private Requester requester() {
        return new Requester(identity.getPrincipal().getName(), identity.hasRole(Roles.ADMIN));
    }
}
