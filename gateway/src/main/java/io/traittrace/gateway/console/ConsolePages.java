package io.traittrace.gateway.console;

import java.net.URI;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.gateway.client.UpstreamUnavailableException;

/**
 * {@code /console}: where to start, and the latest audits (a platform admin starts at the organisations);
 * {@code /console/keys} for administrators.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
public class ConsolePages {

    static final int RECENT_AUDITS = 5;

    private final ConsoleService console;
    private final ConsoleUser user;
    private final Template home;
    private final Template keys;

    public ConsolePages(ConsoleService console, ConsoleUser user, @Location("console/home.html") Template home,
            @Location("console/keys.html") Template keys) {
        this.console = console;
        this.user = user;
        this.home = home;
        this.keys = keys;
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN })
    public Uni<Response> home() {
        if (!user.reader()) {
            // A platform admin on their own reads no organisation's data: their console is the organisations.
            return Uni.createFrom().item(Response.seeOther(URI.create("/console/organizations")).build());
        }
        // The home page still orients when the runner is down; it says so in place of the list.
        return console.audits(null, null, 0, RECENT_AUDITS)
                .map(page -> home.data("audits", page).data("runnerDown", null))
                .onFailure(UpstreamUnavailableException.class)
                .recoverWithItem(e -> home.data("audits", Map.of()).data("runnerDown",
                        ConsoleErrors.serviceDown((UpstreamUnavailableException) e)))
                .map(page -> Response.ok(page).build());
    }

    @GET
    @Path("keys")
    @RolesAllowed(Roles.ADMIN)
    public Uni<TemplateInstance> keys() {
        return console.keys().map(page -> keys.data("keys", page));
    }
}
