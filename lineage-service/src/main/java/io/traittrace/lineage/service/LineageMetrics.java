package io.traittrace.lineage.service;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.traittrace.lineage.domain.ExposureLevel;

/**
 * The lineage service's domain metrics (names and meaning in the README), counted after the transaction that wrote
 * the records committed: a refused or rolled-back write counts nothing.
 */
@ApplicationScoped
public class LineageMetrics {

    private final Counter models;
    private final Counter datasets;
    private final Counter trainingRuns;
    private final Counter edges;
    private final Map<ExposureLevel, Counter> pathsFound = new EnumMap<>(ExposureLevel.class);

    public LineageMetrics(MeterRegistry registry) {
        this.models = written(registry, "model");
        this.datasets = written(registry, "dataset");
        this.trainingRuns = written(registry, "training_run");
        this.edges = written(registry, "edge");
        for (ExposureLevel level : ExposureLevel.values()) {
            // A path always has a level above NONE: NONE is what a model without paths is.
            if (level != ExposureLevel.NONE) {
                pathsFound.put(level, Counter.builder("traittrace.lineage.exposure.paths.found")
                        .description("Exposures (model, source, level) stored new, or re-graded to this level")
                        .tag("level", level.name())
                        .register(registry));
            }
        }
    }

    private static Counter written(MeterRegistry registry, String kind) {
        return Counter.builder("traittrace.lineage.records.written")
                .description("Lineage records written (identical re-posts excluded)")
                .tag("kind", kind)
                .register(registry);
    }

    /** {@code edges}: base edges, generated-by links and training-run inputs. */
    void recordsWritten(int newModels, int newDatasets, int newTrainingRuns, int newEdges) {
        models.increment(newModels);
        datasets.increment(newDatasets);
        trainingRuns.increment(newTrainingRuns);
        edges.increment(newEdges);
    }

    void exposurePathsFound(ExposureMaintenance.Changes changes) {
        changes.pathsByLevel().forEach((level, count) -> pathsFound.get(level).increment(count));
    }
}
