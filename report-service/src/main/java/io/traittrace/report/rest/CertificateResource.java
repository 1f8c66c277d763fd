package io.traittrace.report.rest;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.paging.PageRequest;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.report.service.CertificateFilter;
import io.traittrace.report.mapping.CertificateMapper;
import io.traittrace.report.mapping.CertificateViews.Revocation;
import io.traittrace.report.mapping.CertificateViews.Summary;
import io.traittrace.report.mapping.VerificationRequest;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.report.service.CertificateService;
import io.traittrace.report.service.ModelCards;
import io.traittrace.report.service.ReportProblem;
import io.traittrace.service.tenancy.CallerTenant;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.SigstoreBundle;
import io.traittrace.verifier.Statements;
import io.traittrace.verifier.VerificationPolicy;
import io.traittrace.verifier.VerificationResult;

/**
 * Certificates of the caller's organisation (its {@link CallerTenant}): another organisation's id answers 404, as an
 * unknown one does. Verification alone is public and organisation-blind.
 */
@Path("/api/certificates")
public class CertificateResource {

    public static final String STATEMENT_MEDIA_TYPE = "application/vnd.in-toto+json";

    private final CertificateService service;
    private final ModelCards cards;
    private final CertificateMapper mapper;
    private final SecurityIdentity identity;
    private final CallerTenant tenant;

    public CertificateResource(CertificateService service, ModelCards cards, CertificateMapper mapper, SecurityIdentity identity,
            CallerTenant tenant) {
        this.service = service;
        this.cards = cards;
        this.mapper = mapper;
        this.identity = identity;
        this.tenant = tenant;
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER })
    @Produces({ SigstoreBundle.MEDIA_TYPE, MediaType.APPLICATION_JSON })
    public Uni<Response> bundle(@PathParam("id") String id) {
        return certificate(id).map(c -> Response.ok(c.bundle).type(SigstoreBundle.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"traittrace-certificate-" + c.id + ".sigstore.json\"").build());
    }

    /** The signed statement, byte for byte as signed (RFC 8785 canonical JSON). */
    @GET
    @Path("{id}/statement")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER })
    @Produces({ STATEMENT_MEDIA_TYPE, MediaType.APPLICATION_JSON })
    public Uni<Response> statement(@PathParam("id") String id) {
        return certificate(id).map(c -> Response.ok(c.statement).type(STATEMENT_MEDIA_TYPE).build());
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER })
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Page<Summary>> list(@QueryParam("model") String model, @QueryParam("verdict") String verdict,
            @QueryParam("scope") String scope, @QueryParam("subject") String subject,
            @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        Tenant acting = tenant.get();
        PageRequest paging = service.paging(page, size);
        CertificateFilter filter = CertificateFilter.parse(model, verdict, scope, subject);
        return service.search(acting, filter, paging).map(found -> found.map(mapper::summary));
    }

    @GET
    @Path("{id}/model-card")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER })
    @Produces({ "text/markdown", MediaType.APPLICATION_JSON })
    public Uni<Response> modelCard(@PathParam("id") String id, @QueryParam("format") @DefaultValue("huggingface") String format) {
        if (!format.equals("huggingface") && !format.equals("mlflow")) {
            throw ReportProblem.badRequest("format must be huggingface or mlflow", List.of());
        }
        return certificate(id).map(c -> format.equals("mlflow")
                ? Response.ok(Map.of("tags", cards.mlflowTags(c))).type(MediaType.APPLICATION_JSON).build()
                : Response.ok(cards.huggingFace(c)).type("text/markdown; charset=UTF-8").build());
    }

    /** The caller's Hugging Face README (text) with this certificate merged in: the patch to commit. */
    @POST
    @Path("{id}/model-card/readme")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER })
    @Consumes({ "text/markdown", MediaType.TEXT_PLAIN })
    @Produces("text/markdown")
    public Uni<Response> readme(@PathParam("id") String id, String readme) {
        return certificate(id).map(c -> Response.ok(cards.patchReadme(readme, c)).type("text/markdown; charset=UTF-8").build());
    }

    /**
     * Public. The body is a bundle, or a bundle with the digest and policy to check it against
     * ({@link VerificationRequest}). A bundle that fails a check is answered 200 with {@code valid: false} and the
     * reasons; with a policy the answer also has {@code policy: {satisfied, reasons, requireScope, requireVerdict}}. A
     * body that is not a bundle at all, or an unknown scope or verdict, is a 400.
     */
    @POST
    @Path("verify")
    @PermitAll
    @Consumes({ MediaType.APPLICATION_JSON, SigstoreBundle.MEDIA_TYPE })
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<VerificationResult> verify(String body, @QueryParam("digest") String digest) {
        VerificationRequest request = VerificationRequest.parse(body, digest);
        return service.verify(request.bundle(), request.expectedDigest(), request.policy()).map(result -> {
            if (result.codes().contains("malformed-bundle")) {
                throw new ReportProblem(400, "Malformed bundle", "The body is not a Sigstore bundle with a DSSE envelope", result.reasons());
            }
            return result;
        });
    }

    public record RevokeRequest(@NotNull @NotBlank @Size(max = 2000) String reason) {
    }

    @POST
    @Path("{id}/revoke")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Revocation> revoke(@PathParam("id") String id, @Valid @NotNull RevokeRequest request) {
        Tenant acting = tenant.get();
        return service.revoke(uuid(id), acting, request.reason().trim(), identity.getPrincipal().getName()).map(mapper::revocation);
    }

    /** The caller's organisation first (its 400/403 problems come before any lookup), then the certificate in it. */
    private Uni<CertificateEntity> certificate(String id) {
        Tenant acting = tenant.get();
        return service.get(uuid(id), acting);
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ReportProblem.notFound("Certificate " + id);
        }
    }
}
