package io.traittrace.lineage.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.domain.Commands;
import io.traittrace.lineage.domain.InitClasses;
import io.traittrace.lineage.repository.GraphRepository;
import io.traittrace.lineage.repository.ModelRepository;
import io.traittrace.lineage.repository.SharedInitAssertionEntity;
import io.traittrace.lineage.repository.SharedInitAssertionRepository;
import io.traittrace.lineage.domain.Commands.NewSharedInitAssertion;
import io.traittrace.lineage.service.Views.AssertionView;
import io.traittrace.lineage.service.Views.Written;
import io.traittrace.service.rest.ApiProblem;

/**
 * Explicit "these roots share an init" edges, for models whose lineage cannot show it (two API models known
 * to share an initialisation). Adding or removing one re-grades the exposure of every model in the two families.
 *
 * <p>An organisation's assertion changes that organisation's view only (its families, the grading of its models); it
 * may name its own roots and public ones, but never join two public roots that the public catalogue keeps apart: the
 * public models' stored exposures are graded once, for every organisation, with the public assertions. A public
 * assertion (platform admin) changes every organisation's view, so it re-grades the families in all of them.
 */
@ApplicationScoped
public class SharedInitService {

    private final SharedInitAssertionRepository assertions;
    private final GraphRepository graph;
    private final ModelRepository models;
    private final ExposureMaintenance exposure;

    private final LineageMetrics metrics;

    public SharedInitService(SharedInitAssertionRepository assertions, GraphRepository graph, ModelRepository models,
            ExposureMaintenance exposure, LineageMetrics metrics) {
        this.assertions = assertions;
        this.graph = graph;
        this.models = models;
        this.exposure = exposure;
        this.metrics = metrics;
    }

    private record Asserted(Written<AssertionView> written, ExposureMaintenance.Changes changes) {
    }

