package io.traittrace.report.rest;

import static io.traittrace.testsupport.Callers.as;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.events.EventSamples;
import io.traittrace.events.EventType;
import io.traittrace.events.Topics;
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

    /** The contract's sample audit-completed data (a trait-eval audit: subject-evaluated, in acme) with a fresh audit id and student id. */
    static ObjectNode audit(String auditId, String studentId) {
        return withIds(EventSamples.auditCompleted(), auditId, studentId);
    }

    /** The contract's sample canary audit (a pipeline check) with a fresh audit id and student id. */
    static ObjectNode canary(String auditId, String studentId) {
        return withIds(EventSamples.auditCompletedCanary(), auditId, studentId);
    }

    private static ObjectNode withIds(ObjectNode data, String auditId, String studentId) {
        data.put("auditId", auditId);
        ((ObjectNode) data.get("student")).put("id", studentId).put("name", "org/" + studentId);
        return data;
    }

    /** The audit-completed CloudEvent around {@code data}, as the audit runner's outbox sends it. */
    static String cloudEvent(ObjectNode data, String eventId) {
        return EventSamples.cloudEvent(EventType.AUDIT_COMPLETED, eventId, "/traittrace/audit-runner", data.path("auditId").asText(), data).toString();
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
                ProducerRecord<String, String> record = new ProducerRecord<>(Topics.AUDIT_COMPLETED, key, payload);
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
