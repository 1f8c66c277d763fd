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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.domain.Commands.Import;
import io.traittrace.lineage.domain.Commands.NewTrainingRun;
import io.traittrace.lineage.service.LineageQueryService;
import io.traittrace.lineage.service.LineageWriteService;
import io.traittrace.lineage.service.Views.TrainingRunView;
import io.traittrace.lineage.service.Views.Written;

@Path("/api/lineage/training-runs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TrainingRunResource {

    private final LineageWriteService writes;
    private final LineageQueryService queries;
    private final TenantAccess access;

    public TrainingRunResource(LineageWriteService writes, LineageQueryService queries, TenantAccess access) {
        this.writes = writes;
        this.queries = queries;
        this.access = access;
    }

    @POST
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> register(@NotNull @Valid NewTrainingRun run) {
        Tenant tenant = access.write();
        return writes.importRecords(tenant, new Import(null, null, List.of(run)))
                .chain(result -> queries.trainingRun(tenant, run.id()).map(view -> new Written<>(view, result.trainingRunsCreated() == 1)))
                .map(written -> Created.of(written, "/api/lineage/training-runs/" + run.id()));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<TrainingRunView> get(@PathParam("id") String id) {
        return queries.trainingRun(access.read(), id);
    }
}
