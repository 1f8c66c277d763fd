package io.traittrace.lineage.rest;

import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.lineage.rest.LineageApi.generated;
import static io.traittrace.testsupport.Callers.id;
import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.post;
import static io.traittrace.lineage.rest.LineageApi.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.Metrics;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;
import io.traittrace.testsupport.Callers;

/** Writes succeed while Kafka is down, and their events arrive once it is back: delayed, not lost. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class KafkaOutageTest {

    private static final String PENDING = "traittrace_outbox_pending";

    @Test
    void eventsWrittenDuringAnOutageArriveAfterIt() {
        String base = id("base");
        String teacher = id("teacher");
        String student = id("student");
        String numbers = id("numbers");
        KafkaResource.broker().pause();
        try {
            post("/api/lineage/import", Map.of(
                    "models", List.of(model(base), model(teacher, base, "finetune"), model(student, base, "finetune")),
                    "datasets", List.of(generated(numbers, teacher)),
                    "trainingRuns", List.of(run(id("run"), student, numbers)))).statusCode(200)
                    .body("exposuresDetected", equalTo(1));
            as("viewer").get("/api/lineage/models/" + student + "/exposure").then().body("level", equalTo("SAME_INIT"));
            // Let at least one sweep fail against the missing broker.
            sleep(Duration.ofSeconds(7));
            // The backlog an operator sees: the event is committed and waits.
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value(PENDING, "service", "lineage-service") >= 1);
        } finally {
            KafkaResource.broker().resume();
        }
        try (TopicReader reader = new TopicReader("exposure-detected")) {
            assertThat(reader.awaitMatching(r -> student.equals(r.key()), 1, Duration.ofSeconds(60))).hasSize(1);
            assertThat(reader.drainMatching(r -> student.equals(r.key()), Duration.ofSeconds(3))).hasSize(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value(PENDING, "service", "lineage-service") == 0);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
