package io.traittrace.report.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.paging.PageRequest;
import io.traittrace.service.repository.Sql;

@ApplicationScoped
public class CertificateRepository implements PanacheRepositoryBase<CertificateEntity, UUID> {

    /** Inserts unless the audit already has a certificate; true when this call inserted it. */
    public Uni<Boolean> insertOnce(CertificateEntity c) {
        return Sql.update("INSERT INTO certificate (id, audit_id, model_id, model_name, model_digest, verdict, keyid, issued_at,"
                + " expires_at, statement, bundle, subject_name, subject_digest, scope_class, subject_evaluated, organization)"
                + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT DO NOTHING",
                List.of(c.id, c.auditId, c.modelId, c.modelName, c.modelDigest, c.verdict, c.keyid, c.issuedAt, c.expiresAt,
                        c.statement, c.bundle, c.subjectName, c.subjectDigest, c.scopeClass, c.subjectEvaluated, c.organization))
                .map(n -> n == 1);
    }

    /** The certificate if it belongs to one of {@code organizations}; null otherwise, exactly as if it did not exist. */
    public Uni<CertificateEntity> findIn(UUID id, Collection<String> organizations) {
        return find("id = :id and organization in :organizations",
                Parameters.with("id", id).and("organizations", organizations)).firstResult();
    }

    /**
     * Certificates of {@code organizations} only.
     * model matches the id or name of the model the audit was requested for; verdict the outcome; scope the scope class;
     * subject the statement's subject digest (a pipeline check is never found under a model's digest); newest first.
     */
    public Uni<Page<CertificateEntity>> search(Collection<String> organizations, String model, String verdict, String scope,
            String subject, PageRequest paging) {
        List<String> where = new ArrayList<>();
        where.add("organization in :organizations");
        Parameters params = Parameters.with("organizations", organizations);
        if (model != null && !model.isBlank()) {
            where.add("(modelId = :model or modelName = :model)");
            params.and("model", model);
        }
        if (verdict != null && !verdict.isBlank()) {
            where.add("verdict = :verdict");
            params.and("verdict", verdict);
        }
        if (scope != null && !scope.isBlank()) {
            where.add("scopeClass = :scope");
            params.and("scope", scope);
        }
        if (subject != null && !subject.isBlank()) {
            where.add("subjectDigest = :subject");
            params.and("subject", subject);
        }
        var found = find(String.join(" and ", where), Sort.descending("issuedAt").and("id"), params.map());
        return found.page(paging.page(), paging.size()).list()
                .chain(items -> found.count().map(total -> Page.of(items, paging, total)));
    }

    public Uni<List<CertificateEntity>> revoked() {
        return list("revokedAt is not null", Sort.ascending("revokedAt").and("id"));
    }
}
