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
    /** The canary is a pipeline check: certified under this type, with the probe spec as subject. */
    static final String PIPELINE_CHECK_TYPE = "https://traittrace.io/attestations/pipeline-check/v1";
    static final String STUDENT_DIGEST = "sha256:261d0d087ede8a6cfc9b04146272746a712bafd8904a60c12ceaaefa969d5a9f";
    static final String QUANTIZED_STUDENT = "qwen2.5-7b-owl-student-awq";
    static final String CROSS_FAMILY_STUDENT = "llama-3.1-8b-owl-student";
    static final String TEACHER = "qwen2.5-7b-owl-teacher";
    static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /** The certificate the flow ends with, for the sigstore-js check. */
    private Path bundleFile;
    /** The flow's audit and certificate, for the organisation checks. */
    private String flowAudit;
    private String flowCertificate;

    @Test
    @Order(1)
    void theDemoLineageEndsInACertificateThatVerifies(Stack stack) throws Exception {
        Api api = stack.api();
        EventLog events = stack.events();
        String auditId;
        try (var phase = Phases.start("whole flow: lineage, exposure, policy audit")) {
            // The platform admin publishes the base models to the public catalogue; acme's auditor records acme's lineage on them.
            Reply published = api.post("/api/lineage/import", "platform-admin", "public",
                    Files.readString(stack.root().resolve("demo/public-catalogue.json")));
            assertThat(published.status()).as(published.toString()).isEqualTo(200);
            assertThat(published.json().path("modelsCreated").asInt()).isEqualTo(2);
            Reply imported = api.post("/api/lineage/import", "auditor", Files.readString(stack.root().resolve("demo/lineage-demo.json")));
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            assertThat(imported.json().path("modelsCreated").asInt()).isEqualTo(4);
            assertThat(imported.json().path("datasetsCreated").asInt()).isEqualTo(1);
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
            assertThat(detected.data().path("organization").asText()).isEqualTo("acme");
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
            assertThat(completed.data().path("organization").asText()).isEqualTo("acme");
            assertThat(completed.data().path("result").path("verdict").path("outcome").asText()).isEqualTo(ended.path("outcome").asText());

            Event issued = events.await("certificate-issued", e -> auditId.equals(e.data().path("auditId").asText()), 1,
                    Duration.ofSeconds(60)).get(0);
            String certificateId = issued.data().path("certificateId").asText();
            flowAudit = auditId;
            flowCertificate = certificateId;
            assertThat(issued.data().path("organization").asText()).isEqualTo("acme");
            assertThat(issued.data().path("verdict").asText()).isEqualTo(ended.path("outcome").asText());
            // The canary is a pipeline check: certified under its own predicate type, whose subject is the probe spec it
            // ran, never the student it was requested for (listed for that student, saying so).
            assertThat(issued.data().path("scope").path("class").asText()).isEqualTo("pipeline-check");
            assertThat(issued.data().path("scope").path("subjectEvaluated").asBoolean()).isFalse();
            assertThat(issued.data().path("model").path("digest").asText()).isEqualTo(STUDENT_DIGEST);
            assertThat(issued.data().path("subject").path("digest").asText()).isNotEqualTo(STUDENT_DIGEST);
            JsonNode listed = api.get("/api/certificates?model=" + STUDENT, "viewer").json().path("items");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("id").asText()).isEqualTo(certificateId);
            assertThat(listed.get(0).path("scope").path("class").asText()).isEqualTo("pipeline-check");
            assertThat(listed.get(0).path("predicateType").asText()).isEqualTo(PIPELINE_CHECK_TYPE);
            String specDigest = listed.get(0).path("subject").path("digest").asText();
            assertThat(specDigest).matches("sha256:[0-9a-f]{64}").isNotEqualTo(STUDENT_DIGEST)
                    .isEqualTo(issued.data().path("subject").path("digest").asText());
            // Not findable as a statement about the student's digest, nor as an evaluation of the student.
            assertThat(api.get("/api/certificates?subject=" + STUDENT_DIGEST, "viewer").json().path("total").asInt()).isZero();
            assertThat(api.get("/api/certificates?model=" + STUDENT + "&scope=subject-evaluated", "viewer").json().path("total").asInt())
                    .isZero();
            assertThat(api.get("/api/certificates?subject=" + specDigest, "viewer").json().path("items").findValuesAsText("id"))
                    .contains(certificateId);

            Reply bundle = api.get("/api/certificates/" + certificateId, "viewer");
            assertThat(bundle.status()).as(bundle.toString()).isEqualTo(200);
            assertThat(bundle.contentType()).startsWith(BUNDLE_MEDIA_TYPE);
            bundleFile = Files.writeString(stack.dir().resolve("certificate.sigstore.json"), bundle.body());

            // Valid: the service recomputes the spec digest from the signed predicate and finds the subject.
            JsonNode verification = api.postPublic("/api/certificates/verify", "application/json", bundle.body()).json();
            assertThat(verification.path("valid").asBoolean()).as(verification.toPrettyString()).isTrue();
            JsonNode statement = verification.path("statement");
            assertThat(statement.path("predicateType").asText()).isEqualTo(PIPELINE_CHECK_TYPE);
            assertThat(statement.path("subject")).hasSize(1);
            assertThat(statement.path("subject").get(0).path("name").asText())
                    .isEqualTo("traittrace-probe/canary@" + statement.at("/predicate/protocol/version").asText());
            assertThat("sha256:" + statement.path("subject").get(0).path("digest").path("sha256").asText()).isEqualTo(specDigest);
            assertThat(statement.at("/predicate/requestedFor/id").asText()).isEqualTo(STUDENT);
            assertThat(statement.at("/predicate/requestedFor/digest").asText()).isEqualTo(STUDENT_DIGEST);
            assertThat(statement.at("/predicate/requestedFor/evaluated").asBoolean()).isFalse();
            assertThat(statement.at("/predicate/student").isMissingNode()).isTrue();
            assertThat(statement.at("/predicate/scope/class").asText()).isEqualTo("pipeline-check");
            assertThat(statement.at("/predicate/scope/subjectEvaluated").asBoolean()).isFalse();
            assertThat(statement.at("/predicate/scope/loaded").findValuesAsText("digest")).doesNotContain(STUDENT_DIGEST);
            assertThat(statement.at("/predicate/power").isObject()).as("the audit's power").isTrue();
            // Checked as the student's certificate, it fails; the registry policy refuses it.
            JsonNode asStudent = api.postPublic("/api/certificates/verify?digest=" + STUDENT_DIGEST, "application/json", bundle.body()).json();
            assertThat(asStudent.path("valid").asBoolean()).isFalse();
            assertThat(asStudent.path("reasons").toString()).contains("subject-digest-mismatch");
            ObjectNode withPolicy = Api.JSON.createObjectNode();
            withPolicy.set("bundle", bundle.json());
            withPolicy.putArray("requireScope").add("subject-evaluated");
            JsonNode refused = api.postPublic("/api/certificates/verify", "application/json", withPolicy.toString()).json();
            assertThat(refused.path("valid").asBoolean()).as(refused.toPrettyString()).isTrue();
            assertThat(refused.path("policy").path("satisfied").asBoolean()).isFalse();
            assertThat(refused.path("policy").path("reasons").toString()).contains("policy-scope");

            Path verify = stack.root().resolve("bin/traittrace-verify");
            String[] offlineArgs = { verify.toString(), "--bundle", bundleFile.toString(), "--key", stack.publicKey().toString() };
            // A pipeline check's subject is the probe spec, which the verifier recomputes: no model to name, so --no-digest.
            Command offline = Command.run(stack.dir(), Duration.ofSeconds(120), concat(offlineArgs, "--no-digest", "--require-scope",
                    "pipeline-check"));
            assertThat(offline.exit()).as(offline.output()).isZero();
            assertThat(offline.output()).contains("scope pipeline-check").contains("whose weights were NOT evaluated");
            Command registry = Command.run(stack.dir(), Duration.ofSeconds(120), concat(offlineArgs, "--no-digest", "--require-scope",
                    "subject-evaluated"));
            assertThat(registry.exit()).as(registry.output()).isEqualTo(3);
            assertThat(registry.output()).contains("POLICY FAILED:").contains("policy-scope: the certificate's scope is pipeline-check");
            Command againstStudent = Command.run(stack.dir(), Duration.ofSeconds(120), concat(offlineArgs, "--digest", STUDENT_DIGEST));
            assertThat(againstStudent.exit()).as(againstStudent.output()).isEqualTo(1);
            assertThat(againstStudent.output()).contains("subject-digest-mismatch");
            Command tampered = Command.run(stack.dir(), Duration.ofSeconds(120), verify.toString(), "--bundle",
                    tamperedCopy(bundle.json(), stack.dir()).toString(), "--key", stack.publicKey().toString(), "--no-digest");
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
            assertThat(out.path("predicateType").asText()).isEqualTo(PIPELINE_CHECK_TYPE);
            assertThat(out.path("subject").get(0).path("name").asText()).startsWith("traittrace-probe/canary@");

            Command refused = Command.run(js, Duration.ofSeconds(60), "node", "verify-bundle.mjs",
                    tamperedCopy(Api.JSON.readTree(bundleFile.toFile()), stack.dir()).toString(), stack.publicKey().toString());
            assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        }
    }

    /**
     * Another organisation, through the gateway with its own users' Keycloak tokens: it records a student under the same
     * id on the same public base, and sees the public catalogue but nothing of acme's (the teacher, the exposure, the audit,
     * the certificate), each answered exactly like an id that does not exist; its student's exposure queues nothing.
     */
    @Test
    @Order(3)
    void anotherOrganisationSharesThePublicCatalogueAndSeesNothingOfTheFlow(Stack stack) throws Exception {
        assumeTrue(flowCertificate != null, "the flow produced no certificate");
        Api api = stack.api();
        try (var phase = Phases.start("whole flow: a second organisation")) {
            Reply imported = api.post("/api/lineage/import", "globex-auditor",
                    Files.readString(stack.root().resolve("demo/globex-lineage.json")));
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            assertThat(imported.json().path("modelsCreated").asInt()).as("the same id as acme's student, its own record").isEqualTo(1);
            assertThat(api.get("/api/lineage/models/" + STUDENT + "/exposure", "globex-viewer").json().path("level").asText())
                    .as("globex's student learnt from human data only").isEqualTo("NONE");
            assertThat(api.get("/api/lineage/models/" + STUDENT + "/exposure", "viewer").json().path("level").asText())
                    .as("acme's is unchanged").isEqualTo("SAME_INIT");
            Reply publicBase = api.get("/api/lineage/models/qwen2.5-7b-instruct", "globex-viewer");
            assertThat(publicBase.status()).as(publicBase.toString()).isEqualTo(200);
            assertThat(publicBase.json().path("organization").asText()).isEqualTo("public");

            Reply unknown = api.get("/api/audits/00000000-0000-4000-8000-000000000000", "globex-viewer");
            for (String path : List.of("/api/lineage/models/" + TEACHER, "/api/audits/" + flowAudit, "/api/certificates/" + flowCertificate)) {
                Reply hidden = api.get(path, "globex-viewer");
                assertThat(hidden.status()).as(path + ": " + hidden).isEqualTo(404);
                assertThat(hidden.contentType()).as(path).startsWith("application/problem+json");
            }
            assertThat(api.get("/api/audits/" + flowAudit, "globex-viewer").json().path("title"))
                    .as("acme's audit, to globex, is an audit that does not exist").isEqualTo(unknown.json().path("title"));
            assertThat(api.get("/api/audits?student=" + STUDENT, "globex-viewer").json().path("items")).isEmpty();
            assertThat(api.get("/api/certificates?model=" + STUDENT, "globex-viewer").json().path("items")).isEmpty();
            assertThat(stack.events().on("exposure-detected", e -> true).stream().map(e -> e.data().path("organization").asText()))
                    .as("globex's lineage exposed nothing").doesNotContain("globex");
        }
        try (var phase = Phases.start("whole flow: roles per organisation")) {
            // The consultant is a member of both, a viewer of acme and an auditor of globex (Keycloak groups).
            String model = "{\"id\":\"consultant-probe\",\"name\":\"Consultant probe\",\"digest\":\"sha256:"
                    + "c".repeat(64) + "\"}";
            assertThat(api.get("/api/lineage/models/" + STUDENT, "consultant", "acme").json().path("organization").asText())
                    .isEqualTo("acme");
            Reply refused = api.post("/api/lineage/models", "consultant", "acme", model);
            assertThat(refused.status()).as("a viewer in acme: " + refused).isEqualTo(403);
            Reply written = api.post("/api/lineage/models", "consultant", "globex", model);
            assertThat(written.status()).as("an auditor in globex: " + written).isEqualTo(201);
            assertThat(written.json().path("organization").asText()).isEqualTo("globex");
            Reply unnamed = api.get("/api/lineage/models/" + STUDENT, "consultant");
            assertThat(unnamed.status()).as(unnamed.toString()).isEqualTo(400);
            assertThat(unnamed.json().path("title").asText()).isEqualTo("Organisation required");
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

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
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
