package io.traittrace.lineage.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.ExposureAnalyzer;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.lineage.domain.ExposurePath;
import io.traittrace.lineage.domain.LineageGraph;
import io.traittrace.lineage.messaging.ExposureEvents;
import io.traittrace.lineage.repository.ExposureRepository;
import io.traittrace.lineage.repository.ExposureRepository.StoredExposure;
import io.traittrace.lineage.repository.GraphRepository;
import io.traittrace.lineage.repository.SharedInitAssertionRepository;

/**
 * Keeps the materialised exposure paths current. After any write that can change exposure, the models
 * downstream of what changed are re-analysed from their own edges and the stored paths of the models just above
 * them; new paths are stored and every path that newly reaches SAME_INIT is announced once, in the same
 * transaction.
 */
@ApplicationScoped
public class ExposureMaintenance {

    private final GraphRepository graph;
    private final ExposureRepository exposures;
    private final SharedInitAssertionRepository assertions;
    private final ExposureEvents events;

    public ExposureMaintenance(GraphRepository graph, ExposureRepository exposures,
            SharedInitAssertionRepository assertions, ExposureEvents events) {
        this.graph = graph;
        this.exposures = exposures;
        this.assertions = assertions;
        this.events = events;
    }

    private record Change(String model, ExposurePath path, ExposureLevel previous) {
    }

    /**
     * What a refresh stored: how many SAME_INIT exposures it announced, and how many paths it stored new or re-graded,
     * by their (new) level.
     */
    public record Changes(int announced, Map<ExposureLevel, Integer> pathsByLevel) {

        static final Changes NONE = new Changes(0, Map.of());
    }

    /** Re-analyses everything downstream of {@code changed}. */
    public Uni<Changes> refresh(Collection<String> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().item(Changes.NONE);
        }
        return graph.downstream(changed).chain(affected -> analyzer(affected)
                .chain(analyzer -> exposures.levels(affected).map(stored -> diff(affected, analyzer, stored)))
                .chain(this::apply));
    }

    /**
     * An analyzer over the affected models' own edges. Their bases and teachers outside the affected set are not
     * changed by this write, so their stored paths stand for everything above them: a batch of new models reads
     * one step of the graph, however deep the fine-tune and teacher chains above it go.
     */
    private Uni<ExposureAnalyzer> analyzer(Set<String> affected) {
        return graph.loadRegion(affected).chain(region -> {
            Set<String> neighbours = new LinkedHashSet<>();
            for (String model : affected) {
                region.bases(model).forEach(edge -> neighbours.add(edge.base()));
                region.trainingData(model).stream().map(LineageGraph.TrainingData::generator).filter(Objects::nonNull)
                        .forEach(neighbours::add);
            }
            neighbours.removeAll(affected);
            return graph.rootsOf(neighbours)
                    .invoke(roots -> roots.forEach((model, set) -> set.forEach(root -> region.addRoot(model, root))))
                    .chain(() -> exposures.pathsOf(neighbours))
                    .chain(settled -> assertions.initClasses().map(classes -> new ExposureAnalyzer(region, classes, settled)));
        });
    }

    private static List<Change> diff(Set<String> affected, ExposureAnalyzer analyzer,
            Map<String, Map<String, ExposureLevel>> stored) {
        List<Change> changes = new ArrayList<>();
        for (String model : affected) {
            Map<String, ExposureLevel> known = stored.getOrDefault(model, Map.of());
            for (ExposurePath path : analyzer.exposures(model)) {
                ExposureLevel previous = known.get(path.key());
                if (previous != path.level()) {
                    changes.add(new Change(model, path, previous));
                }
            }
        }
        return changes;
    }

    private Uni<Changes> apply(List<Change> changes) {
        OffsetDateTime now = OffsetDateTime.now();
        List<StoredExposure> inserts = changes.stream()
                .filter(c -> c.previous() == null)
                .map(c -> new StoredExposure(c.model(), c.path().key(), c.path().level(), c.path().trainedModel(),
                        c.path().dataset(), c.path().teacher(), c.path().hops().size(), c.path().steps(), now))
                .toList();
        List<Change> updates = changes.stream().filter(c -> c.previous() != null).toList();
        List<Change> announced = changes.stream().filter(c -> c.path().level() == ExposureLevel.SAME_INIT).toList();
        return exposures.insert(inserts)
                .chain(() -> Multi.createFrom().iterable(updates)
                        .onItem().transformToUniAndConcatenate(c -> exposures.updateLevel(c.model(), c.path().key(), c.path().level()))
                        .collect().last())
                .chain(() -> events.detectedAll(announced.stream()
                        .map(c -> Map.entry(c.model(), c.path())).toList(), now))
                .replaceWith(new Changes(announced.size(), changes.stream()
                        .collect(Collectors.groupingBy(c -> c.path().level(), () -> new EnumMap<>(ExposureLevel.class),
                                Collectors.summingInt(c -> 1)))));
    }
}
