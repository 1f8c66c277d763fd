package io.traittrace.lineage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.lineage.domain.Commands.Import;
import io.traittrace.lineage.service.LineageWriteService;
import io.traittrace.lineage.service.Views.ImportResult;

/** Bulk registration (backfills, pipeline exports): all records or none, in one transaction. */
@Path("/api/lineage/import")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ImportResource {

    private final LineageWriteService writes;
    private final TenantAccess access;

    public ImportResource(LineageWriteService writes, TenantAccess access) {
        this.writes = writes;
        this.access = access;
    }

    @POST
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<ImportResult> importRecords(@NotNull @Valid Import batch) {
        return writes.importRecords(access.write(), batch);
    }
}
