package io.traittrace.lineage.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.lineage.domain.Exposure;
import io.traittrace.lineage.domain.ExposureAnalyzer;
import io.traittrace.lineage.domain.ExposureBudgetExceeded;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.lineage.domain.LineageGraph;
import io.traittrace.lineage.messaging.ExposureEvents;
import io.traittrace.lineage.repository.ExposureRepository.StoredExposure;
import io.traittrace.lineage.repository.ExposureRepository;
import io.traittrace.lineage.repository.GraphRepository;
import io.traittrace.lineage.repository.SharedInitAssertionRepository;

/**
 * Keeps the materialised exposures current. After any write that can change exposure, the models downstream of what
 * changed are re-analysed from their own edges and the stored exposures of the models just above them; each model's
 * rows are brought to the analysis' answer (one per source and level), and every exposure that newly reaches
 * SAME_INIT is announced once, in the same transaction. The analysis weighs at most
 * {@code lineage.limits.max-exposure-records-per-write} candidate exposures; a write that needs more is refused.
 *
 * <p>Each model is analysed in its own organisation's view: its organisation's records, the public catalogue's, and
 * the shared-init assertions of both (a public model: public records and public assertions only). A write in an
 * organisation changes only that organisation's models; a public write also every organisation's models built on what
 * it changed, re-analysed organisation by organisation after the public ones, each row and each event in the model's
 * own organisation. The bound holds for the whole write, across organisations.
 */
@ApplicationScoped
public class ExposureMaintenance {

    private final GraphRepository graph;
    private final ExposureRepository exposures;
    private final SharedInitAssertionRepository assertions;
    private final ExposureEvents events;
    private final LineageConfig config;

    public ExposureMaintenance(GraphRepository graph, ExposureRepository exposures,
            SharedInitAssertionRepository assertions, ExposureEvents events, LineageConfig config) {
        this.graph = graph;
        this.exposures = exposures;
        this.assertions = assertions;
        this.events = events;
        this.config = config;
    }

    /**
     * Rows to delete and insert to bring the affected models' rows to the analysis' answer (a changed row is both), and
     * the exposures among them that are new.
     */
    private record Diff(List<StoredExposure> deletes, List<StoredExposure> inserts, List<StoredExposure> created) {

        List<StoredExposure> announced() {
            return created.stream().filter(e -> e.level() == ExposureLevel.SAME_INIT).toList();
        }
    }

    /**
     * What a refresh stored: how many SAME_INIT exposures it announced, and how many exposures it stored new (a
     * re-graded exposure is new at its new level), by level.
     */
    public record Changes(int announced, Map<ExposureLevel, Integer> pathsByLevel) {

        static final Changes NONE = new Changes(0, Map.of());

        Changes plus(Changes other) {
            Map<ExposureLevel, Integer> sum = new EnumMap<>(ExposureLevel.class);
            sum.putAll(pathsByLevel);
            other.pathsByLevel.forEach((level, n) -> sum.merge(level, n, Integer::sum));
            return new Changes(announced + other.announced, sum);
        }
    }

    /** Re-analyses everything downstream of {@code changed}, models of {@code organization}. */
    public Uni<Changes> refresh(String organization, Collection<String> changed) {
        return refresh(Map.of(organization, changed));
    }

    /** Re-analyses everything downstream of {@code changed} (model ids by organisation). */
    public Uni<Changes> refresh(Map<String, ? extends Collection<String>> changed) {
        if (changed.values().stream().allMatch(Collection::isEmpty)) {
            return Uni.createFrom().item(Changes.NONE);
        }
        OffsetDateTime now = OffsetDateTime.now();
        return graph.downstream(changed).chain(affected -> {
            // Public models first: the organisations' models read their stored rows as settled.
            List<String> order = new ArrayList<>(affected.keySet());
            order.sort(Comparator.comparing((String org) -> !Organizations.PUBLIC.equals(org)).thenComparing(org -> org));
            int models = affected.values().stream().mapToInt(Set::size).sum();
            long[] weighed = { 0 }; // across organisations: the bound is the write's
            Uni<Changes> changes = Uni.createFrom().item(Changes.NONE);
            for (String organization : order) {
                Set<String> ids = affected.get(organization);
                changes = changes.chain(total -> analyzer(organization, ids, config.limits().maxExposureRecordsPerWrite() - weighed[0])
                        .chain(analyzer -> {
                            Map<String, List<Exposure>> analysed = analyse(ids, analyzer, models);
                            weighed[0] += analyzer.weighed();
                            return exposures.byKey(organization, ids).map(stored -> diff(organization, analysed, stored, now));
                        })
                        .chain(this::apply)
                        .map(total::plus));
            }
            return changes;
        });
    }

