package io.traittrace.report.rest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.report.service.CertificateService;
import io.traittrace.report.service.KeyRing;
import io.traittrace.verifier.KeyStatus;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.VerificationKey;

/** The public routes registries and CI pipelines use to verify offline: keys and the revocation list. */
@Path("/api")
@PermitAll
public class PublicResource {

    private final KeyRing keys;
    private final CertificateService certificates;
    private final ReportConfig config;

    public PublicResource(KeyRing keys, CertificateService certificates, ReportConfig config) {
        this.keys = keys;
        this.certificates = certificates;
        this.config = config;
    }

    public record KeyView(String keyid, String algorithm, String status, String pem) {
    }

    /** Every verification key with its status, as PEM and as a JWKS (kid = keyid). */
    @GET
    @Path("keys")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> keys() {
        List<VerificationKey> all = keys.all();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", keys.signer().keyid());
        body.put("keys", all.stream().map(k -> new KeyView(k.keyid(), k.algorithm().name(), k.status().json(), k.pem())).toList());
        body.put("jwks", Map.of("keys", all.stream().map(k -> Keys.jwk(k.publicKey(), k.status())).toList()));
        return body;
    }

    /**
     * Revoked certificates with their reasons, and revoked keys: the file {@code traittrace-verify --revocations} reads.
     * Public across organisations, so it says only what a verifier needs: not the audit, not who revoked.
     */
    @GET
    @Path("revocations")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> revocations() {
        return certificates.revocations().map(revoked -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("issuer", config.certificates().issuer());
            body.put("generatedAt", Instant.now().toString());
            body.put("revocations", revoked.stream().map(PublicRevocation::of).toList());
            body.put("revokedKeys", keys.all().stream().filter(k -> k.status() == KeyStatus.REVOKED).map(VerificationKey::keyid).toList());
            return body;
        });
    }

    /** One revoked certificate as the public list shows it. */
    public record PublicRevocation(String certificateId, String subjectDigest, String reason, String revokedAt) {
        static PublicRevocation of(CertificateEntity c) {
            return new PublicRevocation(c.id.toString(), c.subjectDigest, c.revocationReason, c.revokedAt.toInstant().toString());
        }
    }
}
