package io.traittrace.gateway.console;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/** Where the identity provider sends the browser after signing out of the console ({@code post-logout-path}). */
@Path("/signed-out")
@PermitAll
public class SignedOutPages {

    private final Template signedOut;

    public SignedOutPages(@Location("console/signed-out.html") Template signedOut) {
        this.signedOut = signedOut;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance signedOut() {
        return signedOut.instance();
    }
}
