package io.traittrace.report.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Dsse;
import io.traittrace.verifier.SigstoreBundle;

/** Builds, canonicalises and signs a certificate: pure computation, no I/O. */
public final class CertificateIssuer {

    private final String issuer;
    private final String serviceVersion;
    private final Duration validity;

    public CertificateIssuer(String issuer, String serviceVersion, Duration validity) {
        this.issuer = issuer;
        this.serviceVersion = serviceVersion;
        this.validity = validity;
    }

    public record Issued(UUID certificateId, ObjectNode statement, byte[] statementBytes, ObjectNode bundle,
            String keyid, Instant issuedAt, Instant expiresAt, AuditScope scope) {
    }

    public Issued issue(AuditCompleted audit, SigningKey key, Instant now) {
        var problems = audit.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("The audit cannot be certified: " + String.join("; ", problems));
        }
        Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(validity);
        UUID id = StatementBuilder.certificateId(audit.auditId());
        ObjectNode statement = StatementBuilder.build(audit, id, issuer, serviceVersion, issuedAt, expiresAt);
        byte[] payload = Canonical.bytes(statement);
        byte[] signature = key.sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        ObjectNode bundle = SigstoreBundle.of(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, key.keyid(), signature);
        return new Issued(id, statement, payload, bundle, key.keyid(), issuedAt, expiresAt, audit.scope());
    }
}
