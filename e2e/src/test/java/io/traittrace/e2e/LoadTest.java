package io.traittrace.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.e2e.Api.Reply;

/**
 * Fifty concurrent clients for a bounded time, through the gateway: each writes its own models, datasets and training
 * runs (every student newly SAME_INIT exposed, so each write also makes an {@code exposure-detected} event), reads
 * exposure back, and every fifth round requests an audit and repeats the request under the same idempotency key.
 * Then: no answer but 2xx, every acknowledged record there exactly once (API and rows), one event id per fact and no
 * record twice on the topics. Latency percentiles and throughput are printed, not asserted.
 *
 * <p>The audits are image audits: the local executor fails each at once (images need Kubernetes), so they exercise
 * acceptance, planning, run bookkeeping and their events without probe processes competing for the two cores.
 */
@Order(4)
@ExtendWith(StackExtension.class)
class LoadTest {

    private static final int CLIENTS = 50;
    private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("e2e.load.seconds", 25));
    /** The first seconds warm the services' JITs up: their calls are checked like all others but left out of the figures. */
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final String ROOT = "load-root";
    private static final String TEACHER_DATA = "load-teacher-numbers";
    private static final String AUDITED = "load-audited";

    /** One call: what it was, when it started, how it ended, how long it took. */
    private record Call(String operation, long startedNanos, int status, long nanos) {

        static Call of(String operation, Reply reply) {
            return new Call(operation, System.nanoTime() - reply.nanos(), reply.status(), reply.nanos());
        }
    }

    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final Set<String> datasets = ConcurrentHashMap.newKeySet();
    private final Set<String> trainingRuns = ConcurrentHashMap.newKeySet();
    /** Acknowledged audits: idempotency key → audit id. */
    private final Map<String, String> audits = new ConcurrentHashMap<>();

    @Test
    void fiftyClientsWriteAndAuditWithoutErrorsLossOrDuplicates(Stack stack) throws Exception {
        Api api = stack.api();
        Reply setup = api.post("/api/lineage/import", "auditor", Lineage.batch(
                List.of(Lineage.model(ROOT, null, true), Lineage.model("load-teacher", ROOT, true), Lineage.model(AUDITED, ROOT, true)),
                List.of(Lineage.dataset(TEACHER_DATA, "load-teacher")), List.of()));
        assertThat(setup.status()).as(setup.toString()).isEqualTo(200);

        long started;
        long ended;
        try (var phase = Phases.start("load: " + CLIENTS + " clients for " + DURATION.toSeconds() + " s")) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            started = System.nanoTime();
            long deadline = started + DURATION.toNanos();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int round = 0; System.nanoTime() < deadline; round++) {
                        round(api, client, round);
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
            ended = System.nanoTime();
            pool.shutdown();
        }
        printFigures(started + WARM_UP.toNanos(), ended);

        try (var phase = Phases.start("load: everything acknowledged is there once")) {
            Map<Integer, Long> byStatus = calls.stream().collect(Collectors.groupingBy(Call::status, TreeMap::new, Collectors.counting()));
            assertThat(byStatus.keySet()).as("answers by status %s", byStatus).allMatch(status -> status / 100 == 2);
            assertThat(models).isNotEmpty();
            assertThat(audits).isNotEmpty();

            assertThat(listedModels(api)).as("models listed through the gateway").containsExactlyInAnyOrderElementsOf(models);
            assertThat(ids(stack.lineageDb(), "SELECT id FROM model WHERE id LIKE 'load-model-%'")).isEqualTo(models);
            assertThat(ids(stack.lineageDb(), "SELECT id FROM dataset WHERE id LIKE 'load-data-%'")).isEqualTo(datasets);
            assertThat(ids(stack.lineageDb(), "SELECT id FROM training_run WHERE id LIKE 'load-run-%'")).isEqualTo(trainingRuns);
            Map<String, String> stored = stack.runnerDb().rows("SELECT idempotency_key, CAST(id AS text) AS id FROM audit"
                    + " WHERE idempotency_key LIKE 'load-audit-%'").stream()
                    .collect(Collectors.toMap(row -> (String) row.get("idempotency_key"), row -> (String) row.get("id")));
            assertThat(stored).isEqualTo(audits);
        }

        try (var phase = Phases.start("load: one event per fact, none twice")) {
            EventLog events = stack.events();
            events.await("exposure-detected", e -> models.contains(e.key()), models.size(), Duration.ofSeconds(120));
            Audits.until("the load's audits to end", Duration.ofSeconds(120), () -> stack.runnerDb().count(
                    "SELECT count(*) FROM audit WHERE idempotency_key LIKE 'load-audit-%' AND state = 'RUNNING'") == 0
                            ? Optional.of(true) : Optional.empty());
            Set<String> auditIds = new HashSet<>(audits.values());
            events.await("audit-failed", e -> auditIds.contains(e.key()), auditIds.size(), Duration.ofSeconds(60));
            events.settle(Duration.ofSeconds(3));

            assertOnePerFact(events.on("exposure-detected", e -> models.contains(e.key())), models.size());
            assertOnePerFact(events.on("audit-requested", e -> auditIds.contains(e.key())), auditIds.size());
            assertOnePerFact(events.on("audit-failed", e -> auditIds.contains(e.key())), auditIds.size());
            // Each image audit: two arms × two seeds, each run refused once by the local executor.
            assertOnePerFact(events.on("audit-progress", e -> auditIds.contains(e.key())), 4 * auditIds.size());
        }
    }

    /** One client's round: a dataset, a student trained on it and on the teacher's data, its exposure read back; every fifth round an audit. */
    private void round(Api api, int client, int round) {
        String suffix = String.format(Locale.ROOT, "c%02d-%05d", client, round);
        String model = "load-model-" + suffix;
        String dataset = "load-data-" + suffix;
        String run = "load-run-" + suffix;
        ObjectNode data = Lineage.dataset(dataset, null).put("origin", "human");
        if (call(api, "POST dataset", "/api/lineage/datasets", data)) {
            datasets.add(dataset);
        }
        if (call(api, "POST model", "/api/lineage/models", Lineage.model(model, ROOT, false))) {
            models.add(model);
        }
        ObjectNode training = Lineage.trainingRun(run, model, dataset);
        training.withArray("datasets").add(TEACHER_DATA);
        if (call(api, "POST training run", "/api/lineage/training-runs", training)) {
            trainingRuns.add(run);
        }
        Reply exposure = api.get("/api/lineage/models/" + model + "/exposure", "viewer");
        calls.add(Call.of("GET exposure", exposure));
        if (exposure.ok()) {
            assertThat(exposure.json().path("level").asText()).as(model).isEqualTo("SAME_INIT");
        }
        // A fifth of the clients request an audit in each round, so the audits do not all arrive at once.
        if ((round + client) % 5 == 0) {
            String key = "load-audit-" + suffix;
            Reply accepted = api.post("/api/audits", "auditor", imageAudit(key));
            calls.add(Call.of("POST audit", accepted));
            if (accepted.status() == 202) {
                String id = accepted.json().path("id").asText();
                audits.put(key, id);
                Reply replayed = api.post("/api/audits", "auditor", imageAudit(key));
                calls.add(Call.of("POST audit (same key)", replayed));
                assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
                assertThat(replayed.json().path("id").asText()).isEqualTo(id);
            }
        }
    }

    private boolean call(Api api, String operation, String path, JsonNode body) {
        Reply reply = api.post(path, "auditor", body);
        calls.add(Call.of(operation, reply));
        return reply.status() == 201;
    }

    private static ObjectNode imageAudit(String key) {
        ObjectNode request = Api.JSON.createObjectNode().put("idempotencyKey", key).put("protocol", "image").put("student", AUDITED)
                .put("seedsPerArm", 2).put("margin", 0.1);
        request.putArray("traits").add("owl-preference");
        ObjectNode parameters = request.putObject("parameters").put("image", Stack.VETTED_IMAGE);
        parameters.putArray("arms").add("treatment").add("control-gen");
        return request;
    }

    private static List<String> listedModels(Api api) {
        List<String> listed = new ArrayList<>();
        for (int page = 0;; page++) {
            JsonNode items = api.get("/api/lineage/models?q=load-model-&size=500&page=" + page, "viewer").json().path("items");
            items.forEach(item -> listed.add(item.path("id").asText()));
            if (items.size() < 500) {
                return listed;
            }
        }
    }

    private static Set<String> ids(Database db, String sql) {
        return db.rows(sql).stream().map(row -> (String) row.get("id")).collect(Collectors.toSet());
    }

    /** {@code facts} distinct event ids, and no record of them twice. */
    private static void assertOnePerFact(List<EventLog.Event> records, int facts) {
        assertThat(EventLog.distinctIds(records)).hasSize(facts);
        assertThat(records).hasSize(facts);
    }

    /** Throughput and latency of the calls that started after the warm-up. */
    private void printFigures(long from, long to) {
        List<Call> measured = calls.stream().filter(call -> call.startedNanos() >= from).toList();
        double seconds = (to - from) / 1e9;
        Phases.print(String.format(Locale.ROOT, "load: %d calls in all; after the %d s warm-up %d calls in %.1f s = %.0f calls/s;"
                + " acknowledged: %d models, %d datasets, %d training runs, %d audits", calls.size(), WARM_UP.toSeconds(), measured.size(),
                seconds, measured.size() / seconds, models.size(), datasets.size(), trainingRuns.size(), audits.size()));
        if (measured.isEmpty()) {
            return;
        }
        Map<String, List<Call>> byOperation = measured.stream().collect(Collectors.groupingBy(Call::operation, TreeMap::new, Collectors.toList()));
        byOperation.put("all", measured);
        byOperation.forEach((operation, list) -> {
            long[] nanos = list.stream().mapToLong(Call::nanos).sorted().toArray();
            Phases.print(String.format(Locale.ROOT, "  %-22s n=%6d  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  max %7.1f ms", operation,
                    nanos.length, percentile(nanos, 50), percentile(nanos, 95), percentile(nanos, 99), nanos[nanos.length - 1] / 1e6));
        });
    }

    private static double percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
