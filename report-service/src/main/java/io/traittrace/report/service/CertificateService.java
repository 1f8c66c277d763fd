package io.traittrace.report.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.paging.PageLimits;
import io.traittrace.api.paging.PageRequest;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.domain.AuditCompleted;
import io.traittrace.report.domain.CertificateIssuer;
import io.traittrace.report.events.CertificateEvents;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.report.repository.CertificateRepository;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.VerificationPolicy;
import io.traittrace.verifier.VerificationResult;
import io.traittrace.verifier.Verifier;

/** Issues, stores, revokes and verifies certificates; every write commits with its outbox event. */
@ApplicationScoped
public class CertificateService {

    private static final Logger LOG = Logger.getLogger(CertificateService.class);

    private final CertificateRepository repository;
    private final CertificateEvents events;
    private final KeyRing keys;
    private final CertificateMetrics metrics;
    private final CertificateIssuer issuer;
    private final PageLimits pageLimits;

    public CertificateService(CertificateRepository repository, CertificateEvents events, KeyRing keys, CertificateMetrics metrics,
            ReportConfig config, @ConfigProperty(name = "quarkus.application.version") String version) {
        this.repository = repository;
        this.events = events;
        this.keys = keys;
        this.metrics = metrics;
        this.issuer = new CertificateIssuer(config.certificates().issuer(), "report-service " + version,
                config.certificates().validity());
        this.pageLimits = new PageLimits(config.limits().defaultPageSize(), config.limits().maxPageSize());
    }

