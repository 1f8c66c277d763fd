package io.traittrace.lineage.service;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.repository.GraphRepository;
import io.traittrace.lineage.repository.SharedInitAssertionEntity;
import io.traittrace.lineage.repository.SharedInitAssertionRepository;
import io.traittrace.lineage.service.Commands.NewSharedInitAssertion;
import io.traittrace.lineage.service.Views.AssertionView;
import io.traittrace.lineage.service.Views.Written;

/**
 * Explicit "these roots share an init" edges, for models whose lineage cannot show it (two API models known
 * to share an initialisation). Adding or removing one re-grades the exposure of every model in the two families.
 */
@ApplicationScoped
public class SharedInitService {

    private final SharedInitAssertionRepository assertions;
    private final GraphRepository graph;
    private final ExposureMaintenance exposure;

    private final LineageMetrics metrics;

    public SharedInitService(SharedInitAssertionRepository assertions, GraphRepository graph, ExposureMaintenance exposure,
            LineageMetrics metrics) {
        this.assertions = assertions;
        this.graph = graph;
        this.exposure = exposure;
        this.metrics = metrics;
    }

    private record Asserted(Written<AssertionView> written, ExposureMaintenance.Changes changes) {
    }

    public Uni<Written<AssertionView>> assertSharedInit(NewSharedInitAssertion command, String assertedBy) {
        String a = command.roots().get(0);
        String b = command.roots().get(1);
        if (a.equals(b)) {
            return Uni.createFrom().failure(LineageProblem.invalid("A shared-init assertion needs two different roots"));
        }
        String low = a.compareTo(b) < 0 ? a : b;
        String high = a.compareTo(b) < 0 ? b : a;
        return Panache.withTransaction(() -> requireRoots(List.of(low, high))
                .chain(() -> assertions.findPair(low, high))
                .chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(new Asserted(new Written<>(view(existing), false), ExposureMaintenance.Changes.NONE));
                    }
                    SharedInitAssertionEntity entity = new SharedInitAssertionEntity();
                    entity.id = UUID.randomUUID();
                    entity.rootA = low;
                    entity.rootB = high;
                    entity.reason = command.reason().strip();
                    entity.assertedBy = assertedBy;
                    entity.createdAt = OffsetDateTime.now();
                    return assertions.persistAndFlush(entity)
                            .chain(() -> regrade(Set.of(low, high)))
                            .map(changes -> new Asserted(new Written<>(view(entity), true), changes));
                }))
                .invoke(asserted -> metrics.exposurePathsFound(asserted.changes()))
                .map(Asserted::written);
    }

    public Uni<List<AssertionView>> list() {
        return Panache.withSession(() -> assertions.newestFirst().map(all -> all.stream().map(SharedInitService::view).toList()));
    }

    public Uni<AssertionView> get(UUID id) {
        return Panache.withSession(() -> assertions.findById(id)
                .onItem().ifNull().failWith(() -> LineageProblem.notFound("Shared-init assertion", id.toString()))
                .map(SharedInitService::view));
    }

    public Uni<Void> delete(UUID id) {
        return Panache.withTransaction(() -> assertions.findById(id)
                .onItem().ifNull().failWith(() -> LineageProblem.notFound("Shared-init assertion", id.toString()))
                .chain(entity -> assertions.delete(entity).chain(() -> Panache.getSession().chain(s -> s.flush()))
                        .chain(() -> regrade(Set.of(entity.rootA, entity.rootB)))))
                .invoke(metrics::exposurePathsFound)
                .replaceWithVoid();
    }

    /** Re-analyses every model descending from the given roots or from roots asserted equal to them. */
    private Uni<ExposureMaintenance.Changes> regrade(Set<String> roots) {
        return assertions.initClasses()
                .chain(classes -> graph.modelsWithRoots(classes.expand(roots)))
                .chain(exposure::refresh);
    }

    private Uni<Void> requireRoots(List<String> ids) {
        return graph.basesOf(ids).chain(bases -> graph.rootsOf(ids).invoke(roots -> {
            for (String id : ids) {
                if (!roots.containsKey(id)) {
                    throw LineageProblem.invalid("Unknown model '" + id + "'");
                }
                if (bases.containsKey(id)) {
                    throw LineageProblem.invalid("Model '" + id + "' is not a root (it declares bases); assert shared init between roots");
                }
            }
        })).replaceWithVoid();
    }

    static AssertionView view(SharedInitAssertionEntity a) {
        return new AssertionView(a.id.toString(), List.of(a.rootA, a.rootB), a.reason, a.assertedBy, a.createdAt);
    }
}
