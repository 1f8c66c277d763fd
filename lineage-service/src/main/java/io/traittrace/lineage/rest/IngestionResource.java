package io.traittrace.lineage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.lineage.domain.Commands.NewModelCard;
import io.traittrace.lineage.service.ModelCardIngestion;
import io.traittrace.lineage.service.OpenLineageEvent;
import io.traittrace.lineage.service.OpenLineageIngestion;

/** Lineage in external formats, mapped onto the same all-or-nothing import as {@code /api/lineage/import}. */
@Path("/api/lineage")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IngestionResource {

    private final OpenLineageIngestion openLineage;
    private final ModelCardIngestion modelCards;
    private final TenantAccess access;

    public IngestionResource(OpenLineageIngestion openLineage, ModelCardIngestion modelCards, TenantAccess access) {
        this.openLineage = openLineage;
        this.modelCards = modelCards;
        this.access = access;
    }

    /** An OpenLineage RunEvent; events that are not recorded get 202 so emitters sending every event see no error. */
    @POST
    @Path("openlineage")
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> openLineage(@NotNull @Valid OpenLineageEvent event) {
        return openLineage.ingest(access.write(), event)
                .map(result -> Response.status(result.recorded() ? 200 : 202).entity(result).build());
    }

    @POST
    @Path("model-cards")
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> modelCard(@NotNull @Valid NewModelCard card) {
        return modelCards.ingest(access.write(), card).map(written -> Created.of(written, "/api/lineage/models/" + card.model()));
    }
}
