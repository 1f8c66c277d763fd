package io.traittrace.lineage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.lineage.service.LineageProblem;
import io.traittrace.lineage.service.LineageQueryService;
import io.traittrace.lineage.service.Views.ExposedModelView;

@Path("/api/lineage/exposures")
@Produces(MediaType.APPLICATION_JSON)
public class ExposureResource {

    private final LineageQueryService queries;
    private final TenantAccess access;

    public ExposureResource(LineageQueryService queries, TenantAccess access) {
        this.queries = queries;
        this.access = access;
    }

    /** Every model of the caller's view exposed at the given level, most recently detected first. */
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Page<ExposedModelView>> list(@QueryParam("level") @DefaultValue("SAME_INIT") String level,
            @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        ExposureLevel parsed;
        try {
            parsed = ExposureLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw LineageProblem.badRequest("level must be SAME_INIT, UNKNOWN or CROSS_FAMILY");
        }
        return queries.exposedModels(access.read(), parsed, queries.paging(page, size));
    }
}
