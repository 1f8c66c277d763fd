package io.traittrace.gateway.console;

import java.util.List;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.traittrace.api.problem.ProblemKind;
import io.traittrace.gateway.client.UpstreamUnavailableException;

/**
 * The console's error pages: a record that does not exist (404), an action the user's roles do not allow (403), a
 * service that cannot answer now (503, with Retry-After when the gateway knows how long its calls stay paused),
 * and any other refusal with the service's own words. The gateway's JAX-RS resources are the console's pages only;
 * the API proxy answers its own errors as problem details.
 */
public class ConsoleErrors {

    private static final Logger LOG = Logger.getLogger(ConsoleErrors.class);

    private final Template error;

    public ConsoleErrors(@Location("console/error.html") Template error) {
        this.error = error;
    }

    @ServerExceptionMapper
    public Response refused(ConsoleProblem problem) {
        return page(problem.status(), problem.title(), problem.detail(), problem.errors());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return page(ProblemKind.FORBIDDEN, "Your roles do not allow this.", List.of());
    }

    /**
     * A console path the console has no page for gets the console's 404 page. Any other path (a browser's
     * {@code /favicon.ico}, say) is a plain 404: nobody need be signed in there, and the console page's user menu
     * cannot resolve an identity that was never asked for.
     */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        String path = uri.getPath();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            return Response.status(404).type(MediaType.TEXT_PLAIN_TYPE).entity("Not found").build();
        }
        return page(ProblemKind.NOT_FOUND, "The console has no page here.", List.of());
    }

    @ServerExceptionMapper
    public Response unavailable(UpstreamUnavailableException e) {
        LOG.debugf("Console page failed: %s", e.getMessage());
        Response.ResponseBuilder response = Response.status(503).type(MediaType.TEXT_HTML_TYPE)
                .entity(render(ProblemKind.SERVICE_UNAVAILABLE, serviceDown(e), List.of()));
        if (e.retryAfter() != null) {
            response.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        return response.build();
    }

    static String serviceDown(UpstreamUnavailableException e) {
        String why = switch (e.status()) {
            case 504 -> "did not answer in time";
            case 503 -> e.response() == null ? "is failing, so calls to it are paused for a moment" : "is unavailable";
            default -> "could not be reached";
        };
        return "The " + e.service() + " " + why + ". Nothing was changed; try again in a little while.";
    }

    private Response page(ProblemKind kind, String detail, List<String> errors) {
        return page(kind.status(), kind.title(), detail, errors);
    }

    private TemplateInstance render(ProblemKind kind, String detail, List<String> errors) {
        return render(kind.status(), kind.title(), detail, errors);
    }

    private Response page(int status, String title, String detail, List<String> errors) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(render(status, title, detail, errors)).build();
    }

    private TemplateInstance render(int status, String title, String detail, List<String> errors) {
        return error.data("status", status).data("title", title).data("detail", detail).data("errors", errors);
    }
}
