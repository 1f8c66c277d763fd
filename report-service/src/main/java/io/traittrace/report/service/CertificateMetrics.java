package io.traittrace.report.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The report service's domain metrics (names and meaning in the README). Issues and revocations are counted once
 * committed, and only when the call changed something: a redelivered event or a repeated revoke counts nothing.
 */
@ApplicationScoped
public class CertificateMetrics {

    private final MeterRegistry registry;
    private final Timer issueLatency;
    private final Counter valid;
    private final Counter invalid;
    private final Timer verifyLatency;
    private final Counter revoked;

    public CertificateMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.issueLatency = Timer.builder("traittrace.certificate.issue")
                .description("Signing and storing a certificate with its event, from the audit-completed record")
                .publishPercentileHistogram()
                .register(registry);
        this.valid = verifications(registry, "valid");
        this.invalid = verifications(registry, "invalid");
        this.verifyLatency = Timer.builder("traittrace.certificate.verify")
                .description("Verifying a bundle against the keys and the revocation list")
                .publishPercentileHistogram()
                .register(registry);
        this.revoked = Counter.builder("traittrace.certificates.revoked")
                .description("Certificates revoked")
                .register(registry);
    }

    private static Counter verifications(MeterRegistry registry, String outcome) {
        return Counter.builder("traittrace.certificate.verifications")
                .description("Bundles verified: valid, or invalid (a failed check or a malformed bundle)")
                .tag("outcome", outcome)
                .register(registry);
    }

    void issued(String verdict, Duration took) {
        Counter.builder("traittrace.certificates.issued")
                .description("Certificates issued, by the audit's verdict")
                .tag("verdict", verdict)
                .register(registry)
                .increment();
        issueLatency.record(took);
    }

    void verified(boolean isValid, Duration took) {
        (isValid ? valid : invalid).increment();
        verifyLatency.record(took);
    }

    void revoked() {
        revoked.increment();
    }

    /**
     * One certificate event handled for one registry kind ({@code mlflow}, {@code webhook}): {@code published},
     * {@code no-target} (its organisation has none of that kind: it publishes nowhere, by configuration),
     * {@code not-accepted} (the target does not take its scope class) or {@code not-applicable} (nothing to tag, e.g.
     * a pipeline check or a student URI that names no MLflow model version). Never tagged by organisation: metrics are
     * public.
     */
    public void published(String target, String outcome) {
        Counter.builder("traittrace.certificate.publications")
                .description("Certificate events handled per registry kind, by outcome")
                .tag("target", target)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }
}