    /** Issues the audit's certificate unless it has one; true when this call issued it. */
    public Uni<Boolean> issue(AuditCompleted audit) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return store(audit).invoke(issued -> {
                if (issued) {
                    metrics.issued(audit.outcome(), Duration.ofNanos(System.nanoTime() - start));
                }
            });
        });
    }

    private Uni<Boolean> store(AuditCompleted audit) {
        return Panache.withTransaction(() -> repository.find("auditId", audit.auditId()).firstResult().chain(existing -> {
            if (existing != null) {
                if (!existing.organization.equals(audit.organization())) {
                    // Audit ids are UUIDs: a second organisation naming one is a bug upstream; the first certificate stays its owner's.
                    LOG.warnf("Audit %s already has a certificate in another organisation; the event for %s is ignored", audit.auditId(),
                            audit.organization());
                }
                return Uni.createFrom().item(false);
            }
            CertificateIssuer.Issued issued = issuer.issue(audit, keys.signer(), Instant.now());
            CertificateEntity c = new CertificateEntity();
            c.id = issued.certificateId();
            c.organization = audit.organization();
            c.auditId = audit.auditId();
            c.modelId = audit.student().id();
            c.modelName = audit.student().name();
            c.modelDigest = audit.student().digest();
            c.subjectName = issued.statement().at("/subject/0/name").asText();
            c.subjectDigest = "sha256:" + issued.statement().at("/subject/0/digest/sha256").asText();
            c.scopeClass = issued.scope().scopeClass();
            c.subjectEvaluated = issued.scope().subjectEvaluated();
            c.verdict = audit.outcome();
            c.keyid = issued.keyid();
            c.issuedAt = OffsetDateTime.ofInstant(issued.issuedAt(), ZoneOffset.UTC);
            c.expiresAt = OffsetDateTime.ofInstant(issued.expiresAt(), ZoneOffset.UTC);
            c.statement = new String(issued.statementBytes(), StandardCharsets.UTF_8);
            c.bundle = issued.bundle().toString();
            return repository.insertOnce(c).chain(inserted -> inserted ? events.issued(c).replaceWith(true) : Uni.createFrom().item(false));
        }));
    }

    /** A certificate the tenant may read; another organisation's is a 404, exactly as one that does not exist. */
    public Uni<CertificateEntity> get(UUID id, Tenant tenant) {
        return in(id, tenant.readable());
    }

    /** A certificate of {@code organization} (what one of its events names), for work done on its behalf. */
    public Uni<CertificateEntity> get(UUID id, String organization) {
        return in(id, List.of(organization));
    }

    /**
     * A certificate in whichever organisation owns it: only for a {@code certificate-issued} or {@code -revoked} event
     * written before events named their organisation, where the certificate's own (after V5 the default one) stands.
     */
    public Uni<CertificateEntity> getAnnouncedWithoutOrganization(UUID id) {
        return Panache.withSession(() -> repository.findById(id))
                .onItem().ifNull().failWith(() -> ReportProblem.notFound("Certificate " + id));
    }

    private Uni<CertificateEntity> in(UUID id, Collection<String> organizations) {
        return Panache.withSession(() -> repository.findIn(id, organizations))
                .onItem().ifNull().failWith(() -> ReportProblem.notFound("Certificate " + id));
    }

    /** The page a caller asked for, within this service's page sizes (the paging rule is api-contract's). */
    public PageRequest paging(Integer page, Integer size) {
        return PageRequest.of(page, size, pageLimits);
    }

    /** The tenant's certificates (and the public catalogue's) that {@code filter} names, newest first. */
    public Uni<Page<CertificateEntity>> search(Tenant tenant, CertificateFilter filter, PageRequest paging) {
        return Panache.withSession(() -> repository.search(tenant.readable(), filter.model(), filter.verdict(), filter.scope(),
                filter.subjectDigest(), paging));
    }

    private record Revocation(CertificateEntity certificate, boolean byThisCall) {
    }

    /**
     * Revokes with a reason; revoking a revoked certificate again changes nothing and announces nothing. A write: only
     * the tenant's own certificates (not the public catalogue's, which it only reads) are found.
     */
    public Uni<CertificateEntity> revoke(UUID id, Tenant tenant, String reason, String by) {
        return Panache.withTransaction(() -> repository.findIn(id, List.of(tenant.organization()))
                .onItem().ifNull().failWith(() -> ReportProblem.notFound("Certificate " + id))
                .chain(c -> {
                    if (c.revokedAt != null) {
                        return Uni.createFrom().item(new Revocation(c, false));
                    }
                    c.revokedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    c.revocationReason = reason;
                    c.revokedBy = by;
                    return events.revoked(c).replaceWith(new Revocation(c, true));
                }))
                .invoke(revocation -> {
                    if (revocation.byThisCall()) {
                        metrics.revoked();
                    }
                })
                .map(Revocation::certificate);
    }

    public Uni<List<CertificateEntity>> revocations() {
        return Panache.withSession(repository::revoked);
    }

    /**
     * Verifies a bundle against this service's keys and revocation list. The revocation lookup uses the
     * certificate id the payload claims; a forged claim fails the signature check anyway.
     */
    public Uni<VerificationResult> verify(JsonNode bundle, String expectedDigest) {
        return verify(bundle, expectedDigest, VerificationPolicy.NONE);
    }

    /** As {@link #verify(JsonNode, String)}, with the caller's policy (scope classes and verdicts it accepts) evaluated too. */
    public Uni<VerificationResult> verify(JsonNode bundle, String expectedDigest, VerificationPolicy policy) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            UUID claimed = claimedCertificateId(bundle);
            Uni<CertificateEntity> lookup = claimed == null ? Uni.createFrom().nullItem()
                    : Panache.withSession(() -> repository.findById(claimed));
            // Public and organisation-blind: a certificate proves what was audited, whoever presents it.
            return lookup.map(c -> {
                Map<String, String> revoked = c != null && c.revokedAt != null ? Map.of(c.id.toString(), c.revocationReason) : Map.of();
                return Verifier.of(keys.all(), revoked).verify(bundle, expectedDigest, policy, Instant.now());
            }).invoke(result -> metrics.verified(result.valid(), Duration.ofNanos(System.nanoTime() - start)));
        });
    }

    private static UUID claimedCertificateId(JsonNode bundle) {
        try {
            byte[] payload = Base64.getDecoder().decode(bundle.path("dsseEnvelope").path("payload").asText(""));
            return UUID.fromString(Canonical.JSON.readTree(payload).path("predicate").path("certificate").path("id").asText());
        } catch (Exception e) {
            return null;
        }
    }
}
