package io.traittrace.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.e2e.Api.Reply;
import io.traittrace.e2e.EventLog.Event;

/**
 * Faults on the running stack, one after the other, each with "nothing lost, nothing twice" asserted: the audit runner
 * killed mid-audit, the report service down when an audit completes, Kafka down while lineage writes and an audit
 * completion happen, the lineage service's PostgreSQL restarted under writes. Then every audit of the run must have
 * ended with exactly one certificate or an explicit failure.
 */
@Order(3)
@ExtendWith(StackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsTest {

    private static final String ROOT = "faults-root";
    private static final Duration AUDIT_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(60);
    /** Long enough for a record sent twice to show up twice. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private Api api;
    private EventLog events;

    @BeforeAll
    void lineage(Stack stack) {
        api = stack.api();
        events = stack.events();
        // Students of one root, with digests and no exposure: audits only when a test asks for one.
        Reply imported = api.post("/api/lineage/import", "auditor", Lineage.batch(List.of(Lineage.model(ROOT, null, true),
                Lineage.model("faults-killed-runner", ROOT, true), Lineage.model("faults-report-down", ROOT, true),
                Lineage.model("faults-kafka-down", ROOT, true)), List.of(), List.of()));
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    }

    @Test
    @Order(1)
    void aRunnerKilledMidAuditFinishesTheAuditAfterItsRestart(Stack stack) {
        String auditId;
        try (var phase = Phases.start("faults: runner SIGKILL mid-audit, restart, audit ends")) {
            auditId = requestAudit("faults-killed-runner");
            Audits.awaitRunRunning(api, auditId, AUDIT_TIMEOUT);

            int orphans = stack.runner().kill();
            Reply whileDown = api.get("/api/audits/" + auditId, "viewer");
            assertThat(whileDown.status()).as(whileDown.toString()).isBetween(502, 504);
            assertThat(whileDown.contentType()).startsWith("application/problem+json");
            stack.runner().start();
            stack.runner().awaitReady();

            JsonNode ended = Audits.awaitEnded(api, auditId, AUDIT_TIMEOUT);
            assertThat(ended.path("state").asText()).as(ended.toPrettyString()).isEqualTo("COMPLETED");
            // The killed run ran again from the start; nothing of it was lost or counted twice.
            assertThat(ended.path("runs").findValuesAsText("state")).containsExactlyElementsOf(
                    Collections.nCopies(Stack.POLICY_SEEDS, "SUCCEEDED"));
            // The killed runner's probe processes notice it is gone and stop by themselves.
            Phases.print("probe processes of the killed runner: " + orphans + " at the kill, "
                    + stack.runner().leftoversAlive().size() + " when the audit ended");
            assertThat(orphans).as("probe processes running at the kill").isPositive();
            Audits.until("the killed runner's probe processes to stop", Duration.ofSeconds(30),
                    () -> stack.runner().leftoversAlive().isEmpty() ? Optional.of(true) : Optional.empty());
        }
        assertAnnouncedOnceAndCertifiedOnce(stack, auditId);
        // Each run's RUNNING and SUCCEEDED once, though one run started twice.
        List<Event> progress = events.keyed("audit-progress", auditId);
        assertThat(EventLog.distinctIds(progress)).hasSize(2 * Stack.POLICY_SEEDS);
        assertThat(progress.stream().map(e -> e.data().path("runId").asText() + " " + e.data().path("state").asText()).distinct())
                .hasSize(2 * Stack.POLICY_SEEDS);
    }

    @Test
    @Order(2)
    void anAuditCompletedWhileTheReportServiceIsDownIsCertifiedOnceItIsBack(Stack stack) {
        String auditId;
        try (var phase = Phases.start("faults: report service down while an audit completes")) {
            stack.report().stop();
            Reply whileDown = api.get("/api/certificates?model=faults-report-down", "viewer");
            assertThat(whileDown.status()).as(whileDown.toString()).isBetween(502, 504);
            assertThat(whileDown.contentType()).startsWith("application/problem+json");

            auditId = requestAudit("faults-report-down");
            JsonNode ended = Audits.awaitEnded(api, auditId, AUDIT_TIMEOUT);
            assertThat(ended.path("state").asText()).as(ended.toPrettyString()).isEqualTo("COMPLETED");
            events.awaitKeyed("audit-completed", auditId, 1, EVENT_TIMEOUT);
            assertThat(stack.reportDb().count("SELECT count(*) FROM certificate WHERE audit_id = ?", auditId)).isZero();

            stack.report().start();
            stack.report().awaitReady();
        }
        assertAnnouncedOnceAndCertifiedOnce(stack, auditId);
        JsonNode listed = Audits.until("the certificate listed", EVENT_TIMEOUT, () -> {
            Reply reply = api.get("/api/certificates?model=faults-report-down", "viewer");
            return reply.status() == 200 ? Optional.of(reply.json().path("items")) : Optional.empty();
        });
        assertThat(listed).hasSize(1);
    }

    @Test
    @Order(3)
    void eventsWrittenWhileKafkaIsDownArriveOnceAfterItIsBack(Stack stack) {
        List<String> exposed = List.of("faults-kafka-student-1", "faults-kafka-student-2", "faults-kafka-student-3");
        String auditId;
        try (var phase = Phases.start("faults: Kafka down while lineage writes and an audit complete")) {
            auditId = requestAudit("faults-kafka-down");
            Audits.awaitRunRunning(api, auditId, AUDIT_TIMEOUT);
            stack.kafka().pause();

            // A teacher of the same root and its data; each student trained on it is newly SAME_INIT exposed. The students
            // have no digest, so the runner's policy refuses to queue audits for them (no probe time spent).
            Reply teacher = api.post("/api/lineage/import", "auditor", Lineage.batch(List.of(Lineage.model("faults-kafka-teacher", ROOT, true)),
                    List.of(Lineage.dataset("faults-kafka-numbers", "faults-kafka-teacher")), List.of()));
            assertThat(teacher.status()).as(teacher.toString()).isEqualTo(200);
            for (String student : exposed) {
                Reply written = api.post("/api/lineage/import", "auditor", Lineage.batch(List.of(Lineage.model(student, ROOT, false)),
                        List.of(), List.of(Lineage.trainingRun(student + "-sft", student, "faults-kafka-numbers"))));
                assertThat(written.status()).as(written.toString()).isEqualTo(200);
                assertThat(written.json().path("exposuresDetected").asInt()).isEqualTo(1);
            }
            JsonNode ended = Audits.awaitEnded(api, auditId, AUDIT_TIMEOUT);
            assertThat(ended.path("state").asText()).as(ended.toPrettyString()).isEqualTo("COMPLETED");
            // The outage was real: the facts wait in the outboxes.
            assertThat(stack.lineageDb().count("SELECT count(*) FROM outbox_event WHERE published_at IS NULL AND event_key = ANY(?)",
                    exposed)).isEqualTo(exposed.size());
            assertThat(stack.runnerDb().count("SELECT count(*) FROM outbox_event WHERE published_at IS NULL AND topic = 'audit-completed'"
                    + " AND event_key = ?", auditId)).isEqualTo(1);

            stack.kafka().resume();
            for (String student : exposed) {
                events.awaitKeyed("exposure-detected", student, 1, EVENT_TIMEOUT);
            }
        }
        assertAnnouncedOnceAndCertifiedOnce(stack, auditId);
        for (String student : exposed) {
            assertThat(EventLog.distinctIds(events.keyed("exposure-detected", student))).as(student).hasSize(1);
        }
        for (Database db : List.of(stack.lineageDb(), stack.runnerDb(), stack.reportDb())) {
            Audits.until("the " + db.name() + " outbox drained", EVENT_TIMEOUT,
                    () -> db.count("SELECT count(*) FROM outbox_event WHERE published_at IS NULL") == 0 ? Optional.of(true) : Optional.empty());
        }
    }

    @Test
    @Order(4)
    void writesDuringAPostgresRestartFailClearlyOrLandWhole(Stack stack) throws Exception {
        Database lineageDb = stack.lineageDb();
        List<Write> writes = new CopyOnWriteArrayList<>();
        try (var phase = Phases.start("faults: lineage PostgreSQL restarted under writes")) {
            // One writer, back to back, from before the outage until the service writes again after it.
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                for (int i = 0; writing.get(); i++) {
                    writes.add(write(i));
                }
            }, "e2e-pg-writer");
            writer.start();
            Thread.sleep(1000);
            lineageDb.server().pause();
            Thread.sleep(5000);
            lineageDb.server().resume();
            Audits.until("a lineage write acknowledged after the restart", Duration.ofSeconds(90), () -> {
                List<Write> sofar = List.copyOf(writes);
                boolean failedOnce = sofar.stream().anyMatch(w -> !w.reply.ok());
                return failedOnce && sofar.get(sofar.size() - 1).reply.ok() ? Optional.of(true) : Optional.empty();
            });
            writing.set(false);
            writer.join(60_000);
        }
        List<Write> failed = writes.stream().filter(w -> !w.reply.ok()).toList();
        Phases.print("lineage writes around the PostgreSQL restart: " + writes.size() + ", answers by status: "
                + writes.stream().collect(Collectors.groupingBy(w -> w.reply.status(), TreeMap::new, Collectors.counting())));
        assertThat(failed).as("the outage was noticed").isNotEmpty();
        for (Write w : writes) {
            Map<String, Object> rows = lineageDb.rows("SELECT (SELECT count(*) FROM model WHERE id = ?) AS models,"
                    + " (SELECT count(*) FROM dataset WHERE id = ?) AS datasets, (SELECT count(*) FROM training_run WHERE id = ?) AS runs",
                    w.model, w.dataset, w.run).get(0);
            if (w.reply.ok()) {
                assertThat(rows).as("acknowledged %s", w.model).containsValues(1L, 1L, 1L);
                assertThat(api.get("/api/lineage/models/" + w.model, "viewer").status()).isEqualTo(200);
            } else {
                assertThat(w.reply.status()).as(w.reply.toString()).isBetween(500, 504);
                assertThat(w.reply.contentType()).as(w.reply.toString()).startsWith("application/problem+json");
                assertThat(new HashSet<>(rows.values())).as("refused %s: all or nothing, %s", w.model, rows).hasSize(1);
            }
        }
        // What was refused can be sent again, and is then there once.
        for (Write w : failed) {
            Reply again = api.post("/api/lineage/import", "auditor", w.body);
            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            assertThat(lineageDb.count("SELECT count(*) FROM model WHERE id = ?", w.model)).isEqualTo(1);
        }
    }

    private record Write(String model, String dataset, String run, JsonNode body, Reply reply) {
    }

    private Write write(int i) {
        String model = "faults-pg-model-" + i;
        String dataset = "faults-pg-data-" + i;
        String run = "faults-pg-run-" + i;
        JsonNode body = Lineage.batch(List.of(Lineage.model(model, ROOT, true)), List.of(Lineage.dataset(dataset, null)),
                List.of(Lineage.trainingRun(run, model, dataset)));
        return new Write(model, dataset, run, body, api.post("/api/lineage/import", "auditor", body));
    }

    @Test
    @Order(5)
    void everyAuditEndedWithOneCertificateOrAnExplicitFailure(Stack stack) {
        try (var phase = Phases.start("faults: every audit ended, certified once or failed")) {
            Audits.until("every audit to end", AUDIT_TIMEOUT,
                    () -> stack.runnerDb().count("SELECT count(*) FROM audit WHERE state = 'RUNNING'") == 0 ? Optional.of(true) : Optional.empty());
            List<Map<String, Object>> audits = stack.runnerDb().rows("SELECT CAST(id AS text) AS id, state FROM audit ORDER BY created_at");
            assertThat(audits).isNotEmpty();
            for (Map<String, Object> audit : audits) {
                String id = (String) audit.get("id");
                String state = (String) audit.get("state");
                assertThat(state).as(id).isIn("COMPLETED", "FAILED", "CANCELLED");
                long certificates = "COMPLETED".equals(state)
                        ? Audits.until("the certificate of " + id, EVENT_TIMEOUT, () -> {
                            long n = stack.reportDb().count("SELECT count(*) FROM certificate WHERE audit_id = ?", id);
                            return n > 0 ? Optional.of(n) : Optional.empty();
                        })
                        : stack.reportDb().count("SELECT count(*) FROM certificate WHERE audit_id = ?", id);
                assertThat(certificates).as("certificates of %s audit %s", state, id).isEqualTo("COMPLETED".equals(state) ? 1 : 0);
            }
            Phases.print("audits of the run: " + audits.size() + " ended, each certified once or failed");
        }
    }

    /** A canary audit of {@code student} with the stack's tiny parameters, requested through the gateway. */
    private String requestAudit(String student) {
        Reply accepted = api.post("/api/audits", "auditor", Audits.canary("faults-" + student, student));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.json().path("id").asText();
    }

    /** One audit-completed and one certificate-issued event id for the audit, and one certificate row. */
    private void assertAnnouncedOnceAndCertifiedOnce(Stack stack, String auditId) {
        events.await("certificate-issued", e -> auditId.equals(e.data().path("auditId").asText()), 1, EVENT_TIMEOUT);
        events.settle(SETTLE);
        assertThat(EventLog.distinctIds(events.keyed("audit-completed", auditId))).hasSize(1);
        assertThat(EventLog.distinctIds(events.on("certificate-issued", e -> auditId.equals(e.data().path("auditId").asText()))))
                .hasSize(1);
        assertThat(stack.reportDb().count("SELECT count(*) FROM certificate WHERE audit_id = ?", auditId)).isEqualTo(1);
    }
}
