package io.traittrace.lineage.rest;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.lineage.domain.Commands.NewSharedInitAssertion;
import io.traittrace.lineage.service.LineageProblem;
import io.traittrace.lineage.service.SharedInitService;
import io.traittrace.lineage.service.Views.AssertionView;

@Path("/api/lineage/assertions/shared-init")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SharedInitResource {

    private final SharedInitService service;
    private final TenantAccess access;

    public SharedInitResource(SharedInitService service, TenantAccess access) {
        this.service = service;
        this.access = access;
    }

    @POST
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> assertSharedInit(@NotNull @Valid NewSharedInitAssertion assertion) {
        return service.assertSharedInit(access.write(), assertion, access.name())
                .map(written -> Created.of(written, "/api/lineage/assertions/shared-init/" + written.value().id()));
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<List<AssertionView>> list() {
        return service.list(access.read());
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<AssertionView> get(@PathParam("id") String id) {
        return service.get(access.read(), uuid(id));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> delete(@PathParam("id") String id) {
        return service.delete(access.admin(), uuid(id)).replaceWith(Response.noContent().build());
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw LineageProblem.notFound("Shared-init assertion", id);
        }
    }
}
