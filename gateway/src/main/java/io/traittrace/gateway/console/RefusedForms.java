package io.traittrace.gateway.console;

import java.util.List;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * A console form the gateway refused before any page saw it (the CSRF filter's bare 400 for a missing, expired or
 * foreign token; a 415 for a body that is not a form) gets a page that says what to do, under the same status.
 */
public class RefusedForms {

    private final Template error;

    public RefusedForms(@Location("console/error.html") Template error) {
        this.error = error;
    }

    @ServerResponseFilter
    public void explain(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if ((status != 400 && status != 415) || response.hasEntity() || !"POST".equals(request.getMethod())
                || !request.getUriInfo().getPath().startsWith("/console")) {
            return;
        }
        String html = error.data("status", status).data("title", "Form not accepted")
                .data("detail", "The form could not be accepted: it was sent without the console's form token, its token has"
                        + " expired, or it did not come from a console page. Nothing was changed. Go back, reload the page and"
                        + " send the form again.")
                .data("errors", List.of()).render();
        response.setEntity(html, null, MediaType.TEXT_HTML_TYPE);
    }
}
