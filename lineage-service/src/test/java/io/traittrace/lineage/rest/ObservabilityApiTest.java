package io.traittrace.lineage.rest;

import static io.traittrace.lineage.rest.LineageApi.generated;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.post;
import static io.traittrace.lineage.rest.LineageApi.run;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;

/** Metrics and traces as an operator and a tracing backend see them (health: {@link SecurityApiTest}). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ObservabilityApiTest {

    private static final String WRITTEN = "traittrace_lineage_records_written_total";
    private static final String PATHS = "traittrace_lineage_exposure_paths_found_total";

    @Test
    void committedWritesCountRecordsByKindAndExposurePathsByLevel() {
        String before = Metrics.scrape();
        String base = id("base");
        String teacher = id("teacher");
        String student = id("student");
        String numbers = id("numbers");
        Map<String, Object> batch = Map.of(
                "models", List.of(model(base), model(teacher, base, "finetune"), model(student, base, "finetune")),
                "datasets", List.of(generated(numbers, teacher)),
                "trainingRuns", List.of(run(id("run"), student, numbers)));
        post("/api/lineage/import", batch).statusCode(200).body("exposuresDetected", equalTo(1));
        // Neither an identical re-post nor a refused write counts.
        post("/api/lineage/import", batch).statusCode(200);
        post("/api/lineage/models", model(id("orphan"), id("missing"), "finetune")).statusCode(422);

        String after = Metrics.scrape();
        assertThat(increase(before, after, WRITTEN, "kind", "model")).isEqualTo(3);
        assertThat(increase(before, after, WRITTEN, "kind", "dataset")).isEqualTo(1);
        assertThat(increase(before, after, WRITTEN, "kind", "training_run")).isEqualTo(1);
        // Two base edges, one generated-by link, one training input.
        assertThat(increase(before, after, WRITTEN, "kind", "edge")).isEqualTo(4);
        assertThat(increase(before, after, PATHS, "level", "SAME_INIT")).isEqualTo(1);
        assertThat(increase(before, after, PATHS, "level", "CROSS_FAMILY")).isZero();
    }

    @Test
    void theTraceOfAWriteTravelsOnWithItsExposureEvent() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        String base = id("base");
        String teacher = id("teacher");
        String student = id("student");
        String numbers = id("numbers");
        try (TopicReader reader = new TopicReader("exposure-detected")) {
            as("auditor").header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                    .body(Map.of("models", List.of(model(base), model(teacher, base, "finetune"), model(student, base, "finetune")),
                            "datasets", List.of(generated(numbers, teacher)),
                            "trainingRuns", List.of(run(id("run"), student, numbers))))
                    .post("/api/lineage/import").then().statusCode(200).body("exposuresDetected", equalTo(1));

            List<ConsumerRecord<String, String>> events = reader.awaitMatching(r -> student.equals(r.key()), 1, Duration.ofSeconds(20));
            assertThat(events).hasSize(1);
            Header header = events.get(0).headers().lastHeader("traceparent");
            assertThat(header).as("traceparent header of the exposure-detected record").isNotNull();
            String[] traceparent = new String(header.value(), StandardCharsets.UTF_8).split("-");
            assertThat(traceparent[1]).as("trace id").isEqualTo(traceId);
            // The record's parent is a span of this service (the Kafka send), not the caller's span.
            assertThat(traceparent[2]).isNotEqualTo(callerSpan).matches("[0-9a-f]{16}");
        }
    }

    private static double increase(String before, String after, String name, String... labels) {
        return Metrics.valueIn(after, name, labels) - Metrics.valueIn(before, name, labels);
    }
}
