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
import io.traittrace.lineage.domain.Commands.NewDataset;
import io.traittrace.lineage.service.LineageQueryService;
import io.traittrace.lineage.service.LineageWriteService;
import io.traittrace.lineage.service.Views.DatasetView;
import io.traittrace.lineage.service.Views.Written;

@Path("/api/lineage/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DatasetResource {

    private final LineageWriteService writes;
    private final LineageQueryService queries;
    private final TenantAccess access;

    public DatasetResource(LineageWriteService writes, LineageQueryService queries, TenantAccess access) {
        this.writes = writes;
        this.queries = queries;
        this.access = access;
    }

    @POST
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> register(@NotNull @Valid NewDataset dataset) {
        Tenant tenant = access.write();
        return writes.importRecords(tenant, new Import(null, List.of(dataset), null))
                .chain(result -> queries.dataset(tenant, dataset.id()).map(view -> new Written<>(view, result.datasetsCreated() == 1)))
                .map(written -> Created.of(written, "/api/lineage/datasets/" + dataset.id()));
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Page<DatasetView>> list(@QueryParam("generatedBy") String generatedBy, @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return queries.datasets(access.read(), generatedBy, queries.paging(page, size));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN, Roles.INTERNAL_SERVICE })
    public Uni<DatasetView> get(@PathParam("id") String id) {
        return queries.dataset(access.read(), id);
    }
}
