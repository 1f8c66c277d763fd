package io.traittrace.lineage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.lineage.service.LineageProblem;
import io.traittrace.lineage.service.LineageQueryService;
import io.traittrace.lineage.service.Views.ExposedModelView;
import io.traittrace.lineage.service.Views.PageOf;
import io.traittrace.service.rest.Roles;

@Path("/api/lineage/exposures")
@Produces(MediaType.APPLICATION_JSON)
public class ExposureResource {

    private final LineageQueryService queries;

    public ExposureResource(LineageQueryService queries) {
        this.queries = queries;
    }

    /** Every model exposed at the given level, most recently detected first. */
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
    public Uni<PageOf<ExposedModelView>> list(@QueryParam("level") @DefaultValue("SAME_INIT") String level,
            @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        ExposureLevel parsed;
        try {
            parsed = ExposureLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw LineageProblem.badRequest("level must be SAME_INIT, UNKNOWN or CROSS_FAMILY");
        }
        return queries.exposedModels(parsed, queries.paging(page, size));
    }
}
