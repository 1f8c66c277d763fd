package io.traittrace.lineage.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.paging.Page;
import io.traittrace.api.paging.PageLimits;
import io.traittrace.api.paging.PageRequest;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.lineage.domain.Commands;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.lineage.domain.Step;
import io.traittrace.lineage.repository.DatasetEntity;
import io.traittrace.lineage.repository.DatasetRepository;
import io.traittrace.lineage.repository.ExposureRepository.StoredExposure;
import io.traittrace.lineage.repository.ExposureRepository.Summary;
import io.traittrace.lineage.repository.ExposureRepository;
import io.traittrace.lineage.repository.GraphRepository.Reached;
import io.traittrace.lineage.repository.GraphRepository;
import io.traittrace.lineage.repository.ModelEntity;
import io.traittrace.lineage.repository.ModelRepository;
import io.traittrace.lineage.repository.SharedInitAssertionRepository;
import io.traittrace.lineage.repository.TrainingRunEntity;
import io.traittrace.lineage.repository.TrainingRunRepository;
import io.traittrace.lineage.service.Views.DatasetView;
import io.traittrace.lineage.service.Views.ExposedModelView;
import io.traittrace.lineage.service.Views.ExposureDetail;
import io.traittrace.lineage.service.Views.ExposureView;
import io.traittrace.lineage.service.Views.FamilyView;
import io.traittrace.lineage.service.Views.MemberView;
import io.traittrace.lineage.service.Views.ModelView;
import io.traittrace.lineage.service.Views.TrainingRunView;
import io.traittrace.lineage.service.Views.WalkEdge;
import io.traittrace.lineage.service.Views.WalkNode;
import io.traittrace.lineage.service.Views.WalkView;

/**
 * Answers lineage questions from the stored records, the materialised roots and the materialised exposures, in the
 * tenant's view: its organisation's records and the public catalogue's. Another organisation's ids are not found
 * (404, as an id that does not exist), and a walk from a public model shows only the view's models.
 */
@ApplicationScoped
public class LineageQueryService {

    private final ModelRepository models;
    private final DatasetRepository datasets;
    private final TrainingRunRepository runs;
    private final GraphRepository graph;
    private final ExposureRepository exposures;
    private final SharedInitAssertionRepository assertions;
    private final LineageConfig config;
    private final PageLimits pageLimits;

    public LineageQueryService(ModelRepository models, DatasetRepository datasets, TrainingRunRepository runs,
            GraphRepository graph, ExposureRepository exposures, SharedInitAssertionRepository assertions,
            LineageConfig config) {
        this.models = models;
        this.datasets = datasets;
        this.runs = runs;
        this.graph = graph;
        this.exposures = exposures;
        this.assertions = assertions;
        this.config = config;
        this.pageLimits = new PageLimits(config.limits().defaultPageSize(), config.limits().maxPageSize());
    }

    /** The page a caller asked for, within this service's page sizes (the paging rule is api-contract's). */
    public PageRequest paging(Integer page, Integer size) {
        return PageRequest.of(page, size, pageLimits);
    }

    public int depth(Integer depth) {
        int d = depth == null ? 10 : depth;
        if (d < 1 || d > config.limits().maxDepth()) {
            throw LineageProblem.badRequest("depth must be between 1 and " + config.limits().maxDepth());
        }
        return d;
    }

    public Uni<ModelView> model(Tenant tenant, String id) {
        return Panache.withSession(() -> requireModel(tenant, id)
                .chain(model -> modelViews(tenant, List.of(model)))
                .map(views -> views.get(0)));
    }

    public Uni<Page<ModelView>> searchModels(Tenant tenant, String q, PageRequest paging) {
        return Panache.withSession(() -> models.search(tenant.readable(), q, paging.page(), paging.size())
                .chain(found -> modelViews(tenant, found))
                .chain(items -> models.countSearch(tenant.readable(), q)
                        .map(total -> Page.of(items, paging, total))));
    }

