package io.traittrace.report.mapping;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.traittrace.report.mapping.CertificateViews.Revocation;
import io.traittrace.report.mapping.CertificateViews.Summary;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.report.service.ModelCards;
import io.traittrace.verifier.Scope;
import io.traittrace.verifier.Statements;

/** Stored certificates as the API shows them. */
@ApplicationScoped
public class CertificateMapper {

    private final ModelCards cards;

    public CertificateMapper(ModelCards cards) {
        this.cards = cards;
    }

    public Summary summary(CertificateEntity c) {
        Map<String, String> model = new LinkedHashMap<>();
        model.put("id", c.modelId);
        model.put("name", c.modelName);
        model.put("digest", c.modelDigest);
        Map<String, String> subject = new LinkedHashMap<>();
        subject.put("name", c.subjectName);
        subject.put("digest", c.subjectDigest);
        String predicateType = Scope.PIPELINE_CHECK.equals(c.scopeClass)
                ? Statements.PIPELINE_CHECK_PREDICATE_TYPE : Statements.PREDICATE_TYPE;
        return new Summary(c.id.toString(), c.organization, c.auditId, model, subject,
                new CertificateViews.Scope(c.scopeClass, c.subjectEvaluated), predicateType, c.verdict, c.keyid,
                c.issuedAt.toInstant().toString(), c.expiresAt.toInstant().toString(), c.revokedAt != null, cards.url(c));
    }

    public Revocation revocation(CertificateEntity c) {
        return new Revocation(c.id.toString(), c.auditId, c.subjectDigest, c.revocationReason, c.revokedAt.toInstant().toString(),
                c.revokedBy);
    }
}
