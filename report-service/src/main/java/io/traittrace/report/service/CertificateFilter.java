package io.traittrace.report.service;

import java.util.List;
import java.util.Locale;

import io.traittrace.report.domain.AuditCompleted;
import io.traittrace.verifier.Scope;
import io.traittrace.verifier.Statements;

/**
 * Which certificates a list shows, read from its query parameters (each optional, blank as absent): {@code model} the
 * id or name of the model the audit was requested for, {@code verdict} an outcome, {@code scope} a scope class,
 * {@code subjectDigest} the statement's subject digest ({@code sha256:} added when the caller left it out).
 */
public record CertificateFilter(String model, String verdict, String scope, String subjectDigest) {

    /** The filter the parameters name; an unknown verdict or scope, or a digest that is not one, is a 400. */
    public static CertificateFilter parse(String model, String verdict, String scope, String subject) {
        if (verdict != null && !verdict.isBlank() && !Statements.VERDICT_OUTCOMES.contains(verdict)) {
            throw ReportProblem.badRequest("verdict must be one of " + Statements.VERDICT_OUTCOMES.stream().sorted().toList(), List.of());
        }
        if (scope != null && !scope.isBlank() && !Scope.CLASSES.contains(scope)) {
            throw ReportProblem.badRequest("scope must be one of " + Scope.CLASSES.stream().sorted().toList(), List.of());
        }
        String subjectDigest = subject == null || subject.isBlank() ? null : subject.trim().toLowerCase(Locale.ROOT);
        if (subjectDigest != null) {
            subjectDigest = subjectDigest.startsWith("sha256:") ? subjectDigest : "sha256:" + subjectDigest;
            if (!AuditCompleted.DIGEST.matcher(subjectDigest).matches()) {
                throw ReportProblem.badRequest("subject must be sha256:<64 hex>", List.of());
            }
        }
        return new CertificateFilter(model, verdict, scope, subjectDigest);
    }
}