    private Uni<List<ModelView>> modelViews(Tenant tenant, List<ModelEntity> entities) {
        List<String> ids = entities.stream().map(m -> m.id).toList();
        return graph.basesOf(tenant.readable(), ids).chain(bases -> graph.rootsOf(tenant.readable(), ids).map(roots -> entities.stream()
                .map(m -> new ModelView(m.id, m.organization, m.name, m.uri, m.revision, m.digest,
                        bases.getOrDefault(m.id, List.of()).stream()
                                .map(e -> new Commands.BaseRef(e.base(), e.relation().wire())).toList(),
                        List.copyOf(roots.getOrDefault(m.id, Set.of())), m.createdAt))
                .toList()));
    }

    public Uni<DatasetView> dataset(Tenant tenant, String id) {
        return Panache.withSession(() -> datasets.find(tenant.readable(), id)
                .onItem().ifNull().failWith(() -> LineageProblem.notFound("Dataset", id))
                .map(LineageQueryService::datasetView));
    }

    public Uni<Page<DatasetView>> datasets(Tenant tenant, String generatedBy, PageRequest paging) {
        return Panache.withSession(() -> datasets.page(tenant.readable(), generatedBy, paging.page(), paging.size())
                .chain(items -> datasets.countPage(tenant.readable(), generatedBy)
                        .map(total -> Page.of(items, paging, total).map(LineageQueryService::datasetView))));
    }

    static DatasetView datasetView(DatasetEntity d) {
        return new DatasetView(d.id, d.organization, d.name, d.digest, d.rows, d.origin, d.generatedBy, d.generation, d.createdAt);
    }

    public Uni<TrainingRunView> trainingRun(Tenant tenant, String id) {
        return Panache.withSession(() -> runs.find(tenant.readable(), id)
                .onItem().ifNull().failWith(() -> LineageProblem.notFound("Training run", id))
                .chain(run -> graph.datasetsOfRuns(run.organization, List.of(run.id)).map(ds -> runView(run, ds))));
    }

    public Uni<List<TrainingRunView>> trainingRunsOf(Tenant tenant, String id) {
        return Panache.withSession(() -> requireModel(tenant, id)
                .chain(model -> runs.forOutput(model.organization, id)
                        .chain(list -> graph.datasetsOfRuns(model.organization, list.stream().map(r -> r.id).toList())
                                .map(ds -> list.stream().map(r -> runView(r, ds)).toList()))));
    }

    private static TrainingRunView runView(TrainingRunEntity run, Map<String, List<String>> datasetsByRun) {
        return new TrainingRunView(run.id, run.organization, run.outputModel, datasetsByRun.getOrDefault(run.id, List.of()), run.method,
                run.hyperparameters, run.createdAt);
    }

    /** The model's family as the tenant sees it: its members and public ones, grouped by the view's assertions. */
    public Uni<FamilyView> family(Tenant tenant, String id, PageRequest paging) {
        Set<String> view = tenant.readable();
        return Panache.withSession(() -> requireModel(tenant, id)
                .chain(() -> graph.rootsOf(view, List.of(id)))
                .chain(rootsById -> assertions.initClasses(view).chain(classes -> {
                    Set<String> roots = new TreeSet<>(rootsById.getOrDefault(id, Set.of(id)));
                    Set<String> withAsserted = new TreeSet<>(classes.expand(roots));
                    List<String> asserted = withAsserted.stream().filter(r -> !roots.contains(r)).toList();
                    return graph.familyMembers(view, withAsserted, id, paging.offset(), paging.size())
                            .chain(members -> names(view, members).map(names -> members.stream()
                                    .map(m -> new MemberView(m, names.get(m))).toList()))
                            .chain(items -> graph.countFamilyMembers(view, withAsserted, id)
                                    .map(total -> new FamilyView(id, List.copyOf(roots), asserted,
                                            Page.of(items, paging, total))));
                })));
    }

