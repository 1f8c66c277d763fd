package io.traittrace.lineage.rest;

import java.util.List;

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

import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.domain.Commands.Import;
import io.traittrace.lineage.domain.Commands.NewModel;
import io.traittrace.lineage.service.LineageQueryService;
import io.traittrace.lineage.service.LineageWriteService;
import io.traittrace.lineage.service.Views.ExposureView;
import io.traittrace.lineage.service.Views.FamilyView;
import io.traittrace.lineage.service.Views.ModelView;
import io.traittrace.lineage.service.Views.TrainingRunView;
import io.traittrace.lineage.service.Views.WalkView;
import io.traittrace.lineage.service.Views.Written;

@Path("/api/lineage/models")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final LineageWriteService writes;
    private final LineageQueryService queries;
    private final TenantAccess access;

    public ModelResource(LineageWriteService writes, LineageQueryService queries, TenantAccess access) {
        this.writes = writes;
        this.queries = queries;
        this.access = access;
    }

    @POST
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> register(@NotNull @Valid NewModel model) {
        Tenant tenant = access.write();
        return writes.importRecords(tenant, new Import(List.of(model), null, null))
                .chain(result -> queries.model(tenant, model.id()).map(view -> new Written<>(view, result.modelsCreated() == 1)))
                .map(written -> Created.of(written, "/api/lineage/models/" + model.id()));
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Page<ModelView>> search(@QueryParam("q") String q, @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return queries.searchModels(access.read(), q, queries.paging(page, size));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN, Roles.INTERNAL_SERVICE })
    public Uni<ModelView> get(@PathParam("id") String id) {
        return queries.model(access.read(), id);
    }

    @GET
    @Path("{id}/family")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<FamilyView> family(@PathParam("id") String id, @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return queries.family(access.read(), id, queries.paging(page, size));
    }

    @GET
    @Path("{id}/ancestors")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<WalkView> ancestors(@PathParam("id") String id, @QueryParam("depth") Integer depth) {
        return queries.ancestors(access.read(), id, queries.depth(depth));
    }

    @GET
    @Path("{id}/descendants")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<WalkView> descendants(@PathParam("id") String id, @QueryParam("depth") Integer depth,
            @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return queries.descendants(access.read(), id, queries.depth(depth), queries.paging(page, size));
    }

    @GET
    @Path("{id}/exposure")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN, Roles.INTERNAL_SERVICE })
    public Uni<ExposureView> exposure(@PathParam("id") String id, @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return queries.exposure(access.read(), id, queries.paging(page, size));
    }

    @GET
    @Path("{id}/training-runs")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<List<TrainingRunView>> trainingRuns(@PathParam("id") String id) {
        return queries.trainingRunsOf(access.read(), id);
    }
}
