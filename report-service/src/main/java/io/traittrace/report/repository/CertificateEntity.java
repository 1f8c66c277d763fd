package io.traittrace.report.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** An issued certificate: the signed statement, the bundle, and its revocation if any. */
@Entity
@Table(name = "certificate")
public class CertificateEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    /** The organisation of the audit it was issued from: every read and write is scoped to it. */
    @Column(nullable = false, length = 63)
    public String organization;

    @Column(name = "audit_id", nullable = false, unique = true)
    public String auditId;

    /** The model the audit was requested for (for a pipeline check: not evaluated, and not the subject). */
    @Column(name = "model_id", nullable = false)
    public String modelId;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(name = "model_digest", nullable = false)
    public String modelDigest;

    /** The statement's subject: the model for an audit of it, the probe spec for a pipeline check. */
    @Column(name = "subject_name", nullable = false)
    public String subjectName;

    @Column(name = "subject_digest", nullable = false)
    public String subjectDigest;

    /** subject-evaluated, pipeline-check or self-attested; null for certificates issued before scopes were stated. */
    @Column(name = "scope_class")
    public String scopeClass;

    @Column(name = "subject_evaluated")
    public Boolean subjectEvaluated;

    @Column(nullable = false)
    public String verdict;

    @Column(nullable = false)
    public String keyid;

    @Column(name = "issued_at", nullable = false)
    public OffsetDateTime issuedAt;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;

    @Column(nullable = false, columnDefinition = "text")
    public String statement;

    @Column(nullable = false, columnDefinition = "text")
    public String bundle;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    @Column(name = "revocation_reason")
    public String revocationReason;

    @Column(name = "revoked_by")
    public String revokedBy;
}
