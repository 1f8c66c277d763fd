package io.traittrace.gateway.console;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;

/** Certificates: the list, one certificate with its statement, verification and model card, and revoking (admins). */
@Path("/console/certificates")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
public class CertificatePages {

    static final int PAGE_SIZE = 20;
    static final List<String> VERDICTS = List.of("TRANSFER_DETECTED", "NO_TRANSFER_DETECTED", "INCONCLUSIVE");
    static final int MAX_REASON = 2000;

    private final ConsoleService console;
    private final Template certificates;
    private final Template certificate;

    public CertificatePages(ConsoleService console, @Location("console/certificates.html") Template certificates,
            @Location("console/certificate.html") Template certificate) {
        this.console = console;
        this.certificates = certificates;
        this.certificate = certificate;
    }

    @GET
    public Uni<TemplateInstance> list(@QueryParam("verdict") String verdict, @QueryParam("model") String model,
            @QueryParam("page") String page) {
        String chosen = verdict != null && VERDICTS.contains(verdict.trim()) ? verdict.trim() : "";
        String modelFilter = model == null ? "" : model.trim();
        return console.certificates(chosen, modelFilter, Paging.number(page), PAGE_SIZE)
                .map(result -> certificates.data("result", result).data("verdict", chosen).data("model", modelFilter)
                        .data("verdicts", VERDICTS)
                        .data("paging", Paging.of(result, "/console/certificates", "verdict", chosen, "model", modelFilter)));
    }

    @GET
    @Path("{id}")
    public Uni<TemplateInstance> certificate(@PathParam("id") String id) {
        return page(id, null, null);
    }

    @POST
    @Path("{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> revoke(@PathParam("id") String id, @RestForm String reason) {
        String trimmed = reason == null ? "" : reason.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_REASON) {
            String error = trimmed.isEmpty() ? "Give a reason: it is published with the revocation."
                    : "The reason is limited to " + MAX_REASON + " characters.";
            return page(id, error, reason).map(page -> Response.status(422).entity(page).build());
        }
        return console.revokeCertificate(id, trimmed)
                .map(revoked -> Response.seeOther(URI.create("/console/certificates/" + id)).build())
                .onFailure(ConsoleProblem.class).recoverWithUni(failure -> {
                    ConsoleProblem problem = (ConsoleProblem) failure;
                    if (problem.status() >= 500 || problem.status() == 401 || problem.status() == 403 || problem.status() == 404) {
                        return Uni.createFrom().failure(problem);
                    }
                    return page(id, problem.detail(), reason).map(page -> Response.status(problem.status()).entity(page).build());
                });
    }

    private Uni<TemplateInstance> page(String id, String revokeError, String reason) {
        return console.certificate(id).map(page -> certificate.data("page", page).data("revokeError", revokeError)
                .data("reason", reason == null ? "" : reason));
    }
}
