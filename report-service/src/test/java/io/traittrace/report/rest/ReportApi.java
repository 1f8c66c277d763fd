package io.traittrace.report.rest;

import static io.traittrace.testsupport.Callers.as;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;

/** Helpers for the report API tests: tokens per role, audit-completed events, waiting for certificates. */
final class ReportApi {

    static final ObjectMapper JSON = new ObjectMapper();

    private ReportApi() {
    }

    /** The sample audit-completed data (a trait-eval audit: subject-evaluated) of an audit of {@code organization}. */
    static ObjectNode audit(String auditId, String studentId, String organization) {
        return audit(auditId, studentId).put("organization", organization);
    }

    /** The sample audit-completed data (a trait-eval audit: subject-evaluated, in acme) with a fresh audit id and student id. */
    static ObjectNode audit(String auditId, String studentId) {
        return fromResource("/audit-completed.sample.json", auditId, studentId);
    }

    /** The sample canary audit (a pipeline check) with a fresh audit id and student id. */
    static ObjectNode canary(String auditId, String studentId) {
        return fromResource("/audit-completed.canary.json", auditId, studentId);
    }

    private static ObjectNode fromResource(String resource, String auditId, String studentId) {
        try (InputStream in = ReportApi.class.getResourceAsStream(resource)) {
            ObjectNode data = (ObjectNode) JSON.readTree(in);
            data.put("auditId", auditId);
            ((ObjectNode) data.get("student")).put("id", studentId).put("name", "org/" + studentId);
            return data;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String cloudEvent(ObjectNode data, String eventId) {
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", eventId);
        event.put("source", "/traittrace/audit-runner");
        event.put("type", "io.traittrace.audits.audit-completed.v1");
        event.put("subject", data.path("auditId").asText());
        event.put("time", Instant.now().toString());
        event.put("datacontenttype", "application/json");
        event.put("dataschema", "https://traittrace.io/schemas/events/audit-completed/v1.json");
        event.set("data", data);
        return event.toString();
    }

    static void publish(String key, String... payloads) {
        publishTraced(null, key, payloads);
    }

    /** As {@link #publish}, each record with a {@code traceparent} header unless it is null. */
    static void publishTraced(String traceparent, String key, String... payloads) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (String payload : payloads) {
                // as the audit runner's outbox will send it: a structured-mode CloudEvent
                ProducerRecord<String, String> record = new ProducerRecord<>("audit-completed", key, payload);
                record.headers().add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (traceparent != null) {
                    record.headers().add("traceparent", traceparent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                producer.send(record);
            }
            producer.flush();
        }
    }

    /** Waits until the model has {@code count} certificates in acme; returns the newest one's id. */
    static String awaitCertificate(String model, int count) {
        return awaitCertificate(model, count, Callers.ORGANIZATION);
    }

    /** Waits until the model has {@code count} certificates that a viewer of {@code organization} sees; the newest one's id. */
    static String awaitCertificate(String model, int count, String organization) {
        return await(count + " certificate(s) of " + model + " in " + organization).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> as("viewer", organization).queryParam("model", model).get("/api/certificates").then()
                        .statusCode(200).extract().jsonPath(), body -> body.getInt("total") >= count)
                .getString("items[0].id");
    }
}
