package io.traittrace.audit.rest;

import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.events.EventType;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/** {@code exposure-detected} events queue audits per policy: here, only exposures to a listed teacher family. */
@QuarkusTest
@TestProfile(ExposurePolicyApiTest.ListedFamilies.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ExposurePolicyApiTest {

    static final String LISTED_ROOT = "root-qwen-family";

    public static class ListedFamilies implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The queued canary cannot find its data, so its runs end at once: this test is about queueing.
            return Map.of("runner.policy.mode", "listed", "runner.policy.teacher-families", LISTED_ROOT + ",root-other",
                    "runner.policy.protocol", "canary", "runner.policy.seeds-per-arm", "3", "runner.policy.margin", "0.6",
                    "runner.policy.parameters", "{\"data\": \"/nonexistent/policy-data\"}");
        }
    }

    @OidcWireMock
    WireMockServer wiremock;

    @Test
    void anExposureToAListedFamilyQueuesOneAuditOthersNone() throws Exception {
        String listedStudent = id("student");
        String listedTeacher = id("teacher");
        String dataset = id("numbers");
        lineage(wiremock, listedStudent, null, null);
        RunnerApi.model(wiremock, listedTeacher, "sha256:" + "cd".repeat(32), LISTED_ROOT);
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/auth/lineage/api/lineage/datasets/" + dataset)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"id\": \"" + dataset + "\", \"name\": \"n\"}")));
        String otherStudent = id("student");
        String otherTeacher = id("teacher");
        lineage(wiremock, otherStudent, null, null);
        RunnerApi.model(wiremock, otherTeacher, "sha256:" + "cd".repeat(32), "root-llama-family");
        String undigested = id("student");
        RunnerApi.model(wiremock, undigested, null, "root-x");

        String listedEvent = UUID.randomUUID().toString();
        publish(exposure(listedEvent, listedStudent, listedTeacher, dataset, "a".repeat(64)),
                exposure(UUID.randomUUID().toString(), otherStudent, otherTeacher, dataset, "b".repeat(64)),
                // cannot be audited (no digest): recorded as not evaluable, and the events behind it still count
                exposure(UUID.randomUUID().toString(), undigested, listedTeacher, dataset, "c".repeat(64)),
                // redelivery of the first
                exposure(listedEvent, listedStudent, listedTeacher, dataset, "a".repeat(64)),
                // a farther source reached through the same teacher: the same audit
                exposure(UUID.randomUUID().toString(), listedStudent, listedTeacher, dataset, "f".repeat(64)),
                "not json at all");
        String lastStudent = id("student");
        lineage(wiremock, lastStudent, null, null);
        publish(exposure(UUID.randomUUID().toString(), lastStudent, listedTeacher, dataset, "d".repeat(64)));

        await().atMost(Duration.ofSeconds(30)).until(() -> audits(lastStudent).getInt("total") == 1);
        JsonPath listed = audits(listedStudent);
        assertThat(listed.getInt("total")).isEqualTo(1);
        assertThat(listed.getString("items[0].protocol")).isEqualTo("canary");
        assertThat(listed.getString("items[0].teacher")).isEqualTo(listedTeacher);
        assertThat(listed.getString("items[0].dataset")).isEqualTo(dataset);
        assertThat(listed.getString("items[0].requestedBy")).isEqualTo("policy:exposure-detected");
        assertThat(listed.getString("items[0].origin")).isEqualTo("exposure-detected:" + listedEvent);
        assertThat(audits(otherStudent).getInt("total")).isZero();
        // Never a silent skip: the exposure nobody could evaluate is a FAILED audit without runs, saying why.
        JsonPath notEvaluable = audits(undigested);
        assertThat(notEvaluable.getInt("total")).isEqualTo(1);
        assertThat(notEvaluable.getString("items[0].state")).isEqualTo("FAILED");
        String id = notEvaluable.getString("items[0].id");
        JsonPath detail = as("viewer").get("/api/audits/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getList("runs")).isEmpty();
        assertThat(detail.getList("result.reasons", String.class)).anySatisfy(r -> assertThat(r).contains("the exposure could not be evaluated"))
                .anySatisfy(r -> assertThat(r).contains("no sha256 content digest"));
        assertThat(detail.getBoolean("result.notEvaluable")).isTrue();
    }

    @Test
    void anAuditContinuesTheTraceOfTheExposureThatQueuedItToItsEnd() throws Exception {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String student = id("student");
        String teacher = id("teacher");
        String dataset = id("numbers");
        lineage(wiremock, student, null, dataset);
        RunnerApi.model(wiremock, teacher, "sha256:" + "cd".repeat(32), LISTED_ROOT);
        try (TopicReader requested = new TopicReader("audit-requested"); TopicReader failed = new TopicReader("audit-failed")) {
            publishTraced("00-" + traceId + "-b7ad6b7169203331-01", exposure(UUID.randomUUID().toString(), student, teacher, dataset, "e".repeat(64)));
            await().atMost(Duration.ofSeconds(30)).until(() -> audits(student).getInt("total") == 1);
            String auditId = audits(student).getString("items[0].id");

            // Accepted while consuming the record: the consumer's span, in the exposure's trace.
            assertThat(traceIdOf(requested.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(20)))).isEqualTo(traceId);
            // Ended later, from the probe processes' callbacks, in the same trace.
            assertThat(traceIdOf(failed.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(60)))).isEqualTo(traceId);
        }
    }

    /**
     * The boundary: an exposure in globex queues a globex audit, looked up in lineage as globex, announced as globex's, and
     * invisible to acme; an exposure that names no organisation queues nothing anywhere.
     */
    @Test
    void anExposureQueuesItsAuditInItsOwnOrganisationOnly() throws Exception {
        String student = id("student");
        String teacher = id("teacher");
        String dataset = id("numbers");
        lineage(wiremock, student, null, null);
        RunnerApi.model(wiremock, teacher, "sha256:" + "cd".repeat(32), LISTED_ROOT);
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/auth/lineage/api/lineage/datasets/" + dataset)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"id\": \"" + dataset + "\", \"name\": \"n\"}")));
        String orphan = id("student");
        lineage(wiremock, orphan, null, null);
        String marker = id("student");
        lineage(wiremock, marker, null, null);
        String publicModel = id("public-student");
        lineage(wiremock, publicModel, null, null);

        try (TopicReader requested = new TopicReader("audit-requested")) {
            publish(exposure(null, UUID.randomUUID().toString(), orphan, teacher, dataset, "1".repeat(64)),
                    exposure("Not An Org", UUID.randomUUID().toString(), orphan, teacher, dataset, "2".repeat(64)),
                    // The public catalogue's own exposure: organisations' descendants get theirs; it runs no audit.
                    exposure(Organizations.PUBLIC, UUID.randomUUID().toString(), publicModel, teacher, dataset, "5".repeat(64)),
                    exposure(Callers.OTHER_ORGANIZATION, UUID.randomUUID().toString(), student, teacher, dataset, "3".repeat(64)),
                    // one partition, in order: once the marker's audit exists, every record before it was consumed
                    exposure(Callers.OTHER_ORGANIZATION, UUID.randomUUID().toString(), marker, teacher, dataset, "4".repeat(64)));
            await().atMost(Duration.ofSeconds(30)).until(() -> audits(marker, Callers.OTHER_ORGANIZATION).getInt("total") == 1);

            JsonPath globex = audits(student, Callers.OTHER_ORGANIZATION);
            assertThat(globex.getInt("total")).isEqualTo(1);
            assertThat(globex.getString("items[0].requestedBy")).isEqualTo("policy:exposure-detected");
            String auditId = globex.getString("items[0].id");
            assertThat(audits(student, Callers.ORGANIZATION).getInt("total")).isZero();
            assertThat(audits(publicModel, Callers.ORGANIZATION).getInt("total")).as("acme reads public audits, if there were any")
                    .isZero();
            as("viewer").get("/api/audits/" + auditId).then().statusCode(404);
            // Looked up in lineage as globex, never as anyone else.
            wiremock.verify(getRequestedFor(urlEqualTo("/auth/lineage/api/lineage/models/" + teacher))
                    .withHeader(Organizations.HEADER, equalTo(Callers.OTHER_ORGANIZATION)));
            wiremock.verify(getRequestedFor(urlEqualTo("/auth/lineage/api/lineage/models/" + student))
                    .withHeader(Organizations.HEADER, equalTo(Callers.OTHER_ORGANIZATION)));
            wiremock.verify(0, getRequestedFor(urlEqualTo("/auth/lineage/api/lineage/models/" + teacher))
                    .withHeader(Organizations.HEADER, notMatching(Callers.OTHER_ORGANIZATION)));
            // Announced as globex's.
            JsonNode event = RunnerApi.JSON.readTree(requested.awaitMatching(r -> auditId.equals(r.key()), 1, Duration.ofSeconds(20)).get(0).value());
            assertThat(EventType.AUDIT_REQUESTED.problems(event)).isEmpty();
            assertThat(event.at("/data/organization").asText()).isEqualTo(Callers.OTHER_ORGANIZATION);
            // Malformed without an organisation: no audit in any organisation, and none defaulted.
            for (String organization : List.of(Callers.ORGANIZATION, Callers.OTHER_ORGANIZATION)) {
                assertThat(audits(orphan, organization).getInt("total")).isZero();
            }
        }
    }

    private static String traceIdOf(List<ConsumerRecord<String, String>> records) {
        assertThat(records).hasSize(1);
        Header traceparent = records.get(0).headers().lastHeader("traceparent");
        assertThat(traceparent).as("traceparent header").isNotNull();
        return new String(traceparent.value(), StandardCharsets.UTF_8).split("-")[1];
    }

    private static JsonPath audits(String student) {
        return as("viewer").queryParam("student", student).get("/api/audits").then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath audits(String student, String organization) {
        return as("viewer", organization).queryParam("student", student).get("/api/audits").then().statusCode(200).extract().jsonPath();
    }

    private static String exposure(String eventId, String model, String teacher, String dataset, String pathKey) {
        return exposure(Callers.ORGANIZATION, eventId, model, teacher, dataset, pathKey);
    }

    /** An exposure-detected event as lineage publishes it; {@code organization} null leaves the field out. */
    private static String exposure(String organization, String eventId, String model, String teacher, String dataset, String pathKey) {
        return """
                {"specversion": "1.0", "id": "%s", "source": "/traittrace/lineage-service", "type": "io.traittrace.lineage.exposure-detected.v1",
                 "subject": "%s", "time": "2026-11-27T02:00:00Z", "datacontenttype": "application/json",
                 "dataschema": "https://traittrace.io/schemas/events/exposure-detected/v1.json",
                 "data": {%s"model": "%s", "level": "SAME_INIT", "trainedModel": "%s", "dataset": "%s", "teacher": "%s", "origin": "%s",
                          "hops": 1, "pathKey": "%s", "path": [], "detectedAt": "2026-11-27T02:00:00Z"}}
                """.formatted(eventId, model, organization == null ? "" : "\"organization\": \"" + organization + "\", ", model, model, dataset,
                teacher, teacher, pathKey);
    }

    private static void publish(String... payloads) {
        publishTraced(null, payloads);
    }

    /** As the lineage service's outbox sends them; with a {@code traceparent} header unless it is null. */
    private static void publishTraced(String traceparent, String... payloads) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (String payload : payloads) {
                ProducerRecord<String, String> record = new ProducerRecord<>("exposure-detected", "key", payload);
                record.headers().add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
                if (traceparent != null) {
                    record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
                }
                producer.send(record);
            }
            producer.flush();
        }
    }
}
