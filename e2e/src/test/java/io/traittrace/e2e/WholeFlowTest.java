package io.traittrace.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.e2e.Api.Reply;
import io.traittrace.e2e.EventLog.Event;

/**
 * The demo of bin/run-local, asserted at every hop: lineage imported through the gateway → exposure levels →
 * {@code exposure-detected} → the policy's audit ({@code audit-requested}, {@code audit-progress}) → the probe's runs →
 * the verdict ({@code audit-completed}) → the certificate ({@code certificate-issued}), verified by the service, by
 * the offline verifier and by sigstore-js; one audit row and one certificate row.
 */
@Order(1)
@ExtendWith(StackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeFlowTest {

    static final String STUDENT = "qwen2.5-7b-owl-student";
    static final String STUDENT_DIGEST = "sha256:261d0d087ede8a6cfc9b04146272746a712bafd8904a60c12ceaaefa969d5a9f";
    static final String QUANTIZED_STUDENT = "qwen2.5-7b-owl-student-awq";
    static final String CROSS_FAMILY_STUDENT = "llama-3.1-8b-owl-student";
    static final String TEACHER = "qwen2.5-7b-owl-teacher";
    static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /** The certificate the flow ends with, for the sigstore-js check. */
    private Path bundleFile;

    @Test
    @Order(1)
    void theDemoLineageEndsInACertificateThatVerifies(Stack stack) throws Exception {
        Api api = stack.api();
        EventLog events = stack.events();
        String auditId;
        try (var phase = Phases.start("whole flow: lineage, exposure, policy audit")) {
            Reply imported = api.post("/api/lineage/import", "auditor", Files.readString(stack.root().resolve("demo/lineage-demo.json")));
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            assertThat(imported.json().path("modelsCreated").asInt()).isEqualTo(6);
            assertThat(imported.json().path("datasetsCreated").asInt()).isEqualTo(2);
            assertThat(imported.json().path("trainingRunsCreated").asInt()).isEqualTo(2);
            // The owl student and its quantized descendant share the owl teacher's init; the Llama student does not.
            assertThat(imported.json().path("exposuresDetected").asInt()).isEqualTo(2);

            JsonNode exposure = api.get("/api/lineage/models/" + STUDENT + "/exposure", "viewer").json();
            assertThat(exposure.path("level").asText()).isEqualTo("SAME_INIT");
            assertThat(exposure.path("exposures").findValuesAsText("teacher")).contains(TEACHER);
            assertThat(api.get("/api/lineage/models/" + CROSS_FAMILY_STUDENT + "/exposure", "viewer").json().path("level").asText())
                    .isEqualTo("CROSS_FAMILY");

            Event detected = events.awaitKeyed("exposure-detected", STUDENT, 1, Duration.ofSeconds(30)).get(0);
            assertThat(detected.cloudEvent().path("type").asText()).isEqualTo("io.traittrace.lineage.exposure-detected.v1");
            assertThat(detected.cloudEvent().path("subject").asText()).isEqualTo(STUDENT);
            assertThat(detected.data().path("model").asText()).isEqualTo(STUDENT);
            assertThat(detected.data().path("level").asText()).isEqualTo("SAME_INIT");
            assertThat(detected.data().path("teacher").asText()).isEqualTo(TEACHER);
            assertThat(detected.data().path("dataset").asText()).isEqualTo("owl-numbers-10k");
            events.awaitKeyed("exposure-detected", QUANTIZED_STUDENT, 1, Duration.ofSeconds(30));

            // Policy "all": the exposure queued one canary audit of the student, and says which event did.
            JsonNode queued = Audits.until("the policy's audit of " + STUDENT, Duration.ofSeconds(60), () -> {
                JsonNode items = api.get("/api/audits?student=" + STUDENT, "viewer").json().path("items");
                return items.isEmpty() ? Optional.empty() : Optional.of(items);
            });
            assertThat(queued).hasSize(1);
            auditId = queued.get(0).path("id").asText();
            JsonNode audit = api.get("/api/audits/" + auditId, "viewer").json();
            assertThat(audit.path("protocol").asText()).isEqualTo("canary");
            assertThat(audit.path("requestedBy").asText()).isEqualTo("policy:exposure-detected");
            assertThat(audit.path("origin").asText()).isEqualTo("exposure-detected:" + detected.id());
            assertThat(audit.path("runs")).hasSize(Stack.POLICY_SEEDS);
            Event requested = events.awaitKeyed("audit-requested", auditId, 1, Duration.ofSeconds(30)).get(0);
            assertThat(requested.data().path("origin").asText()).isEqualTo("exposure-detected:" + detected.id());
            assertThat(requested.data().path("runs").asInt()).isEqualTo(Stack.POLICY_SEEDS);
        }

        JsonNode ended;
        try (var phase = Phases.start("whole flow: the probe runs the audit")) {
            ended = Audits.awaitEnded(api, auditId, Duration.ofMinutes(5));
        }
        try (var phase = Phases.start("whole flow: verdict, certificate, verification")) {
            assertThat(ended.path("state").asText()).as(ended.toPrettyString()).isEqualTo("COMPLETED");
            assertThat(ended.path("outcome").asText()).isIn("TRANSFER_DETECTED", "NO_TRANSFER_DETECTED", "INCONCLUSIVE");
            assertThat(ended.path("result").path("verdict").path("rule").asText()).contains("S_aux");
            assertThat(ended.path("runs").findValuesAsText("state")).hasSize(Stack.POLICY_SEEDS).containsOnly("SUCCEEDED");

            // Each run: RUNNING, then SUCCEEDED; each fact once.
            List<Event> progress = events.awaitKeyed("audit-progress", auditId, 2 * Stack.POLICY_SEEDS, Duration.ofSeconds(30));
            List<String> eachRunOnce = new ArrayList<>(Collections.nCopies(Stack.POLICY_SEEDS, "RUNNING"));
            eachRunOnce.addAll(Collections.nCopies(Stack.POLICY_SEEDS, "SUCCEEDED"));
            assertThat(progress.stream().map(e -> e.data().path("state").asText())).containsExactlyInAnyOrderElementsOf(eachRunOnce);
            Event completed = events.awaitKeyed("audit-completed", auditId, 1, Duration.ofSeconds(30)).get(0);
            assertThat(completed.data().path("student").path("id").asText()).isEqualTo(STUDENT);
            assertThat(completed.data().path("student").path("digest").asText()).isEqualTo(STUDENT_DIGEST);
            assertThat(completed.data().path("result").path("verdict").path("outcome").asText()).isEqualTo(ended.path("outcome").asText());

            Event issued = events.await("certificate-issued", e -> auditId.equals(e.data().path("auditId").asText()), 1,
                    Duration.ofSeconds(60)).get(0);
            String certificateId = issued.data().path("certificateId").asText();
            assertThat(issued.data().path("verdict").asText()).isEqualTo(ended.path("outcome").asText());
            JsonNode listed = api.get("/api/certificates?model=" + STUDENT, "viewer").json().path("items");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("id").asText()).isEqualTo(certificateId);

            Reply bundle = api.get("/api/certificates/" + certificateId, "viewer");
            assertThat(bundle.status()).as(bundle.toString()).isEqualTo(200);
            assertThat(bundle.contentType()).startsWith(BUNDLE_MEDIA_TYPE);
            bundleFile = Files.writeString(stack.dir().resolve("certificate.sigstore.json"), bundle.body());

            JsonNode verification = api.postPublic("/api/certificates/verify", "application/json", bundle.body()).json();
            assertThat(verification.path("valid").asBoolean()).as(verification.toPrettyString()).isTrue();
            assertThat(verification.path("statement").path("subject").get(0).path("digest").path("sha256").asText())
                    .isEqualTo(STUDENT_DIGEST.substring("sha256:".length()));
            JsonNode otherModel = api.postPublic("/api/certificates/verify?digest=sha256:" + "0".repeat(64), "application/json",
                    bundle.body()).json();
            assertThat(otherModel.path("valid").asBoolean()).isFalse();
            assertThat(otherModel.path("reasons").toString()).contains("subject-digest-mismatch");

            Path verify = stack.root().resolve("bin/traittrace-verify");
            Command offline = Command.run(stack.dir(), Duration.ofSeconds(120), verify.toString(), "--bundle", bundleFile.toString(),
                    "--key", stack.publicKey().toString(), "--digest", STUDENT_DIGEST);
            assertThat(offline.exit()).as(offline.output()).isZero();
            Command tampered = Command.run(stack.dir(), Duration.ofSeconds(120), verify.toString(), "--bundle",
                    tamperedCopy(bundle.json(), stack.dir()).toString(), "--key", stack.publicKey().toString());
            assertThat(tampered.exit()).as(tampered.output()).isEqualTo(1);

            assertThat(stack.runnerDb().count("SELECT count(*) FROM audit WHERE student = ?", STUDENT)).isEqualTo(1);
            assertThat(stack.reportDb().count("SELECT count(*) FROM certificate WHERE audit_id = ?", auditId)).isEqualTo(1);
            // Nothing announced twice: one event id per fact, however often it was sent.
            assertThat(EventLog.distinctIds(events.keyed("audit-completed", auditId))).hasSize(1);
            assertThat(EventLog.distinctIds(events.keyed("audit-progress", auditId))).hasSize(2 * Stack.POLICY_SEEDS);
            assertThat(events.keyed("exposure-detected", CROSS_FAMILY_STUDENT)).isEmpty();
        }
    }

    @Test
    @Order(2)
    void sigstoreJsVerifiesTheCertificate(Stack stack) throws Exception {
        assumeTrue(bundleFile != null, "the flow produced no certificate");
        for (String tool : List.of("node", "npm")) {
            assumeTrue(Command.onPath(tool), tool + " is not installed: the sigstore-js check is skipped");
        }
        try (var phase = Phases.start("whole flow: sigstore-js")) {
            Path js = installSigstoreJs(stack.root());
            Command verified = Command.run(js, Duration.ofSeconds(60), "node", "verify-bundle.mjs", bundleFile.toString(),
                    stack.publicKey().toString());
            assertThat(verified.exit()).as(verified.output()).isZero();
            JsonNode out = Api.JSON.readTree(verified.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
            assertThat(out.path("verified").asBoolean()).isTrue();
            assertThat(out.path("predicateType").asText()).isEqualTo("https://traittrace.io/attestations/subliminal-audit/v1");
            assertThat(out.path("subject").get(0).path("name").asText()).isNotBlank();

            Command refused = Command.run(js, Duration.ofSeconds(60), "node", "verify-bundle.mjs",
                    tamperedCopy(Api.JSON.readTree(bundleFile.toFile()), stack.dir()).toString(), stack.publicKey().toString());
            assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        }
    }

    /**
     * The report service's sigstore-js setup (its package.json, lockfile and script, report-service/src/test/js), installed
     * into this module's target: one npm setup for both modules' checks.
     */
    private static Path installSigstoreJs(Path root) throws Exception {
        Path js = Files.createDirectories(Path.of("target", "sigstore-js").toAbsolutePath());
        boolean changed = false;
        for (String file : List.of("package.json", "package-lock.json", "verify-bundle.mjs")) {
            Path source = root.resolve("report-service/src/test/js").resolve(file);
            Path target = js.resolve(file);
            changed |= !Files.exists(target) || Files.mismatch(source, target) != -1;
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (changed || !Files.isDirectory(js.resolve("node_modules/@sigstore/verify"))) {
            Command npm = Command.run(js, Duration.ofSeconds(240), "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
            assertThat(npm.exit()).as("npm ci: " + npm.output()).isZero();
        }
        return js;
    }

    /** The bundle with one byte of the signed statement changed. */
    private static Path tamperedCopy(JsonNode bundle, Path dir) throws Exception {
        ObjectNode copy = bundle.deepCopy();
        byte[] payload = Base64.getDecoder().decode(copy.at("/dsseEnvelope/payload").asText());
        payload[payload.length / 2] ^= 0x01;
        ((ObjectNode) copy.get("dsseEnvelope")).put("payload", Base64.getEncoder().encodeToString(payload));
        return Files.writeString(dir.resolve("certificate.tampered.sigstore.json"), copy.toString());
    }
}
