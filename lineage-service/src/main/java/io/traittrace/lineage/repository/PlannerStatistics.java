package io.traittrace.lineage.repository;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.service.repository.Sql;

/**
 * Keeps PostgreSQL's planner statistics of the graph tables in step with bulk writes. Until autovacuum's next
 * ANALYZE (a minute or more away, on a busy server) the graph walks are planned from statistics of a much smaller
 * graph; in the benchmark that window ran at a tenth of the usual ingest rate. So each time this instance has
 * written as many rows as the graph held at its last ANALYZE (the graph doubled, at least
 * {@code lineage.statistics.analyze-after-rows}), it analyses them itself, after the write's commit.
 */
@ApplicationScoped
public class PlannerStatistics {

    private static final Logger LOG = Logger.getLogger(PlannerStatistics.class);
    /** The tables the walks and region loads read; exposure is read by its primary key only and left to autovacuum. */
    private static final String GRAPH_TABLES = "model, model_base, model_root, dataset, training_run, training_run_dataset";

    private final long minimumRows;
    private final AtomicLong writtenSinceAnalyze = new AtomicLong();
    private final AtomicLong writtenBeforeAnalyze = new AtomicLong();

    public PlannerStatistics(LineageConfig config) {
        this.minimumRows = config.statistics().analyzeAfterRows();
    }

    /** Counts {@code rows} committed rows and analyses the graph tables when that many have doubled the graph. */
    public Uni<Void> rowsCommitted(long rows) {
        long pending = writtenSinceAnalyze.addAndGet(rows);
        if (pending < Math.max(minimumRows, writtenBeforeAnalyze.get()) || !writtenSinceAnalyze.compareAndSet(pending, 0)) {
            return Uni.createFrom().voidItem(); // not yet, or a concurrent write is the one that analyses
        }
        long analysed = writtenBeforeAnalyze.addAndGet(pending);
        long started = System.nanoTime();
        return Panache.withSession(() -> Sql.update("ANALYZE " + GRAPH_TABLES, List.of()))
                .invoke(() -> LOG.debugf("Analysed the graph tables after %d rows written (%d ms)", analysed,
                        (System.nanoTime() - started) / 1_000_000))
                .replaceWithVoid();
    }
}
