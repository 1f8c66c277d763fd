package io.traittrace.report.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.report.rest.ReportApi.audit;
import static io.traittrace.report.rest.ReportApi.awaitCertificate;
import static io.traittrace.report.rest.ReportApi.canary;
import static io.traittrace.report.rest.ReportApi.cloudEvent;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.report.rest.ReportApi.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.hasSize;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.traittrace.report.domain.AuditCompleted;
import io.traittrace.report.domain.CertificateIssuer;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.Verifier;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class CertificateApiTest {

    private static final String BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    @Test
    void anAuditCompletedEventBecomesOneSignedCertificateAndOneEvent() throws Exception {
        String auditId = id("audit");
        String student = id("student");
        ObjectNode data = audit(auditId, student);
        // the same audit announced three times (two events, one redelivered): one certificate, one event
        publish(auditId, cloudEvent(data, "e1-" + auditId), cloudEvent(data, "e1-" + auditId), cloudEvent(data, "e2-" + auditId));
        String certId = awaitCertificate(student, 1);

        String bundle = as("viewer").get("/api/certificates/" + certId).then().statusCode(200)
                .contentType(BUNDLE).extract().asString();
        JsonNode json = Canonical.JSON.readTree(bundle);
        String keyid = as("viewer").get("/api/keys").then().extract().path("active");
        assertThat(json.at("/verificationMaterial/publicKey/hint").asText()).isEqualTo(keyid);
        assertThat(keyid).isEqualTo(TestKeys.key(TestKeys.ACTIVE).keyid());

        // the statement route serves the signed bytes exactly
        byte[] statement = as("viewer").get("/api/certificates/" + certId + "/statement").then().statusCode(200)
                .contentType("application/vnd.in-toto+json").extract().asByteArray();
        assertThat(statement).isEqualTo(Base64.getDecoder().decode(json.at("/dsseEnvelope/payload").asText()));
        JsonNode s = Canonical.JSON.readTree(statement);
        assertThat(s.at("/predicate/certificate/id").asText()).isEqualTo(certId);
        assertThat(s.at("/predicate/audit/id").asText()).isEqualTo(auditId);
        assertThat(s.at("/subject/0/name").asText()).isEqualTo("org/" + student);

        // verifiable offline with only the published public key
        String pem = given().get("/api/keys").then().statusCode(200).extract().path("keys.find { it.status == 'active' }.pem");
        var offline = Verifier.of(List.of(io.traittrace.verifier.VerificationKey.of(Keys.parsePublicPem(pem),
                io.traittrace.verifier.KeyStatus.ACTIVE)), Map.of()).verify(json, data.at("/student/digest").asText(), Instant.now());
        assertThat(offline.reasons()).isEmpty();

        // The duplicates are consumed too, and certify nothing more.
        await("one certificate of " + student).during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> as("viewer").queryParam("model", student).get("/api/certificates").then().extract().path("total"),
                        equalTo(1));
        as("viewer").queryParam("model", student).get("/api/certificates").then().body("total", equalTo(1))
                .body("items[0].scope.class", equalTo("subject-evaluated")).body("items[0].scope.subjectEvaluated", equalTo(true))
                .body("items[0].subject.digest", equalTo(data.at("/student/digest").asText()))
                .body("items[0].subject.name", equalTo("org/" + student))
                .body("items[0].predicateType", equalTo("https://traittrace.io/attestations/subliminal-audit/v1"));
        assertThat(s.at("/predicate/scope/class").asText()).isEqualTo("subject-evaluated");
        assertThat(s.at("/predicate/scope/subjectEvaluated").asBoolean()).isTrue();
        try (TopicReader reader = new TopicReader("certificate-issued")) {
            List<ConsumerRecord<String, String>> events = reader.awaitMatching(r -> certId.equals(r.key()), 1, Duration.ofSeconds(20));
            assertThat(reader.drainMatching(r -> certId.equals(r.key()), Duration.ofSeconds(2))).hasSize(1);
            JsonNode event = Canonical.JSON.readTree(events.get(0).value());
            assertThat(event.get("type").asText()).isEqualTo("io.traittrace.report.certificate-issued.v1");
            assertThat(event.at("/data/auditId").asText()).isEqualTo(auditId);
            assertThat(event.at("/data/verdict").asText()).isEqualTo("TRANSFER_DETECTED");
            assertThat(event.at("/data/model/digest").asText()).isEqualTo(data.at("/student/digest").asText());
            assertThat(event.at("/data/subject/digest").asText()).isEqualTo(data.at("/student/digest").asText());
            assertThat(event.at("/data/scope/class").asText()).isEqualTo("subject-evaluated");
            assertThat(event.at("/data/scope/subjectEvaluated").asBoolean()).isTrue();
        }
    }

    @Test
    void aCanaryAuditIsCertifiedAsAPipelineCheckNeverUnderTheStudentsDigest() throws Exception {
        String auditId = id("audit");
        String student = id("canaried");
        ObjectNode data = canary(auditId, student);
        String studentDigest = data.at("/student/digest").asText();
        publish(auditId, cloudEvent(data, id("e")));
        String certId = awaitCertificate(student, 1);

        JsonNode s = Canonical.JSON.readTree(as("viewer").get("/api/certificates/" + certId + "/statement").then().statusCode(200)
                .extract().asByteArray());
        assertThat(s.get("predicateType").asText()).isEqualTo("https://traittrace.io/attestations/pipeline-check/v1");
        assertThat(s.at("/subject/0/name").asText()).isEqualTo("traittrace-probe/canary@1");
        String specDigest = "sha256:" + s.at("/subject/0/digest/sha256").asText();
        assertThat(specDigest).isEqualTo("sha256:" + io.traittrace.verifier.Scope.specDigest(io.traittrace.verifier.Scope.spec(
                s.get("predicate")))).isNotEqualTo(studentDigest);
        assertThat(s.at("/predicate/requestedFor/id").asText()).isEqualTo(student);
        assertThat(s.at("/predicate/requestedFor/evaluated").asBoolean()).isFalse();
        assertThat(s.at("/predicate/student").isMissingNode()).isTrue();

        // Listed for the model it was requested for, saying what it is; never found under the student's digest.
        as("viewer").queryParam("model", student).get("/api/certificates").then().statusCode(200).body("total", equalTo(1))
                .body("items[0].scope.class", equalTo("pipeline-check")).body("items[0].scope.subjectEvaluated", equalTo(false))
                .body("items[0].subject.name", equalTo("traittrace-probe/canary@1")).body("items[0].subject.digest", equalTo(specDigest))
                .body("items[0].model.digest", equalTo(studentDigest))
                .body("items[0].predicateType", equalTo("https://traittrace.io/attestations/pipeline-check/v1"));
        as("viewer").queryParam("model", student).queryParam("subject", studentDigest).get("/api/certificates").then()
                .statusCode(200).body("total", equalTo(0));
        as("viewer").queryParam("model", student).queryParam("scope", "subject-evaluated").get("/api/certificates").then()
                .statusCode(200).body("total", equalTo(0));
        as("viewer").queryParam("subject", specDigest).queryParam("scope", "pipeline-check").get("/api/certificates").then()
                .statusCode(200).body("items.id", hasItem(certId));
        as("viewer").queryParam("scope", "evaluated").get("/api/certificates").then().statusCode(400);
        as("viewer").queryParam("subject", "md5:1").get("/api/certificates").then().statusCode(400);

        String bundle = as("viewer").get("/api/certificates/" + certId).then().extract().asString();
        given().contentType(BUNDLE).body(bundle).post("/api/certificates/verify").then().statusCode(200).body("valid", equalTo(true))
                .body("$", not(hasKey("policy")));
        given().contentType(ContentType.JSON).body(Map.of("bundle", Canonical.JSON.readTree(bundle), "modelDigest", studentDigest))
                .post("/api/certificates/verify").then().statusCode(200).body("valid", equalTo(false))
                .body("reasons[0]", containsString("subject-digest-mismatch"));
        // The registry policy refuses it; its own scope accepts it.
        given().contentType(ContentType.JSON).body(Map.of("bundle", Canonical.JSON.readTree(bundle), "requireScope", List.of("subject-evaluated")))
                .post("/api/certificates/verify").then().statusCode(200).body("valid", equalTo(true))
                .body("policy.satisfied", equalTo(false)).body("policy.requireScope", equalTo(List.of("subject-evaluated")))
                .body("policy.reasons[0]", startsWith("policy-scope: the certificate's scope is pipeline-check"));
        given().contentType(ContentType.JSON).body(Map.of("bundle", Canonical.JSON.readTree(bundle), "requireScope", "pipeline-check,self-attested",
                "requireVerdict", "NO_TRANSFER_DETECTED")).post("/api/certificates/verify").then().statusCode(200)
                .body("valid", equalTo(true)).body("policy.satisfied", equalTo(true)).body("policy.reasons", empty());
        given().contentType(ContentType.JSON).body(Map.of("bundle", Canonical.JSON.readTree(bundle), "requireVerdict", List.of("TRANSFER_DETECTED")))
                .post("/api/certificates/verify").then().statusCode(200).body("policy.satisfied", equalTo(false))
                .body("policy.reasons[0]", startsWith("policy-verdict: the verdict is NO_TRANSFER_DETECTED"));
        given().contentType(ContentType.JSON).body(Map.of("bundle", Canonical.JSON.readTree(bundle), "requireScope", "evaluated"))
                .post("/api/certificates/verify").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("bundle", Canonical.JSON.readTree(bundle), "requireVerdict", Map.of("a", 1)))
                .post("/api/certificates/verify").then().statusCode(400).contentType("application/problem+json");

        // Its model card and MLflow tags never read as a verdict on the student.
        String card = as("viewer").get("/api/certificates/" + certId + "/model-card").then().statusCode(200).extract().asString();
        assertThat(card).contains("pipeline check: evidence about the audit method; the model's weights were not evaluated")
                .doesNotContain("**Verdict:").doesNotContain("  verdict:");
        as("viewer").queryParam("format", "mlflow").get("/api/certificates/" + certId + "/model-card").then().statusCode(200)
                .body("tags.key", not(hasItem("traittrace.verdict")))
                .body("tags.find { it.key == 'traittrace.scope' }.value", equalTo("pipeline-check"))
                .body("tags.find { it.key == 'traittrace.subject_evaluated' }.value", equalTo("false"))
                .body("tags.find { it.key == 'traittrace.subject_digest' }.value", equalTo(specDigest));

        try (TopicReader reader = new TopicReader("certificate-issued")) {
            JsonNode event = Canonical.JSON.readTree(reader.awaitMatching(r -> certId.equals(r.key()), 1, Duration.ofSeconds(20)).get(0).value());
            assertThat(event.at("/data/subject/digest").asText()).isEqualTo(specDigest);
            assertThat(event.at("/data/scope/class").asText()).isEqualTo("pipeline-check");
            assertThat(event.at("/data/scope/subjectEvaluated").asBoolean()).isFalse();
        }
    }

    @Test
    void listFiltersByModelAndVerdictAndPages() throws Exception {
        String student = id("lister");
        ObjectNode a = audit(id("audit"), student);
        ObjectNode b = audit(id("audit"), student);
        ((ObjectNode) b.at("/result/verdict")).put("outcome", "INCONCLUSIVE");
        publish(student, cloudEvent(a, id("e")), cloudEvent(b, id("e")));
        awaitCertificate(student, 2);
        as("viewer").queryParam("model", student).queryParam("verdict", "INCONCLUSIVE").get("/api/certificates").then()
                .statusCode(200).body("total", equalTo(1)).body("items[0].verdict", equalTo("INCONCLUSIVE"))
                .body("items[0].model.id", equalTo(student));
        as("viewer").queryParam("model", "org/" + student).queryParam("size", 1).queryParam("page", 1).get("/api/certificates").then()
                .statusCode(200).body("total", equalTo(2)).body("items", hasSize(1)).body("page", equalTo(1));
        as("viewer").queryParam("verdict", "PASS").get("/api/certificates").then().statusCode(400).contentType("application/problem+json");
        as("viewer").queryParam("size", 100000).get("/api/certificates").then().statusCode(400)
                .body("detail", equalTo("page must be ≥ 0 and size between 1 and 200"));
        as("viewer").queryParam("page", -1).get("/api/certificates").then().statusCode(400)
                .body("detail", equalTo("page must be ≥ 0 and size between 1 and 200"));
    }

    @Test
    void eventsThatCannotBeCertifiedAreSkippedAndTheConsumerCarriesOn() throws Exception {
        String bad = id("bad");
        ObjectNode noDigest = audit(id("audit"), bad);
        ((ObjectNode) noDigest.get("student")).put("digest", "not-a-digest");
        String unknown = id("unknown-protocol");
        ObjectNode unknownProtocol = audit(id("audit"), unknown);
        ((ObjectNode) unknownProtocol.get("protocol")).put("name", "vibes");
        String unloaded = id("unloaded");
        ObjectNode notLoaded = audit(id("audit"), unloaded);
        ((ObjectNode) notLoaded.at("/result/data/0")).put("digest", "sha256:" + "e".repeat(64)); // trait-eval that did not load the student
        String good = id("good");
        publish("k", "not json at all", "{\"specversion\":\"1.0\",\"type\":\"something.else\",\"data\":{}}",
                cloudEvent(noDigest, id("e")), cloudEvent(unknownProtocol, id("e")), cloudEvent(notLoaded, id("e")),
                cloudEvent(audit(id("audit"), good), id("e")));
        awaitCertificate(good, 1);
        for (String model : List.of(bad, unknown, unloaded)) {
            as("viewer").queryParam("model", model).get("/api/certificates").then().body("total", equalTo(0));
        }
    }

    @Test
    void modelCardsForHuggingFaceAndMlflow() throws Exception {
        String student = id("carded");
        publish(student, cloudEvent(audit(id("audit"), student), id("e")));
        String certId = awaitCertificate(student, 1);
        String card = as("viewer").get("/api/certificates/" + certId + "/model-card").then().statusCode(200)
                .contentType(containsString("text/markdown")).extract().asString();
        assertThat(card).startsWith("---\ntraittrace:\n").contains("certificate: " + certId).contains("verdict: TRANSFER_DETECTED")
                .contains("\n---\n\n## Subliminal-learning audit (TraitTrace)").contains("**Verdict: TRANSFER_DETECTED**")
                .contains("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(card.split("---\n")[1]);
        assertThat(yaml.at("/traittrace/protocol").asText()).isEqualTo("trait-eval v1");
        assertThat(yaml.at("/traittrace/scope").asText()).isEqualTo("subject-evaluated");
        assertThat(yaml.at("/traittrace/subject_evaluated").asBoolean()).isTrue();
        assertThat(yaml.at("/traittrace/minimum_detectable_effect").asText()).isEqualTo("0.071 achieved (planned 0.087)");
        assertThat(yaml.at("/traittrace/revoked").asBoolean()).isFalse();

        var tags = as("viewer").queryParam("format", "mlflow").get("/api/certificates/" + certId + "/model-card").then()
                .statusCode(200).contentType(ContentType.JSON)
                .body("tags.key", hasItems("traittrace.certificate", "traittrace.verdict", "traittrace.subject_digest", "traittrace.scope",
                        "traittrace.subject_evaluated", "traittrace.power", "traittrace.minimum_detectable_effect"))
                .extract().jsonPath().getList("tags", Map.class);
        for (Map<?, ?> tag : tags) {
            assertThat(((String) tag.get("key")).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(250);
            assertThat(((String) tag.get("value")).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(5000);
        }
        as("viewer").queryParam("format", "docx").get("/api/certificates/" + certId + "/model-card").then().statusCode(400);
    }

    @Test
    void verifyIsPublicAndReportsEveryFailedCheck() throws Exception {
        String student = id("verified");
        ObjectNode data = audit(id("audit"), student);
        publish(student, cloudEvent(data, id("e")));
        String certId = awaitCertificate(student, 1);
        String bundle = as("viewer").get("/api/certificates/" + certId).then().extract().asString();
        String digest = data.at("/student/digest").asText();
        String before = Metrics.scrape();

        given().contentType(BUNDLE).body(bundle).post("/api/certificates/verify").then().statusCode(200)
                .body("valid", equalTo(true)).body("reasons", empty()).body("statement.predicate.certificate.id", equalTo(certId));
        given().contentType(ContentType.JSON).body(Map.of("bundle", Canonical.JSON.readTree(bundle), "modelDigest", digest))
                .post("/api/certificates/verify").then().statusCode(200).body("valid", equalTo(true));
        given().contentType(BUNDLE).queryParam("digest", "sha256:" + "b".repeat(64)).body(bundle).post("/api/certificates/verify")
                .then().statusCode(200).body("valid", equalTo(false)).body("reasons[0]", containsString("subject-digest-mismatch"));

        ObjectNode tampered = (ObjectNode) Canonical.JSON.readTree(bundle);
        ((ObjectNode) tampered.at("/dsseEnvelope/signatures/0")).put("keyid", "f".repeat(64));
        given().contentType(BUNDLE).body(tampered.toString()).post("/api/certificates/verify").then().statusCode(200)
                .body("valid", equalTo(false)).body("reasons[0]", containsString("hint-mismatch"));

        // a bundle signed by the retired key still verifies; one signed by the revoked key does not
        AuditCompleted other = Canonical.JSON.convertValue(audit(id("audit"), student), AuditCompleted.class);
        CertificateIssuer issuer = new CertificateIssuer("https://traittrace.io/report-service", "test", Duration.ofDays(30));
        given().contentType(BUNDLE).body(issuer.issue(other, TestKeys.key(TestKeys.RETIRED), Instant.now()).bundle().toString())
                .post("/api/certificates/verify").then().statusCode(200).body("valid", equalTo(true));
        given().contentType(BUNDLE).body(issuer.issue(other, TestKeys.key(TestKeys.REVOKED), Instant.now()).bundle().toString())
                .post("/api/certificates/verify").then().statusCode(200).body("valid", equalTo(false))
                .body("reasons[0]", containsString("key-revoked"));

        String after = Metrics.scrape();
        assertThat(increase(before, after, "traittrace_certificate_verifications_total", "outcome", "valid")).isEqualTo(3);
        assertThat(increase(before, after, "traittrace_certificate_verifications_total", "outcome", "invalid")).isEqualTo(3);
        assertThat(increase(before, after, "traittrace_certificate_verify_seconds_count")).isEqualTo(6);
    }

    @Test
    void badVerifyInputIs4xxProblemNever5xx() {
        for (String body : List.of("", "not json", "[1,2]", "{}", "{\"bundle\":{}}", "{\"mediaType\":\"x\",\"dsseEnvelope\":{\"payload\":\"%%%\"}}",
                "{\"mediaType\":\"x\",\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"###\"}]}}")) {
            given().contentType(BUNDLE).body(body).post("/api/certificates/verify").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON).body("{\"bundle\":{},\"modelDigest\":\"md5:1\"}").post("/api/certificates/verify").then()
                .statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.TEXT).body("hello").post("/api/certificates/verify").then().statusCode(415)
                .contentType("application/problem+json");
        given().contentType(BUNDLE).body("{\"x\":\"" + "a".repeat(1_100_000) + "\"}").post("/api/certificates/verify").then()
                .statusCode(413).contentType("application/problem+json");
    }

    @Test
    void adminsRevokeWithAReasonAndTheRevocationIsPublishedEverywhere() throws Exception {
        String student = id("revoked");
        publish(student, cloudEvent(audit(id("audit"), student), id("e")));
        String certId = awaitCertificate(student, 1);
        String bundle = as("viewer").get("/api/certificates/" + certId).then().extract().asString();
        double revokedBefore = Metrics.value("traittrace_certificates_revoked_total");

        as("admin").body(Map.of("reason", "the control-gen arm used the wrong teacher")).post("/api/certificates/" + certId + "/revoke")
                .then().statusCode(200).body("certificateId", equalTo(certId)).body("revokedBy", equalTo("user-admin"));
        // again: idempotent, the first reason stays
        as("admin").body(Map.of("reason", "another reason")).post("/api/certificates/" + certId + "/revoke").then().statusCode(200)
                .body("reason", equalTo("the control-gen arm used the wrong teacher"));
        as("admin").body(Map.of("reason", " ")).post("/api/certificates/" + certId + "/revoke").then().statusCode(400);
        as("admin").body(Map.of("reason", "x")).post("/api/certificates/00000000-0000-0000-0000-000000000000/revoke").then().statusCode(404);
        // Revoked once, however often asked.
        assertThat(Metrics.value("traittrace_certificates_revoked_total")).isEqualTo(revokedBefore + 1);

        given().get("/api/revocations").then().statusCode(200).body("revocations.certificateId", hasItem(certId))
                .body("revocations.find { it.certificateId == '" + certId + "' }.subjectDigest",
                        equalTo("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
                // Public to every organisation: what a verifier needs, not who revoked it or which audit it came from.
                .body("revocations.find { it.certificateId == '" + certId + "' }.keySet()",
                        containsInAnyOrder("certificateId", "subjectDigest", "reason", "revokedAt"))
                .body("revokedKeys", hasItem(TestKeys.key(TestKeys.REVOKED).keyid()));
        given().contentType(BUNDLE).body(bundle).post("/api/certificates/verify").then().statusCode(200)
                .body("valid", equalTo(false)).body("reasons[0]", containsString("certificate-revoked"))
                .body("reasons[0]", containsString("wrong teacher"));
        as("viewer").queryParam("model", student).get("/api/certificates").then().body("items[0].revoked", equalTo(true));

        try (TopicReader reader = new TopicReader("certificate-revoked")) {
            var events = reader.awaitMatching(r -> certId.equals(r.key()), 1, Duration.ofSeconds(20));
            assertThat(reader.drainMatching(r -> certId.equals(r.key()), Duration.ofSeconds(2))).hasSize(1);
            JsonNode event = Canonical.JSON.readTree(events.get(0).value());
            assertThat(event.get("type").asText()).isEqualTo("io.traittrace.report.certificate-revoked.v1");
            assertThat(event.at("/data/reason").asText()).isEqualTo("the control-gen arm used the wrong teacher");
        }
    }

    private static double increase(String before, String after, String name, String... labels) {
        return Metrics.valueIn(after, name, labels) - Metrics.valueIn(before, name, labels);
    }

    @Test
    void keysArePublicAsPemAndJwksWithStatuses() {
        var body = given().get("/api/keys").then().statusCode(200).body("keys", hasSize(3)).extract().jsonPath();
        assertThat(body.getList("keys.status")).containsExactlyInAnyOrder("active", "retired", "revoked");
        assertThat(body.getList("jwks.keys.kid")).containsExactlyInAnyOrderElementsOf(body.getList("keys.keyid"));
        assertThat(body.getList("jwks.keys.kty")).containsExactlyInAnyOrder("EC", "EC", "OKP");
        for (String pem : body.<String>getList("keys.pem")) {
            assertThat(Keys.keyid(Keys.parsePublicPem(pem))).isIn(body.getList("keys.keyid"));
        }
    }

    @Test
    void unknownCertificatesAre404Problems() {
        as("viewer").get("/api/certificates/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        as("viewer").get("/api/certificates/not-a-uuid/statement").then().statusCode(404).contentType("application/problem+json");
    }
}