    public Uni<WalkView> ancestors(Tenant tenant, String id, int depth) {
        return Panache.withSession(() -> requireModel(tenant, id)
                .chain(model -> graph.ancestors(model.organization, id, depth))
                .chain(reached -> walk(tenant, id, "ancestors", depth, reached, new PageRequest(0, Math.max(1, reached.size())),
                        reached.size())));
    }

    /** Descendants in the tenant's view: a public model's descendants in other organisations are not shown or counted. */
    public Uni<WalkView> descendants(Tenant tenant, String id, int depth, PageRequest paging) {
        return Panache.withSession(() -> requireModel(tenant, id)
                .chain(model -> graph.descendants(tenant.readable(), model.organization, id, depth, paging.offset(), paging.size())
                        .chain(reached -> graph.countDescendants(tenant.readable(), model.organization, id, depth)
                                .chain(total -> walk(tenant, id, "descendants", depth, reached, paging, total)))));
    }

    private Uni<WalkView> walk(Tenant tenant, String id, String direction, int depth, List<Reached> reached, PageRequest paging,
            long total) {
        List<String> ids = reached.stream().map(Reached::model).toList();
        List<String> withStart = new ArrayList<>(ids);
        withStart.add(id);
        return names(tenant.readable(), ids).chain(names -> graph.edgesAmong(tenant.readable(), Set.copyOf(withStart))
                .map(edges -> new WalkView(id, direction, depth,
                Page.of(reached, paging, total).map(r -> new WalkNode(r.model(), names.get(r.model()), r.distance())),
                edges.stream().map(e -> new WalkEdge(e.model(), e.base(), e.relation())).toList())));
    }

    /** One page of a model's exposures (strongest, then shortest, first), with the model's overall level. */
    public Uni<ExposureView> exposure(Tenant tenant, String id, PageRequest paging) {
        return Panache.withSession(() -> requireModel(tenant, id)
                .chain(model -> exposures.summary(model.organization, id)
                        .chain(summary -> exposures.forModel(model.organization, id, paging.offset(), paging.size())
                                .map(stored -> exposureView(id, summary, stored, paging)))));
    }

    static ExposureView exposureView(String id, Summary summary, List<StoredExposure> page, PageRequest paging) {
        List<List<Step>> paths = page.stream().filter(e -> e.level() == summary.level()).map(StoredExposure::steps).toList();
        List<ExposureDetail> details = page.stream().map(e -> new ExposureDetail(e.level(), e.trainedModel(), e.dataset(),
                e.teacher(), originOf(e.steps()), e.hopCount(), e.otherPaths(), e.steps(), e.detectedAt())).toList();
        return new ExposureView(id, summary.level(), paths, details, paging.page(), paging.size(), summary.total());
    }

    /** The generator at the far end of a path: the last generated-by step. */
    private static String originOf(List<Step> steps) {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (Step.GENERATED_BY.equals(steps.get(i).relation())) {
                return steps.get(i).model();
            }
        }
        return null;
    }

    public Uni<Page<ExposedModelView>> exposedModels(Tenant tenant, ExposureLevel level, PageRequest paging) {
        if (level == ExposureLevel.NONE) {
            throw LineageProblem.badRequest("level must be SAME_INIT, UNKNOWN or CROSS_FAMILY");
        }
        return Panache.withSession(() -> exposures.exposedModels(tenant.readable(), level, paging.offset(), paging.size())
                .chain(items -> exposures.countExposedModels(tenant.readable(), level).map(total -> Page.of(items, paging, total)
                        .map(e -> new ExposedModelView(e.model(), level, e.paths(), e.lastDetectedAt())))));
    }

    /** The model with this id in the tenant's view; 404 when there is none there. */
    Uni<ModelEntity> requireModel(Tenant tenant, String id) {
        return models.find(tenant.readable(), id).onItem().ifNull().failWith(() -> LineageProblem.notFound("Model", id));
    }

    private Uni<Map<String, String>> names(Collection<String> view, Collection<String> ids) {
        return models.findByIds(view, ids).map(list -> list.stream().collect(Collectors.toMap(m -> m.id, m -> m.name)));
    }
}
