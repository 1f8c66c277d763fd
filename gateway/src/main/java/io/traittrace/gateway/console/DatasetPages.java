package io.traittrace.gateway.console;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;

/** A dataset, with the model that generated it. */
@Path("/console/datasets")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
public class DatasetPages {

    private final ConsoleService console;
    private final Template dataset;

    public DatasetPages(ConsoleService console, @Location("console/dataset.html") Template dataset) {
        this.console = console;
        this.dataset = dataset;
    }

    @GET
    @Path("{id}")
    public Uni<TemplateInstance> dataset(@PathParam("id") String id) {
        return console.dataset(id).map(found -> dataset.data("dataset", found)
                .data("generationJson", found.get("generation") == null ? null : console.prettyJson(found.get("generation"))));
    }
}
