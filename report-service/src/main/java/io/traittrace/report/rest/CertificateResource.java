package io.traittrace.report.rest;

import java.util.LinkedHashMap;
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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.domain.AuditCompleted;
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
    private final ReportConfig config;
    private final SecurityIdentity identity;
    private final CallerTenant tenant;

    public CertificateResource(CertificateService service, ModelCards cards, ReportConfig config, SecurityIdentity identity,
            CallerTenant tenant) {
        this.service = service;
        this.cards = cards;
        this.config = config;
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

    /**
     * One certificate in a list. {@code model} is the model the audit was requested for; {@code subject} is what the
     * signed statement is about (for a pipeline check the probe spec, not the model) and {@code scope} says which:
     * registries match {@code subject.digest}, never {@code model.digest}.
     */
    public record Summary(String id, String organization, String auditId, Map<String, String> model, Map<String, String> subject, Scope scope,
            String predicateType, String verdict, String keyid, String issuedAt, String expiresAt, boolean revoked, String bundleUrl) {
    }

    /** The scope class ({@code null}: a certificate issued before scopes were stated) and whether the subject was evaluated. */
    public record Scope(@com.fasterxml.jackson.annotation.JsonProperty("class") String scopeClass, Boolean subjectEvaluated) {
    }

    public record PageView(List<Summary> items, int page, int size, long total) {
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER })
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<PageView> list(@QueryParam("model") String model, @QueryParam("verdict") String verdict,
            @QueryParam("scope") String scope, @QueryParam("subject") String subject,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") Integer size) {
        Tenant acting = tenant.get();
        int s = size == null ? config.limits().defaultPageSize() : size;
        if (page < 0 || s < 1 || s > config.limits().maxPageSize()) {
            throw ReportProblem.badRequest("page must be ≥ 0 and size between 1 and " + config.limits().maxPageSize(), List.of());
        }
        if (verdict != null && !verdict.isBlank() && !Statements.VERDICT_OUTCOMES.contains(verdict)) {
            throw ReportProblem.badRequest("verdict must be one of " + Statements.VERDICT_OUTCOMES.stream().sorted().toList(), List.of());
        }
        if (scope != null && !scope.isBlank() && !io.traittrace.verifier.Scope.CLASSES.contains(scope)) {
            throw ReportProblem.badRequest("scope must be one of " + io.traittrace.verifier.Scope.CLASSES.stream().sorted().toList(), List.of());
        }
        String subjectDigest = subject == null || subject.isBlank() ? null : subject.trim().toLowerCase(java.util.Locale.ROOT);
        if (subjectDigest != null) {
            subjectDigest = subjectDigest.startsWith("sha256:") ? subjectDigest : "sha256:" + subjectDigest;
            if (!AuditCompleted.DIGEST.matcher(subjectDigest).matches()) {
                throw ReportProblem.badRequest("subject must be sha256:<64 hex>", List.of());
            }
        }
        return service.search(acting, model, verdict, scope, subjectDigest, page, s).map(p -> new PageView(p.items().stream().map(this::summary).toList(), page, s, p.total()));
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
     * Public. The body is a bundle, or {@code {"bundle": {...}, "modelDigest": "sha256:...", "requireScope": [...],
     * "requireVerdict": [...]}} (each optional; the policy fields take a list or a comma-separated string); the digest
     * may also come as {@code ?digest=}. A bundle that fails a check is answered 200 with {@code valid: false} and the
     * reasons; with a policy the answer also has {@code policy: {satisfied, reasons, requireScope, requireVerdict}}. A
     * body that is not a bundle at all, or an unknown scope or verdict, is a 400.
     */
    @POST
    @Path("verify")
    @PermitAll
    @Consumes({ MediaType.APPLICATION_JSON, SigstoreBundle.MEDIA_TYPE })
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<VerificationResult> verify(String body, @QueryParam("digest") String digest) {
        JsonNode json;
        try {
            json = Canonical.JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new ReportProblem(400, "Malformed bundle", "The body is not JSON: " + e.getOriginalMessage(), List.of());
        }
        if (json == null || !json.isObject()) {
            throw new ReportProblem(400, "Malformed bundle", "The body must be a JSON object: a bundle or {bundle, modelDigest}", List.of());
        }
        JsonNode bundle = json;
        String expected = digest;
        VerificationPolicy policy = VerificationPolicy.NONE;
        if (json.has("bundle")) {
            bundle = json.get("bundle");
            if (json.path("modelDigest").isTextual()) {
                expected = json.get("modelDigest").asText();
            }
            try {
                policy = VerificationPolicy.parse(texts(json.get("requireScope")), texts(json.get("requireVerdict")));
            } catch (IllegalArgumentException e) {
                throw ReportProblem.badRequest("policy: " + e.getMessage(), List.of());
            }
        }
        if (expected != null && !expected.isBlank() && !expected.trim().toLowerCase(java.util.Locale.ROOT).matches("(sha256:)?[0-9a-f]{64}")) {
            throw ReportProblem.badRequest("modelDigest must be sha256:<64 hex>", List.of());
        }
        String expectedDigest = expected;
        JsonNode candidate = bundle;
        VerificationPolicy requested = policy;
        return service.verify(candidate, expectedDigest, requested).map(result -> {
            if (result.codes().contains("malformed-bundle")) {
                throw new ReportProblem(400, "Malformed bundle", "The body is not a Sigstore bundle with a DSSE envelope", result.reasons());
            }
            return result;
        });
    }

    /** A policy field: absent, a string (comma-separated) or an array of strings. */
    private static List<String> texts(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (node.isArray()) {
            List<String> values = new java.util.ArrayList<>();
            for (JsonNode n : node) {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException("requireScope and requireVerdict take strings");
                }
                values.add(n.asText());
            }
            return values;
        }
        throw new IllegalArgumentException("requireScope and requireVerdict take a string or an array of strings");
    }

    public record RevokeRequest(@NotNull @NotBlank @Size(max = 2000) String reason) {
    }

    public record Revocation(String certificateId, String auditId, String subjectDigest, String reason, String revokedAt, String revokedBy) {
        static Revocation of(CertificateEntity c) {
            return new Revocation(c.id.toString(), c.auditId, c.subjectDigest, c.revocationReason, c.revokedAt.toInstant().toString(), c.revokedBy);
        }
    }

    @POST
    @Path("{id}/revoke")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Revocation> revoke(@PathParam("id") String id, @Valid @NotNull RevokeRequest request) {
        Tenant acting = tenant.get();
        return service.revoke(uuid(id), acting, request.reason().trim(), identity.getPrincipal().getName()).map(Revocation::of);
    }

    private Summary summary(CertificateEntity c) {
        Map<String, String> model = new LinkedHashMap<>();
        model.put("id", c.modelId);
        model.put("name", c.modelName);
        model.put("digest", c.modelDigest);
        Map<String, String> subject = new LinkedHashMap<>();
        subject.put("name", c.subjectName);
        subject.put("digest", c.subjectDigest);
        String predicateType = io.traittrace.verifier.Scope.PIPELINE_CHECK.equals(c.scopeClass)
                ? Statements.PIPELINE_CHECK_PREDICATE_TYPE : Statements.PREDICATE_TYPE;
        return new Summary(c.id.toString(), c.organization, c.auditId, model, subject, new Scope(c.scopeClass, c.subjectEvaluated), predicateType,
                c.verdict, c.keyid, c.issuedAt.toInstant().toString(), c.expiresAt.toInstant().toString(), c.revokedAt != null, cards.url(c));
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
