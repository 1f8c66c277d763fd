package io.traittrace.gateway.console;

import java.util.List;
import java.util.Map;

import io.quarkus.qute.TemplateData;

/**
 * One certificate: its in-toto statement (decoded, as signed), what the public verify endpoint says of its bundle,
 * and the model-card snippet that cites it.
 */
@TemplateData
public record CertificateView(String id, Map<String, Object> statement, String statementJson, String modelCard, boolean valid,
        List<String> reasons) {

    static CertificateView of(String id, Map<String, Object> statement, String statementJson, String modelCard,
            Map<String, Object> verification) {
        List<String> reasons = verification.get("reasons") instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
        return new CertificateView(id, statement, statementJson, modelCard, Boolean.TRUE.equals(verification.get("valid")), reasons);
    }

    public Map<?, ?> predicate() {
        return statement.get("predicate") instanceof Map<?, ?> p ? p : Map.of();
    }

    public Map<?, ?> subject() {
        return statement.get("subject") instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> s ? s : Map.of();
    }

    public String subjectDigest() {
        return subject().get("digest") instanceof Map<?, ?> d && d.get("sha256") != null ? "sha256:" + d.get("sha256") : null;
    }

    public Map<?, ?> verdict() {
        return predicate().get("verdict") instanceof Map<?, ?> v ? v : Map.of();
    }

    public String outcome() {
        return verdict().get("outcome") == null ? null : verdict().get("outcome").toString();
    }

    /** The pipeline-check predicate type: evidence about the audit method, whose subject is the probe spec, not a model. */
    public static final String PIPELINE_CHECK_TYPE = "https://traittrace.io/attestations/pipeline-check/v1";

    public Map<?, ?> scope() {
        return predicate().get("scope") instanceof Map<?, ?> s ? s : Map.of();
    }

    /** subject-evaluated, pipeline-check or self-attested; "not stated" for certificates issued before scopes were stated. */
    public String scopeClass() {
        return scope().get("class") == null ? "not stated" : scope().get("class").toString();
    }

    public boolean pipelineCheck() {
        return PIPELINE_CHECK_TYPE.equals(statement.get("predicateType"));
    }

    /** "yes", "no", or "not stated". */
    public String subjectEvaluated() {
        Object evaluated = scope().get("subjectEvaluated");
        return evaluated instanceof Boolean b ? (b ? "yes" : "no") : "not stated";
    }

    /** The student a pipeline check was requested for (never evaluated), or the audited student. */
    public Map<?, ?> model() {
        Object m = predicate().get(pipelineCheck() ? "requestedFor" : "student");
        return m instanceof Map<?, ?> map ? map : Map.of();
    }

    public String auditId() {
        return predicate().get("audit") instanceof Map<?, ?> a && a.get("id") != null ? a.get("id").toString() : null;
    }

    /** Whether the verifier reports the certificate itself revoked (the revocation list is one of its checks). */
    public boolean revoked() {
        return reasons.stream().anyMatch(reason -> reason.startsWith("certificate-revoked"));
    }

    public String revocation() {
        return reasons.stream().filter(reason -> reason.startsWith("certificate-revoked")).findFirst()
                .map(reason -> reason.replaceFirst("^certificate-revoked:\\s*", "")).orElse(null);
    }

    public String bundleUrl() {
        return "/api/certificates/" + id;
    }
}
