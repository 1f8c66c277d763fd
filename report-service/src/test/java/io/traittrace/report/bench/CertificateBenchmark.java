package io.traittrace.report.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.events.EventSamples;
import io.traittrace.report.domain.AuditCompleted;
import io.traittrace.report.domain.CertificateIssuer;
import io.traittrace.report.domain.SigningKey;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Dsse;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.Verifier;

/**
 * Certificate issue (build + canonicalise + sign, no database) and verify throughput, against raw JCA ECDSA
 * P-256 sign/verify of the same PAE bytes in the same run. Not part of the test suite; run it with
 * {@code ./mvnw -q -B -pl test-support,report-service -am process-test-classes -Pbench} (figures: README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CertificateBenchmark {

    private AuditCompleted audit;
    private SigningKey key;
    private CertificateIssuer issuer;
    private Verifier verifier;
    private ObjectNode bundle;
    private byte[] pae;
    private byte[] signature;
    private Instant now;

    @Setup
    public void setUp() throws Exception {
        audit = Canonical.JSON.convertValue(EventSamples.auditCompleted(), AuditCompleted.class);
        var pair = Keys.generate(KeyAlgorithm.ECDSA_P256_SHA256);
        key = SigningKey.of(pair.getPrivate(), pair.getPublic());
        issuer = new CertificateIssuer("https://traittrace.io/report-service", "bench", Duration.ofDays(365));
        now = Instant.now();
        var issued = issuer.issue(audit, key, now);
        bundle = issued.bundle();
        verifier = Verifier.of(List.of(key.verificationKey()), Map.of());
        pae = Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, issued.statementBytes());
        signature = key.sign(pae);
    }

    @Benchmark
    public Object issue() {
        return issuer.issue(audit, key, now);
    }

    @Benchmark
    public byte[] rawJcaSign() {
        return Keys.sign(KeyAlgorithm.ECDSA_P256_SHA256, key.privateKey(), pae);
    }

    @Benchmark
    public Object verify() {
        return verifier.verify(bundle, null, now);
    }

    @Benchmark
    public boolean rawJcaVerify() {
        return Keys.verify(KeyAlgorithm.ECDSA_P256_SHA256, key.publicKey(), pae, signature);
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(CertificateBenchmark.class.getSimpleName()).build()).run();
    }
}
