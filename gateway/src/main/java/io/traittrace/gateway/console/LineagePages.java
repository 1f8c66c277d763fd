package io.traittrace.gateway.console;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;

/** The lineage explorer: model search, and a model with its family, ancestors, descendants and exposure. */
@Path("/console/models")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
public class LineagePages {

    static final int PAGE_SIZE = 20;

    private final ConsoleService console;
    private final Template models;
    private final Template model;

    public LineagePages(ConsoleService console, @Location("console/models.html") Template models,
            @Location("console/model.html") Template model) {
        this.console = console;
        this.models = models;
        this.model = model;
    }

    @GET
    public Uni<TemplateInstance> search(@QueryParam("q") String q, @QueryParam("page") String page) {
        String query = q == null ? "" : q.trim();
        return console.searchModels(query, Paging.number(page), PAGE_SIZE)
                .map(result -> models.data("q", query).data("result", result)
                        .data("paging", Paging.of(result, "/console/models", "q", query)));
    }

    @GET
    @Path("{id}")
    public Uni<TemplateInstance> model(@PathParam("id") String id) {
        return console.model(id).map(page -> model.data("page", page));
    }
}
