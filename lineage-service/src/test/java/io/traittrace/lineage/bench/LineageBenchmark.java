package io.traittrace.lineage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.lineage.domain.Commands.Import;
import io.traittrace.lineage.service.LineageQueryService;
import io.traittrace.lineage.service.LineageWriteService;
import io.traittrace.lineage.service.Views.FamilyView;
import io.traittrace.lineage.service.Views.WalkView;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

/**
 * Loads a synthetic Hugging-Face-shaped lineage graph ({@link HubGraphGenerator}) through the service's own
 * write path ({@link LineageWriteService#importRecords}), then measures family, ancestors and exposure latency
 * through {@link LineageQueryService} and through a plain recursive-SQL implementation of the same questions
 * ({@link RecursiveSqlBaseline}), on the same reactive session stack.
 *
 * <p>Not part of the normal test suite (tag {@code benchmark}); run with
 * {@code ./mvnw -B -pl lineage-service -am verify -Pbenchmark -Dbench.models=1000000}. System properties:
 * {@code bench.models} (1,000,000), {@code bench.queries} (2,000 per query type and implementation),
 * {@code bench.seed} (42), {@code bench.depth} (ancestor depth, 20), {@code bench.explain} (print plans).
 * The table goes to stdout and to {@code target/benchmark.txt}.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@Tag("benchmark")
class LineageBenchmark {

    /** The benchmark's graph is one organisation's (the baseline SQL reads the tables whole). */
    private static final Tenant TENANT = new Tenant("bench");

    @Inject
    LineageWriteService writes;

    @Inject
    LineageQueryService queries;

    @Inject
    LineageConfig config;

    private static <T> T await(Supplier<Uni<T>> uni) {
        try {
            return VertxContextSupport.subscribeAndAwait(uni);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Test
    void hubShapedGraph() throws IOException {
        int modelCount = Integer.getInteger("bench.models", 1_000_000);
        int queryCount = Integer.getInteger("bench.queries", 2_000);
        long seed = Long.getLong("bench.seed", 42L);
        int depth = Integer.getInteger("bench.depth", 20);
        boolean explain = Boolean.getBoolean("bench.explain");
        int warmup = Math.max(50, Math.min(500, queryCount / 4));

        // ---- ingest ---------------------------------------------------------------------------------------
        HubGraphGenerator generator = new HubGraphGenerator(modelCount, seed, config.limits().maxBatch());
        long writeNanos = 0;
        long started = System.nanoTime();
        int batches = 0;
        long lastReport = started;
        while (generator.hasNext()) {
            Import batch = generator.nextBatch();
            long t0 = System.nanoTime();
            await(() -> writes.importRecords(TENANT, batch));
            writeNanos += System.nanoTime() - t0;
            batches++;
            if (System.nanoTime() - lastReport > 30_000_000_000L || !generator.hasNext()) {
                lastReport = System.nanoTime();
                System.out.printf(Locale.ROOT, "[bench] ingested %,d/%,d models, %,d edges in %.1f s (%,.0f edges/s)%n",
                        generator.emittedModels(), modelCount, generator.edges(), writeNanos / 1e9,
                        generator.edges() / (writeNanos / 1e9));
            }
        }
        double ingestSeconds = writeNanos / 1e9;
        double wallSeconds = (System.nanoTime() - started) / 1e9;
        long exposureRows = await(() -> count("SELECT count(*) FROM exposure"));
        // Order-independent checksum of every stored path: equal across runs of one seed iff the same rows were stored.
        long exposureChecksum = await(() -> count(
                "SELECT coalesce(sum(hashtext(model_id || path_key || level || CAST(path AS text) || other_paths)), 0) FROM exposure"));
        long rootRows = await(() -> count("SELECT count(*) FROM model_root"));
        long largestFamily = await(() -> count("SELECT max(c) FROM (SELECT count(*) AS c FROM model_root GROUP BY root_id) f"));
        long maxDepth = await(() -> count("""
                WITH RECURSIVE d(id, n) AS (SELECT model_id, 0 FROM model_base WHERE model_id = :id
                UNION SELECT b.base_id, d.n + 1 FROM d JOIN model_base b ON b.model_id = d.id) SELECT CAST(max(n) AS bigint) FROM d"""
                .replace(":id", "'" + HubGraphGenerator.modelId(deepest(generator)) + "'")));
        // Statistics as autovacuum would eventually gather them; both implementations profit alike.
        await(() -> Panache.withSession(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery("ANALYZE").executeUpdate())));

        // ---- queries --------------------------------------------------------------------------------------
        int emitted = generator.emittedModels();
        String[] targets = new String[warmup + queryCount];
        SplittableRandom pick = new SplittableRandom(seed + 1);
        for (int i = 0; i < targets.length; i++) {
            targets[i] = HubGraphGenerator.modelId(pick.nextInt(emitted));
        }
        var paging = queries.paging(0, 50);

        if (explain) {
            for (int i = 0; i < 3; i++) {
                String id = targets[i];
                explain("family baseline " + id, RecursiveSqlBaseline.FAMILY.replace(":id", "'" + id + "'")
                        .replace(":offset", "0").replace(":limit", "50"));
                explain("exposure baseline " + id, RecursiveSqlBaseline.EXPOSURE.replace(":id", "'" + id + "'"));
            }
        }

        // Sanity: both implementations see the same families and the same ancestors.
        int familyMismatches = 0;
        int ancestorMismatches = 0;
        for (int i = 0; i < Math.min(50, targets.length); i++) {
            String id = targets[i];
            FamilyView service = await(() -> queries.family(TENANT, id, paging));
            List<Object[]> baseline = await(() -> RecursiveSqlBaseline.family(id, 0, 50));
            long baselineTotal = baseline.isEmpty() ? 0 : ((Number) baseline.get(0)[2]).longValue();
            if (service.members().total() != baselineTotal) {
                familyMismatches++;
            }
            WalkView walk = await(() -> queries.ancestors(TENANT, id, depth));
            if (walk.nodes().total() != await(() -> RecursiveSqlBaseline.ancestors(id, depth)).size()) {
                ancestorMismatches++;
            }
        }

        Result family = measure("family", targets, warmup,
                id -> () -> queries.family(TENANT, id, paging),
                id -> () -> RecursiveSqlBaseline.family(id, paging.page() * paging.size(), paging.size()));
        Result ancestors = measure("ancestors", targets, warmup,
                id -> () -> queries.ancestors(TENANT, id, depth),
                id -> () -> RecursiveSqlBaseline.ancestors(id, depth));
        Result exposure = measure("exposure", targets, warmup,
                id -> () -> queries.exposure(TENANT, id, queries.paging(null, null)),
                id -> () -> RecursiveSqlBaseline.exposure(id));

        // ---- report ---------------------------------------------------------------------------------------
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "TraitTrace lineage benchmark (seed %d, %d CPUs, JDK %s)%n", seed,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        out.append(String.format(Locale.ROOT, "models            %,d (%,d import batches of <= %,d records)%n",
                emitted, batches, config.limits().maxBatch()));
        out.append(String.format(Locale.ROOT, "datasets          %,d   training runs %,d%n", generator.datasetsEmitted(),
                generator.runsEmitted()));
        out.append(String.format(Locale.ROOT, "edges             %,d (base %,d + run->dataset %,d + dataset->generator %,d)%n",
                generator.edges(), generator.baseEdges(), generator.runDatasetEdges(), generator.generatorEdges()));
        out.append(String.format(Locale.ROOT, "graph             largest family %,d models, deepest chain %d base edges, model_root rows %,d, exposure rows %,d%n",
                largestFamily, maxDepth, rootRows, exposureRows));
        out.append(String.format(Locale.ROOT, "exposure checksum %d (sum of row hashes; compare runs of one seed)%n", exposureChecksum));
        out.append(String.format(Locale.ROOT, "ingest            %.1f s in importRecords (%.1f s wall)  ->  %,.0f edges/s, %,.0f models/s%n",
                ingestSeconds, wallSeconds, generator.edges() / ingestSeconds, emitted / ingestSeconds));
        out.append(String.format(Locale.ROOT, "queries           %,d measured per query type and implementation after %,d warm-up; "
                + "family page size 50, ancestor depth %d%n", queryCount, warmup, depth));
        out.append(String.format(Locale.ROOT, "sanity            family totals differ in %d/50 samples, ancestor counts in %d/50%n",
                familyMismatches, ancestorMismatches));
        out.append(String.format(Locale.ROOT, "%n%-10s | %12s %12s | %12s %12s | %9s %9s%n", "query", "service p50", "service p99",
                "baseline p50", "baseline p99", "p50 ratio", "p99 ratio"));
        out.append("-----------+---------------------------+---------------------------+--------------------\n");
        for (Result r : List.of(family, ancestors, exposure)) {
            out.append(String.format(Locale.ROOT, "%-10s | %9.2f ms %9.2f ms | %9.2f ms %9.2f ms | %8.1fx %8.1fx%n", r.name,
                    r.serviceP50, r.serviceP99, r.baselineP50, r.baselineP99, r.baselineP50 / r.serviceP50,
                    r.baselineP99 / r.serviceP99));
        }
        out.append("(ratio = baseline / service; higher means the service is faster)\n");
        System.out.println("\n" + out);
        Path file = Path.of("target", "benchmark.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString());
    }

    private static int deepest(HubGraphGenerator generator) {
        return generator.deepestModel();
    }

    private record Result(String name, double serviceP50, double serviceP99, double baselineP50, double baselineP99) {
    }

    private static Result measure(String name, String[] targets, int warmup, Function<String, Supplier<Uni<?>>> service,
            Function<String, Supplier<Uni<?>>> baseline) {
        for (int i = 0; i < warmup; i++) {
            await(service.apply(targets[i])::get);
            await(baseline.apply(targets[i])::get);
        }
        Histogram s = new Histogram(3_600_000_000_000L, 3);
        Histogram b = new Histogram(3_600_000_000_000L, 3);
        // The service's slowest calls and their targets: the tail a p99 over a few hundred calls is made of.
        PriorityQueue<Map.Entry<Long, String>> slowest = new PriorityQueue<>(Map.Entry.comparingByKey());
        for (int i = warmup; i < targets.length; i++) {
            long nanos = time(service.apply(targets[i]));
            s.recordValue(nanos);
            slowest.add(Map.entry(nanos, targets[i]));
            if (slowest.size() > 3) {
                slowest.poll();
            }
            b.recordValue(time(baseline.apply(targets[i])));
        }
        System.out.printf(Locale.ROOT, "[bench] %s: service p50 %.2f ms p99 %.2f ms max %.2f ms; baseline p50 %.2f ms p99 %.2f ms max %.2f ms%n",
                name, ms(s, 50), ms(s, 99), s.getMaxValue() / 1e6, ms(b, 50), ms(b, 99), b.getMaxValue() / 1e6);
        System.out.printf(Locale.ROOT, "[bench] %s: slowest service calls %s%n", name, slowest.stream()
                .sorted(Map.Entry.<Long, String>comparingByKey().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f ms", e.getValue(), e.getKey() / 1e6)).toList());
        return new Result(name, ms(s, 50), ms(s, 99), ms(b, 50), ms(b, 99));
    }

    private static long time(Supplier<Uni<?>> call) {
        long t0 = System.nanoTime();
        await(call::get);
        return System.nanoTime() - t0;
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    private static Uni<Long> count(String sql) {
        return Panache.withSession(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery(sql, Long.class).getSingleResult()));
    }

    private static void explain(String label, String sql) {
        List<String> plan = await(() -> Panache.withSession(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql, String.class).getResultList())));
        System.out.println("[bench] plan for " + label + ":\n  " + String.join("\n  ", plan));
    }
}