    /**
     * An analyzer over the affected models' own edges, in {@code organization}'s view. Their bases and teachers outside
     * the affected set are not changed by this write (or were brought up to date before, the public ones), so their
     * stored exposures stand for everything above them: a batch of new models reads one step of the graph, however
     * deep the fine-tune and teacher chains above it go. A public model's stored rows hold for every organisation:
     * an organisation's assertions never join two public roots (SharedInitService refuses that).
     */
    private Uni<ExposureAnalyzer> analyzer(String organization, Set<String> affected, long budget) {
        List<String> view = new Tenant(organization).readableList();
        return graph.loadRegion(organization, affected).chain(region -> {
            Set<String> neighbours = new LinkedHashSet<>();
            for (String model : affected) {
                region.bases(model).forEach(edge -> neighbours.add(edge.base()));
                region.trainingData(model).stream().map(LineageGraph.TrainingData::generator).filter(Objects::nonNull)
                        .forEach(neighbours::add);
            }
            neighbours.removeAll(affected);
            return graph.rootsOf(view, neighbours)
                    .invoke(roots -> roots.forEach((model, set) -> set.forEach(root -> region.addRoot(model, root))))
                    .chain(() -> exposures.exposuresOf(view, neighbours))
                    .chain(settled -> assertions.initClasses(view).map(classes -> new ExposureAnalyzer(region, classes, settled,
                            budget)));
        });
    }

    private Map<String, List<Exposure>> analyse(Set<String> affected, ExposureAnalyzer analyzer, int models) {
        Map<String, List<Exposure>> analysed = new LinkedHashMap<>();
        try {
            affected.forEach(model -> analysed.put(model, analyzer.exposures(model)));
        } catch (ExposureBudgetExceeded e) {
            throw LineageProblem.tooMuchExposureWork("This write would make exposure analysis weigh more than "
                    + config.limits().maxExposureRecordsPerWrite() + " exposure records across the " + models + " models it affects"
                    + " (lineage.limits.max-exposure-records-per-write); nothing was written. Split an import into"
                    + " smaller ones; a single record that reaches this far needs the bound raised");
        }
        return analysed;
    }

    private static Diff diff(String organization, Map<String, List<Exposure>> analysed, Map<String, Map<String, StoredExposure>> stored,
            OffsetDateTime now) {
        List<StoredExposure> deletes = new ArrayList<>();
        List<StoredExposure> inserts = new ArrayList<>();
        List<StoredExposure> created = new ArrayList<>();
        analysed.forEach((model, found) -> {
            Map<String, StoredExposure> known = new HashMap<>(stored.getOrDefault(model, Map.of()));
            for (Exposure exposure : found) {
                StoredExposure previous = known.remove(exposure.key());
                // A shorter path or more paths to a known exposure keep its first detection.
                StoredExposure current = StoredExposure.of(organization, model, exposure, previous == null ? now : previous.detectedAt());
                if (previous == null) {
                    inserts.add(current);
                    created.add(current);
                } else if (!previous.sameAs(current)) {
                    deletes.add(previous);
                    inserts.add(current);
                }
            }
            deletes.addAll(known.values()); // re-graded to another level, or no longer reached
        });
        return new Diff(deletes, inserts, created);
    }

    private Uni<Changes> apply(Diff diff) {
        List<StoredExposure> announced = diff.announced();
        return exposures.delete(diff.deletes())
                .chain(() -> exposures.insert(diff.inserts()))
                .chain(() -> events.detectedAll(announced))
                .replaceWith(new Changes(announced.size(), diff.created().stream()
                        .collect(Collectors.groupingBy(StoredExposure::level, () -> new EnumMap<>(ExposureLevel.class),
                                Collectors.summingInt(e -> 1)))));
    }
}
