package io.traittrace.report.mapping;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the certificate API answers about certificates (the bundle and statement go out as signed). */
public final class CertificateViews {

    private CertificateViews() {
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
    public record Scope(@JsonProperty("class") String scopeClass, Boolean subjectEvaluated) {
    }

    public record Revocation(String certificateId, String auditId, String subjectDigest, String reason, String revokedAt, String revokedBy) {
    }
}
