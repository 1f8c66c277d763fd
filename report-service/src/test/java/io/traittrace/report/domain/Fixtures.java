package io.traittrace.report.domain;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.events.EventSamples;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.Keys;

/** The event contract's sample audit-completed payloads and helpers shared by the domain tests. */
public final class Fixtures {

    public static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private Fixtures() {
    }

    /** A trait-eval audit (subject-evaluated): the probe loaded the student, its base and its teacher. */
    public static ObjectNode sampleJson() {
        return EventSamples.auditCompleted();
    }

    /** A canary audit (a pipeline check): the probe trained its own networks on Fashion-MNIST; the student was never loaded. */
    public static ObjectNode canaryJson() {
        return EventSamples.auditCompletedCanary();
    }

    public static AuditCompleted canary() {
        return audit(canaryJson());
    }

    public static AuditCompleted audit(ObjectNode json) {
        return Canonical.JSON.convertValue(json, AuditCompleted.class);
    }

    public static AuditCompleted sample() {
        return audit(sampleJson());
    }

    public static CertificateIssuer issuer() {
        return new CertificateIssuer("https://traittrace.example/report-service", "test", Duration.ofDays(365));
    }

    public static SigningKey key(KeyAlgorithm algorithm) {
        var pair = Keys.generate(algorithm);
        return SigningKey.of(pair.getPrivate(), pair.getPublic());
    }
}