    public Uni<Written<AssertionView>> assertSharedInit(Tenant tenant, NewSharedInitAssertion command, String assertedBy) {
        String a = command.roots().get(0);
        String b = command.roots().get(1);
        if (a.equals(b)) {
            return Uni.createFrom().failure(LineageProblem.invalid("A shared-init assertion needs two different roots"));
        }
        String low = a.compareTo(b) < 0 ? a : b;
        String high = a.compareTo(b) < 0 ? b : a;
        String organization = tenant.organization();
        return Panache.withTransaction(() -> assertions.lockAssertions().chain(() -> requireRoots(tenant, List.of(low, high)))
                .call(() -> refuseJoiningPublicRoots(tenant, low, high))
                .chain(() -> assertions.findPair(organization, low, high))
                .chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(new Asserted(new Written<>(view(existing), false), ExposureMaintenance.Changes.NONE));
                    }
                    SharedInitAssertionEntity entity = new SharedInitAssertionEntity();
                    entity.id = UUID.randomUUID();
                    entity.organization = organization;
                    entity.rootA = low;
                    entity.rootB = high;
                    entity.reason = command.reason().strip();
                    entity.assertedBy = assertedBy;
                    entity.createdAt = OffsetDateTime.now();
                    return assertions.persistAndFlush(entity)
                            .chain(() -> regrade(organization, Set.of(low, high)))
                            .map(changes -> new Asserted(new Written<>(view(entity), true), changes));
                }))
                .invoke(asserted -> metrics.exposurePathsFound(asserted.changes()))
                .map(Asserted::written);
    }

    public Uni<List<AssertionView>> list(Tenant tenant) {
        return Panache.withSession(() -> assertions.newestFirst(tenant.readable())
                .map(all -> all.stream().map(SharedInitService::view).toList()));
    }

    public Uni<AssertionView> get(Tenant tenant, UUID id) {
        return Panache.withSession(() -> assertions.find(tenant.readable(), id)
                .onItem().ifNull().failWith(() -> LineageProblem.notFound("Shared-init assertion", id.toString()))
                .map(SharedInitService::view));
    }

    /** Deletes one of the tenant's own assertions; a public one, which it sees, only a platform admin deletes. */
    public Uni<Void> delete(Tenant tenant, UUID id) {
        return Panache.withTransaction(() -> assertions.lockAssertions().chain(() -> assertions.find(tenant.readable(), id))
                .onItem().ifNull().failWith(() -> LineageProblem.notFound("Shared-init assertion", id.toString()))
                .invoke(entity -> {
                    if (!entity.organization.equals(tenant.organization())) {
                        throw new ApiProblem(403, "Not a platform admin",
                                "the public catalogue's assertions are changed by platform admins only", List.of());
                    }
                })
                .chain(entity -> assertions.delete(entity).chain(() -> Panache.getSession().chain(s -> s.flush()))
                        .call(() -> refuseSplittingWhatOrganisationsJoin(entity))
                        .chain(() -> regrade(entity.organization, Set.of(entity.rootA, entity.rootB)))))
                .invoke(metrics::exposurePathsFound)
                .replaceWithVoid();
    }

    /**
     * Re-analyses every model descending from the given roots or from roots asserted equal to them: in the asserting
     * organisation, or for a public assertion in every organisation, each by its own view's classes.
     */
    private Uni<ExposureMaintenance.Changes> regrade(String organization, Set<String> roots) {
        if (!Organizations.PUBLIC.equals(organization)) {
            List<String> view = new Tenant(organization).readableList();
            return assertions.initClasses(view)
                    .chain(classes -> graph.modelsWithRoots(List.of(organization), classes.expand(roots)))
                    .chain(exposure::refresh);
        }
        Map<String, Set<String>> seeds = new TreeMap<>();
        return assertions.initClasses(List.of(Organizations.PUBLIC))
                .chain(classes -> graph.modelsWithRootsAnywhere(classes.expand(roots)))
                .invoke(found -> merge(seeds, found))
                .chain(assertions::asserting)
                .chain(asserting -> {
                    Uni<Void> each = Uni.createFrom().voidItem();
                    for (String other : asserting) {
                        each = each.chain(() -> assertions.initClasses(new Tenant(other).readableList())
                                .chain(classes -> graph.modelsWithRoots(List.of(other), classes.expand(roots)))
                                .invoke(found -> merge(seeds, found))
                                .replaceWithVoid());
                    }
                    return each;
                })
                .chain(() -> exposure.refresh(seeds));
    }

    private static void merge(Map<String, Set<String>> into, Map<String, Set<String>> found) {
        found.forEach((org, ids) -> into.computeIfAbsent(org, k -> new LinkedHashSet<>()).addAll(ids));
    }

    /**
     * An organisation may not join two public roots the public catalogue keeps apart (directly, or through its own
     * roots): it would change how the public models' exposures grade in its view, and those are stored once for all.
     */
    private Uni<Void> refuseJoiningPublicRoots(Tenant tenant, String low, String high) {
        if (tenant.isPublicCatalogue()) {
            return Uni.createFrom().voidItem();
        }
        return assertions.pairs(tenant.readable()).chain(pairs -> {
            List<Map.Entry<String, String>> with = new ArrayList<>(pairs);
            with.add(Map.entry(low, high));
            Set<String> joined = InitClasses.of(with).expand(List.of(low));
            return models.existingIds(List.of(Organizations.PUBLIC), joined).chain(publicRoots -> {
                if (publicRoots.size() < 2) {
                    return Uni.createFrom().voidItem();
                }
                return assertions.initClasses(List.of(Organizations.PUBLIC)).invoke(publicClasses -> {
                    String first = publicRoots.keySet().iterator().next();
                    if (!publicClasses.expand(List.of(first)).containsAll(publicRoots.keySet())) {
                        throw LineageProblem.invalid("This assertion would join public roots "
                                + String.join(", ", new java.util.TreeSet<>(publicRoots.keySet()))
                                + " into one init class in this organisation's view; whether public models share an"
                                + " init is asserted in the public catalogue (by a platform admin)");
                    }
                }).replaceWithVoid();
            });
        });
    }

    /**
     * The other side of {@link #refuseJoiningPublicRoots}: an organisation may repeat a join the public catalogue makes,
     * and deleting the public assertion would then leave that organisation joining two public roots the catalogue keeps
     * apart. The deletion waits until those organisations remove theirs (their number is told, not their names).
     */
    private Uni<Void> refuseSplittingWhatOrganisationsJoin(SharedInitAssertionEntity deleted) {
        if (!Organizations.PUBLIC.equals(deleted.organization)) {
            return Uni.createFrom().voidItem();
        }
        return assertions.initClasses(List.of(Organizations.PUBLIC)).chain(publicClasses -> {
            if (publicClasses.expand(List.of(deleted.rootA)).contains(deleted.rootB)) {
                return Uni.createFrom().voidItem();
            }
            List<String> joining = new ArrayList<>();
            return assertions.asserting().chain(organizations -> {
                Uni<Void> each = Uni.createFrom().voidItem();
                for (String organization : organizations) {
                    each = each.chain(() -> assertions.initClasses(new Tenant(organization).readableList())
                            .invoke(classes -> {
                                if (classes.expand(List.of(deleted.rootA)).contains(deleted.rootB)) {
                                    joining.add(organization);
                                }
                            }).replaceWithVoid());
                }
                return each;
            }).invoke(() -> {
                if (!joining.isEmpty()) {
                    throw new ApiProblem(409, "Relied on", "assertions of " + joining.size() + " organisation(s) join "
                            + deleted.rootA + " and " + deleted.rootB + " as this public assertion does; the public"
                            + " catalogue cannot keep them apart until those are deleted", List.of());
                }
            });
        });
    }

    private Uni<Void> requireRoots(Tenant tenant, List<String> ids) {
        return graph.basesOf(tenant.readable(), ids).chain(bases -> graph.rootsOf(tenant.readable(), ids).invoke(roots -> {
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
        return new AssertionView(a.id.toString(), a.organization, List.of(a.rootA, a.rootB), a.reason, a.assertedBy,
                a.createdAt);
    }
}
