package io.traittrace.report.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.report.rest.ReportApi.audit;
import static io.traittrace.report.rest.ReportApi.awaitCertificate;
import static io.traittrace.report.rest.ReportApi.cloudEvent;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.report.rest.ReportApi.publish;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.traittrace.report.publishing.Webhooks;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;
import io.traittrace.testsupport.Callers;

/**
 * Registry publishing against WireMock stand-ins (on the OIDC test server's WireMock, so Quarkus still starts
 * once): MLflow set-tag calls with the real request shape, and an HMAC-signed webhook that is retried. Each organisation's
 * certificates go to its own targets only, with its own token and secret; an organisation without targets publishes
 * nowhere.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PublishingApiTest {

    /** acme's targets; globex has its own, initech none. */
    private static final String SET_TAG = "/auth/acme/mlflow/api/2.0/mlflow/model-versions/set-tag";
    private static final String HOOK = "/auth/acme/hooks";
    private static final String GLOBEX_SET_TAG = "/auth/globex/mlflow/api/2.0/mlflow/model-versions/set-tag";
    private static final String GLOBEX_HOOK = "/auth/globex/hooks";

    @OidcWireMock
    WireMockServer wiremock;

    @Test
    void anIssuedCertificateTagsTheMlflowModelVersionAndReachesTheWebhookAfterRetries() throws Exception {
        String student = id("mlflow-student");
        wiremock.stubFor(post(urlEqualTo(SET_TAG)).atPriority(5).willReturn(okJson("{}")));
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(10).willReturn(aResponse().withStatus(204)));
        String scenario = "flaky-" + student;
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(1).withRequestBody(containing(student)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("failed-once"));
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(1).withRequestBody(containing(student)).inScenario(scenario)
                .whenScenarioStateIs("failed-once").willReturn(aResponse().withStatus(500)).willSetStateTo("failed-twice"));
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(1).withRequestBody(containing(student)).inScenario(scenario)
                .whenScenarioStateIs("failed-twice").willReturn(aResponse().withStatus(200)).willSetStateTo("delivered"));

        ObjectNode data = audit(id("audit"), student);
        ((ObjectNode) data.get("student")).put("uri", "models:/" + student + "/3");
        publish(student, cloudEvent(data, id("e")));
        String certId = awaitCertificate(student, 1);

        List<LoggedRequest> hooks = await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(student))), 3);
        assertThat(hooks).hasSize(3); // 503, 500, then 200: retried with backoff, delivered once
        LoggedRequest delivered = hooks.get(2);
        String body = delivered.getBodyAsString();
        assertThat(Webhooks.valid(TestKeys.WEBHOOK_SECRETS.get("acme"), delivered.getHeader(Webhooks.TIMESTAMP_HEADER), body,
                delivered.getHeader(Webhooks.SIGNATURE_HEADER))).isTrue();
        assertThat(Webhooks.valid("another-secret", delivered.getHeader(Webhooks.TIMESTAMP_HEADER), body,
                delivered.getHeader(Webhooks.SIGNATURE_HEADER))).isFalse();
        JsonNode event = ReportApi.JSON.readTree(body);
        assertThat(event.get("type").asText()).isEqualTo("io.traittrace.report.certificate-issued.v1");
        assertThat(event.at("/data/certificateId").asText()).isEqualTo(certId);
        assertThat(delivered.getHeader(Webhooks.EVENT_ID_HEADER)).isEqualTo(event.get("id").asText());

        List<LoggedRequest> tags = await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(SET_TAG))
                .withRequestBody(containing("\"name\":\"" + student + "\""))), 10);
        for (LoggedRequest tag : tags) {
            JsonNode json = ReportApi.JSON.readTree(tag.getBodyAsString());
            assertThat(json.get("version").asText()).isEqualTo("3");
            assertThat(json.get("key").asText()).startsWith("traittrace.");
            assertThat(tag.getHeader("Authorization")).isEqualTo("Bearer " + TestKeys.MLFLOW_TOKENS.get("acme"));
        }
        assertThat(tags.stream().map(t -> t.getBodyAsString())).anyMatch(b -> b.contains("\"key\":\"traittrace.verdict\"")
                && b.contains("\"value\":\"TRANSFER_DETECTED\""));
        wiremock.verify(postRequestedFor(urlEqualTo(SET_TAG)).withHeader("Content-Type", containing("application/json")));
        assertThat(Instant.now()).isNotNull();
    }

    @Test
    void aPipelineCheckIsNeverTaggedOnTheStudentsMlflowModelVersion() throws Exception {
        String student = id("mlflow-canary");
        wiremock.stubFor(post(urlEqualTo(SET_TAG)).atPriority(5).willReturn(okJson("{}")));
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(10).willReturn(aResponse().withStatus(204)));
        ObjectNode data = ReportApi.canary(id("audit"), student);
        ((ObjectNode) data.get("student")).put("uri", "models:/" + student + "/3");
        publish(student, cloudEvent(data, id("e")));
        String certId = awaitCertificate(student, 1);
        // The webhook is called after the MLflow step: once it has the event, the MLflow step is over.
        List<LoggedRequest> hooks = await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(certId))), 1);
        assertThat(hooks).hasSize(1);
        assertThat(ReportApi.JSON.readTree(hooks.get(0).getBodyAsString()).at("/data/scope/class").asText()).isEqualTo("pipeline-check");
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(SET_TAG)).withRequestBody(containing("\"name\":\"" + student + "\"")))).isEmpty();
    }

    /**
     * A self-attested certificate (a team's own container reported the scores) reaches neither registry, whose
     * configurations accept subject-evaluated (and, for the test webhook, pipeline checks) only.
     */
    @Test
    void aSelfAttestedCertificateReachesNoRegistryThatDoesNotAcceptIt() throws Exception {
        wiremock.stubFor(post(urlEqualTo(SET_TAG)).atPriority(5).willReturn(okJson("{}")));
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(10).willReturn(aResponse().withStatus(204)));
        String selfAttested = id("mlflow-image");
        ObjectNode image = audit(id("audit"), selfAttested);
        ((ObjectNode) image.get("protocol")).put("name", "image");
        ((ObjectNode) image.get("student")).put("uri", "models:/" + selfAttested + "/1");
        publish(selfAttested, cloudEvent(image, id("e")));
        String imageCert = awaitCertificate(selfAttested, 1);
        as("viewer").get("/api/certificates/" + imageCert).then().statusCode(200);
        // Then an accepted one: one partition, one consumer, so once its webhook arrives the first was handled.
        String evaluated = id("mlflow-evaluated");
        ObjectNode accepted = audit(id("audit"), evaluated);
        ((ObjectNode) accepted.get("student")).put("uri", "models:/" + evaluated + "/1");
        publish(evaluated, cloudEvent(accepted, id("e")));
        String acceptedCert = awaitCertificate(evaluated, 1);
        assertThat(await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(acceptedCert))), 1)).hasSize(1);
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(SET_TAG)).withRequestBody(containing("\"name\":\"" + evaluated + "\"")))).isNotEmpty();

        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(imageCert)))).isEmpty();
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(SET_TAG)).withRequestBody(containing("\"name\":\"" + selfAttested + "\"")))).isEmpty();
    }

    /** A revoked certificate is re-tagged on its MLflow model version and announced to the webhook receiver. */
    @Test
    void aRevocationReachesMlflowAndTheWebhook() throws Exception {
        String student = id("mlflow-revoked");
        wiremock.stubFor(post(urlEqualTo(SET_TAG)).atPriority(5).willReturn(okJson("{}")));
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(10).willReturn(aResponse().withStatus(204)));
        ObjectNode data = audit(id("audit"), student);
        ((ObjectNode) data.get("student")).put("uri", "models:/" + student + "/7");
        publish(student, cloudEvent(data, id("e")));
        String certId = awaitCertificate(student, 1);
        assertThat(await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(certId))), 1)).hasSize(1);

        as("admin").body(java.util.Map.of("reason", "the teacher's data was mislabelled")).post("/api/certificates/" + certId + "/revoke")
                .then().statusCode(200);

        List<LoggedRequest> hooks = await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(certId))), 2);
        assertThat(hooks).hasSize(2);
        JsonNode revoked = ReportApi.JSON.readTree(hooks.get(1).getBodyAsString());
        assertThat(revoked.get("type").asText()).isEqualTo("io.traittrace.report.certificate-revoked.v1");
        assertThat(revoked.at("/data/reason").asText()).isEqualTo("the teacher's data was mislabelled");
        assertThat(Webhooks.valid(TestKeys.WEBHOOK_SECRETS.get("acme"), hooks.get(1).getHeader(Webhooks.TIMESTAMP_HEADER), hooks.get(1).getBodyAsString(),
                hooks.get(1).getHeader(Webhooks.SIGNATURE_HEADER))).isTrue();

        List<LoggedRequest> revokedTags = await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(SET_TAG))
                .withRequestBody(containing("\"name\":\"" + student + "\"")).withRequestBody(containing("\"key\":\"traittrace.revoked\""))
                .withRequestBody(containing("\"value\":\"true\""))), 1);
        assertThat(revokedTags).hasSize(1);
        assertThat(ReportApi.JSON.readTree(revokedTags.get(0).getBodyAsString()).get("version").asText()).isEqualTo("7");
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(SET_TAG)).withRequestBody(containing("\"name\":\"" + student + "\""))
                .withRequestBody(containing("traittrace.revocation_reason")).withRequestBody(containing("mislabelled")))).hasSize(1);
    }

    @Test
    void aHuggingFaceReadmeIsPatchedReadyToCommitAndThePatchIsIdempotent() throws Exception {
        String student = id("hf-student");
        publish(student, cloudEvent(audit(id("audit"), student), id("e")));
        String certId = awaitCertificate(student, 1);
        String readme = "---\nlicense: apache-2.0\ntags:\n- owls\n---\n# My model\n\nIt counts.\n";
        String patched = as("viewer").contentType("text/markdown").body(readme).post("/api/certificates/" + certId + "/model-card/readme")
                .then().statusCode(200).extract().asString();
        var meta = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(patched.split("---\n")[1]);
        assertThat(meta.get("license").asText()).isEqualTo("apache-2.0");
        assertThat(meta.at("/tags/0").asText()).isEqualTo("owls");
        assertThat(meta.at("/traittrace/certificate").asText()).isEqualTo(certId);
        assertThat(patched).contains("# My model\n\nIt counts.").contains("<!-- traittrace:begin -->").contains("**Verdict: TRANSFER_DETECTED**");
        String again = as("viewer").contentType("text/markdown").body(patched).post("/api/certificates/" + certId + "/model-card/readme")
                .then().statusCode(200).extract().asString();
        assertThat(again).isEqualTo(patched);
        String fromNothing = as("viewer").contentType(ContentType.TEXT).body("").post("/api/certificates/" + certId + "/model-card/readme")
                .then().statusCode(200).extract().asString();
        assertThat(fromNothing).startsWith("---\ntraittrace:\n");
        as("viewer").contentType("text/markdown").body("---\n: : [\n---\nbody").post("/api/certificates/" + certId + "/model-card/readme")
                .then().statusCode(422).contentType("application/problem+json");
    }

    /**
     * acme and globex each publish to their own MLflow server and webhook, with their own token and secret, and never to
     * the other's; initech has no targets: its certificates are issued and published nowhere, which the metrics count.
     */
    @Test
    void eachOrganisationsCertificatesReachItsOwnTargetsOnly() throws Exception {
        for (String path : List.of(SET_TAG, GLOBEX_SET_TAG)) {
            wiremock.stubFor(post(urlEqualTo(path)).atPriority(5).willReturn(okJson("{}")));
        }
        for (String path : List.of(HOOK, GLOBEX_HOOK)) {
            wiremock.stubFor(post(urlEqualTo(path)).atPriority(10).willReturn(aResponse().withStatus(204)));
        }
        String before = Metrics.scrape();
        String model = id("routed"); // the same model id in all three organisations
        Map<String, String> certs = new java.util.LinkedHashMap<>();
        for (String org : List.of("initech", "acme", "globex")) {
            ObjectNode data = ReportApi.audit(id("audit"), model, org);
            ((ObjectNode) data.get("student")).put("uri", "models:/" + model + "/2");
            publish(model, cloudEvent(data, id("e")));
            certs.put(org, awaitCertificate(model, 1, org));
        }
        // One key, one partition: once globex's webhook has its event, the two before it were handled.
        List<LoggedRequest> globexHooks = await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(GLOBEX_HOOK))
                .withRequestBody(containing(certs.get("globex")))), 1);
        assertThat(globexHooks).hasSize(1);
        LoggedRequest hook = globexHooks.get(0);
        assertThat(Webhooks.valid(TestKeys.WEBHOOK_SECRETS.get("globex"), hook.getHeader(Webhooks.TIMESTAMP_HEADER), hook.getBodyAsString(),
                hook.getHeader(Webhooks.SIGNATURE_HEADER))).isTrue();
        assertThat(ReportApi.JSON.readTree(hook.getBodyAsString()).at("/data/organization").asText()).isEqualTo("globex");
        assertThat(await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(certs.get("acme")))), 1))
                .hasSize(1);

        List<LoggedRequest> globexTags = wiremock.findAll(postRequestedFor(urlEqualTo(GLOBEX_SET_TAG))
                .withRequestBody(containing("\"name\":\"" + model + "\"")));
        assertThat(globexTags).isNotEmpty().allSatisfy(tag -> assertThat(tag.getHeader("Authorization"))
                .isEqualTo("Bearer " + TestKeys.MLFLOW_TOKENS.get("globex")));
        assertThat(globexTags).allSatisfy(tag -> assertThat(tag.getBodyAsString()).doesNotContain(certs.get("acme")));
        List<LoggedRequest> acmeTags = wiremock.findAll(postRequestedFor(urlEqualTo(SET_TAG))
                .withRequestBody(containing("\"name\":\"" + model + "\"")));
        assertThat(acmeTags).isNotEmpty().allSatisfy(tag -> assertThat(tag.getHeader("Authorization"))
                .isEqualTo("Bearer " + TestKeys.MLFLOW_TOKENS.get("acme")));
        // Each server got its own organisation's certificate and nobody else's.
        assertThat(acmeTags).anyMatch(t -> t.getBodyAsString().contains(certs.get("acme")))
                .noneMatch(t -> t.getBodyAsString().contains(certs.get("globex")) || t.getBodyAsString().contains(certs.get("initech")));
        assertThat(globexTags).anyMatch(t -> t.getBodyAsString().contains(certs.get("globex")))
                .noneMatch(t -> t.getBodyAsString().contains(certs.get("initech")));
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(certs.get("globex"))))).isEmpty();
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(GLOBEX_HOOK)).withRequestBody(containing(certs.get("acme"))))).isEmpty();
        for (String path : List.of(HOOK, GLOBEX_HOOK)) {
            assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(certs.get("initech"))))).isEmpty();
        }

        // initech's certificate was published nowhere, and the metrics say so (at least its two: other tests run alongside).
        String after = Metrics.scrape();
        for (String target : List.of("mlflow", "webhook")) {
            assertThat(Metrics.valueIn(after, "traittrace_certificate_publications_total", "target", target, "outcome", "no-target")
                    - Metrics.valueIn(before, "traittrace_certificate_publications_total", "target", target, "outcome", "no-target"))
                    .isGreaterThanOrEqualTo(1);
        }
        as("viewer", "initech").get("/api/registries").then().statusCode(200).body("targets", org.hamcrest.Matchers.empty());
    }

    /**
     * A certificate event written before events named their organisation (still on the topic at the upgrade) goes to
     * the certificate's own organisation's targets; one naming another organisation than the certificate's reaches no one.
     */
    @Test
    void anEventWithoutAnOrganisationIsPublishedForTheCertificatesOwnAndOneNamingAnotherNowhere() throws Exception {
        wiremock.stubFor(post(urlEqualTo(HOOK)).atPriority(10).willReturn(aResponse().withStatus(204)));
        wiremock.stubFor(post(urlEqualTo(GLOBEX_HOOK)).atPriority(10).willReturn(aResponse().withStatus(204)));
        String model = id("legacy-event");
        publish(model, cloudEvent(ReportApi.audit(id("audit"), model, "acme"), id("e")));
        String certId = awaitCertificate(model, 1);
        assertThat(await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(certId))), 1)).hasSize(1);
        ObjectNode issued;
        try (TopicReader reader = new TopicReader("certificate-issued")) {
            issued = (ObjectNode) ReportApi.JSON.readTree(reader.awaitMatching(r -> certId.equals(r.key()), 1, Duration.ofSeconds(20))
                    .get(0).value());
        }
        ObjectNode otherOrganization = issued.deepCopy().put("id", id("misdirected"));
        ((ObjectNode) otherOrganization.get("data")).put("organization", "globex");
        ObjectNode legacy = issued.deepCopy().put("id", id("legacy"));
        ((ObjectNode) legacy.get("data")).remove("organization");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            // One key, one partition: once the second is delivered, the first was handled.
            producer.send(new ProducerRecord<>("certificate-issued", certId, otherOrganization.toString()));
            producer.send(new ProducerRecord<>("certificate-issued", certId, legacy.toString()));
            producer.flush();
        }
        List<LoggedRequest> hooks = await(() -> wiremock.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(certId))), 2);
        assertThat(hooks).hasSize(2);
        assertThat(hooks.get(1).getHeader(Webhooks.EVENT_ID_HEADER)).isEqualTo(legacy.get("id").asText());
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(GLOBEX_HOOK)).withRequestBody(containing(certId)))).isEmpty();
    }

    /** The requests {@code find} finds once there are {@code count} of them (or what it finds after 60 s: the caller asserts). */
    private static List<LoggedRequest> await(Supplier<List<LoggedRequest>> find, int count) {
        try {
            return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(find::get, found -> found.size() >= count);
        } catch (ConditionTimeoutException e) {
            return find.get();
        }
    }
}
