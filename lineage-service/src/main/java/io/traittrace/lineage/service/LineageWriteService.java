package io.traittrace.lineage.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.FlushMode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.config.LineageConfig;
import io.traittrace.lineage.domain.Commands;
import io.traittrace.lineage.domain.LineageGraph.BaseEdge;
import io.traittrace.lineage.domain.Relation;
import io.traittrace.lineage.mapping.EntityMapper;
import io.traittrace.lineage.mapping.RecordComparison;
import io.traittrace.lineage.repository.DatasetEntity;
import io.traittrace.lineage.repository.DatasetRepository;
import io.traittrace.lineage.repository.GraphRepository.BaseRow;
import io.traittrace.lineage.repository.GraphRepository.DatasetRef;
import io.traittrace.lineage.repository.GraphRepository;
import io.traittrace.lineage.repository.ModelEntity;
import io.traittrace.lineage.repository.ModelRepository;
import io.traittrace.lineage.repository.OwnedIds;
import io.traittrace.lineage.repository.PlannerStatistics;
import io.traittrace.lineage.repository.TrainingRunEntity;
import io.traittrace.lineage.repository.TrainingRunRepository;
import io.traittrace.lineage.domain.Commands.BaseRef;
import io.traittrace.lineage.domain.Commands.Import;
import io.traittrace.lineage.domain.Commands.NewDataset;
import io.traittrace.lineage.domain.Commands.NewModel;
import io.traittrace.lineage.domain.Commands.NewTrainingRun;
import io.traittrace.lineage.service.Views.ImportResult;

/**
 * Records lineage. Every write, single or bulk, goes through {@link #importRecords}: one transaction that
 * checks every reference and rule first, writes models, datasets and runs in dependency order, and brings
 * exposure up to date. Records are immutable: an identical re-post changes nothing, a different one is a conflict.
 *
 * <p>Records land in the tenant's organisation and may reference its own records and the public catalogue's (a public
 * record only public ones). An id the other side holds (the public catalogue for an organisation, any organisation
 * for the public catalogue) is refused with 409, so that an id names one record in every organisation's view.
 */
@ApplicationScoped
public class LineageWriteService {

    private final ModelRepository models;
    private final OwnedIds ownedIds;
    private final DatasetRepository datasets;
    private final TrainingRunRepository runs;
    private final GraphRepository graph;
    private final ExposureMaintenance exposure;
    private final LineageMetrics metrics;
    private final PlannerStatistics statistics;
    private final LineageConfig config;
    private final RecordComparison comparison;

    public LineageWriteService(ModelRepository models, OwnedIds ownedIds, DatasetRepository datasets,
            TrainingRunRepository runs, GraphRepository graph, ExposureMaintenance exposure, LineageMetrics metrics,
            PlannerStatistics statistics, LineageConfig config, RecordComparison comparison) {
        this.models = models;
        this.ownedIds = ownedIds;
        this.datasets = datasets;
        this.runs = runs;
        this.graph = graph;
        this.exposure = exposure;
        this.metrics = metrics;
        this.statistics = statistics;
        this.config = config;
        this.comparison = comparison;
    }

    public Uni<ImportResult> importRecords(Tenant tenant, Import batch) {
        int size = batch.modelsOrEmpty().size() + batch.datasetsOrEmpty().size() + batch.trainingRunsOrEmpty().size();
        if (size == 0) {
            return Uni.createFrom().failure(LineageProblem.invalid("The import holds no records"));
        }
        if (size > config.limits().maxBatch()) {
            return Uni.createFrom().failure(LineageProblem.invalid(
                    "The import holds " + size + " records; at most " + config.limits().maxBatch() + " are accepted per request"));
        }
        // Records are inserted with native statements and the entities read for comparison are never modified,
        // so Hibernate's automatic flush has nothing to do before each native statement. In AUTO mode it would
        // still dirty-check every loaded entity before each of them; COMMIT mode checks them once, at commit.
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> {
            FlushMode previous = session.getFlushMode();
            session.setFlushMode(FlushMode.COMMIT);
            return write(tenant, batch).eventually(() -> session.setFlushMode(previous));
        }))
                .invoke(written -> {
                    Outcome outcome = written.outcome();
                    metrics.recordsWritten(outcome.newModels.size(), outcome.newDatasets.size(), outcome.newRuns.size(), outcome.newEdges);
                    metrics.exposurePathsFound(written.exposure());
                })
                .call(written -> statistics.rowsCommitted(written.rowsWritten()))
                .map(written -> {
                    Outcome outcome = written.outcome();
                    return new ImportResult(outcome.newModels.size(), outcome.newDatasets.size(), outcome.newRuns.size(),
                            outcome.unchanged, written.exposure().announced());
                });
    }

    /** The outcome of one transaction's writes, before exposure analysis, and the organisation they land in. */
    private static final class Outcome {
        final String organization;
        /** What the write may reference: its organisation's records and the public catalogue's. */
        final List<String> view;
        final Set<String> newModels = new LinkedHashSet<>();
        final Set<String> newDatasets = new LinkedHashSet<>();
        final Set<String> newRuns = new LinkedHashSet<>();
        final Set<String> trainedModels = new LinkedHashSet<>();
        /** Base edges, generated-by links and training-run inputs of the new records. */
        int newEdges;
        int unchanged;

        Outcome(Tenant tenant) {
            organization = tenant.organization();
            view = tenant.readableList();
        }

        List<String> own() {
            return List.of(organization);
        }
    }

    private record WriteResult(Outcome outcome, ExposureMaintenance.Changes exposure) {

        /** Records, edges and exposure paths written: how much this write grew the graph tables. */
        long rowsWritten() {
            return outcome.newModels.size() + outcome.newDatasets.size() + outcome.newRuns.size() + outcome.newEdges
                    + exposure.pathsByLevel().values().stream().mapToLong(Integer::longValue).sum();
        }
    }

    private Uni<WriteResult> write(Tenant tenant, Import batch) {
        Outcome outcome = new Outcome(tenant);
        Set<String> ids = new HashSet<>();
        batch.modelsOrEmpty().forEach(m -> ids.add(m.id()));
        batch.datasetsOrEmpty().forEach(d -> ids.add(d.id()));
        batch.trainingRunsOrEmpty().forEach(r -> ids.add(r.id()));
        return ownedIds.lock(outcome.organization, ids)
                .chain(() -> writeModels(batch.modelsOrEmpty(), outcome))
                .chain(() -> writeDatasets(batch.datasetsOrEmpty(), outcome))
                .chain(() -> writeRuns(batch.trainingRunsOrEmpty(), outcome))
                .chain(() -> {
                    Set<String> changed = new LinkedHashSet<>(outcome.newModels);
                    changed.addAll(outcome.trainedModels);
                    return exposure.refresh(outcome.organization, changed);
                })
                .map(changes -> new WriteResult(outcome, changes));
    }

    // ---- models -----------------------------------------------------------------------------------------

    private Uni<Void> writeModels(List<NewModel> requested, Outcome outcome) {
        if (requested.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, NewModel> byId = uniqueById(requested, NewModel::id, comparison::sameModel, "model");
        for (NewModel model : byId.values()) {
            Set<String> seen = new HashSet<>();
            for (BaseRef base : model.basesOrEmpty()) {
                if (base.model().equals(model.id())) {
                    throw LineageProblem.invalid("Model '" + model.id() + "' names itself as a base");
                }
                if (!seen.add(base.model())) {
                    throw LineageProblem.invalid("Model '" + model.id() + "' names base '" + base.model() + "' twice");
                }
            }
        }
        return models.findByIds(outcome.own(), byId.keySet())
                .chain(existing -> graph.basesOf(outcome.own(), existing.stream().map(m -> m.id).toList())
                        .map(existingBases -> keepNewModels(byId, existing, existingBases, outcome)))
                .call(fresh -> refuseHeldByOtherSide(OwnedIds.Kind.MODEL, "Model", fresh.keySet(), outcome))
                .chain(fresh -> insertModels(fresh, outcome));
    }

    private Map<String, NewModel> keepNewModels(Map<String, NewModel> byId, List<ModelEntity> existing,
            Map<String, List<BaseEdge>> existingBases, Outcome outcome) {
        Map<String, NewModel> fresh = new LinkedHashMap<>(byId);
        for (ModelEntity stored : existing) {
            NewModel asked = fresh.remove(stored.id);
            NewModel asStored = EntityMapper.asPosted(stored, existingBases.getOrDefault(stored.id, List.of()));
            List<String> differences = comparison.modelDifferences(asked, asStored);
            if (!differences.isEmpty()) {
                throw LineageProblem.conflict("Model '" + stored.id + "' already exists with different content ("
                        + String.join(", ", differences) + "); lineage records are immutable");
            }
            outcome.unchanged++;
        }
        return fresh;
    }

    private Uni<Void> insertModels(Map<String, NewModel> fresh, Outcome outcome) {
        if (fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<String> outside = fresh.values().stream().flatMap(m -> m.basesOrEmpty().stream()).map(BaseRef::model)
                .filter(id -> !fresh.containsKey(id)).collect(Collectors.toCollection(LinkedHashSet::new));
        return models.existingIds(outcome.view, outside).chain(owners -> graph.rootsOf(outcome.view, outside).chain(knownRoots -> {
            List<String> unknown = outside.stream().filter(id -> !owners.containsKey(id)).toList();
            if (!unknown.isEmpty()) {
                throw LineageProblem.invalid("Unknown base model(s): " + String.join(", ", unknown)
                        + "; register a model before naming it as a base", unknown.stream().map(id -> "bases: unknown model " + id).toList());
            }
            List<NewModel> ordered = topologicalOrder(fresh);
            Map<String, Set<String>> roots = new LinkedHashMap<>(knownRoots);
            List<ModelEntity> entities = new ArrayList<>();
            List<BaseRow> baseRows = new ArrayList<>();
            Map<String, Set<String>> newRoots = new LinkedHashMap<>();
            OffsetDateTime now = OffsetDateTime.now();
            for (NewModel model : ordered) {
                Set<String> modelRoots = new LinkedHashSet<>();
                List<BaseRef> bases = model.basesOrEmpty();
                for (int i = 0; i < bases.size(); i++) {
                    BaseRef base = bases.get(i);
                    modelRoots.addAll(roots.get(base.model()));
                    baseRows.add(new BaseRow(model.id(), owners.getOrDefault(base.model(), outcome.organization), base.model(),
                            Relation.parse(base.relation()).orElseThrow(), i));
                }
                if (bases.isEmpty()) {
                    modelRoots.add(model.id());
                }
                roots.put(model.id(), modelRoots);
                newRoots.put(model.id(), modelRoots);
                entities.add(EntityMapper.model(outcome.organization, model, now));
                outcome.newModels.add(model.id());
            }
            outcome.newEdges += baseRows.size();
            return models.insertAll(entities)
                    .chain(() -> graph.insertBases(outcome.organization, baseRows))
                    .chain(() -> graph.insertRoots(outcome.organization, newRoots));
        }));
    }

    /**
     * Refuses new ids the other side holds: the public catalogue's for an organisation's write, any organisation's
     * for a public write. Each id would otherwise name two records in some organisation's view. The write holds the
     * ids' locks ({@link OwnedIds#lock}), so no concurrent write on the other side can take them meanwhile.
     */
    private Uni<Void> refuseHeldByOtherSide(OwnedIds.Kind kind, String what, Set<String> fresh, Outcome outcome) {
        return ownedIds.heldByOtherSide(outcome.organization, kind, fresh).invoke(held -> {
            if (held.isEmpty()) {
                return;
            }
            String holder = Organizations.PUBLIC.equals(outcome.organization) ? "an organisation" : "the public catalogue";
            throw LineageProblem.conflict(what + " id(s) " + String.join(", ", held) + " already belong to " + holder
                    + "; an organisation's ids and the public catalogue's are disjoint, so that each id names one record."
                    + " Choose another id");
        }).replaceWithVoid();
    }

    /** Orders new models so each comes after its in-batch bases; a cycle among them is refused. */
    private static List<NewModel> topologicalOrder(Map<String, NewModel> fresh) {
        List<NewModel> ordered = new ArrayList<>(fresh.size());
        Map<String, Integer> state = new HashMap<>(); // 1 = visiting, 2 = done
        for (String id : fresh.keySet()) {
            visit(id, fresh, state, ordered, new ArrayList<>());
        }
        return ordered;
    }

    private static void visit(String id, Map<String, NewModel> fresh, Map<String, Integer> state, List<NewModel> ordered,
            List<String> trail) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return;
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(trail.subList(trail.indexOf(id), trail.size()));
            cycle.add(id);
            throw LineageProblem.invalid("Declared bases form a cycle: " + String.join(" -> ", cycle));
        }
        state.put(id, 1);
        trail.add(id);
        for (BaseRef base : fresh.get(id).basesOrEmpty()) {
            if (fresh.containsKey(base.model())) {
                visit(base.model(), fresh, state, ordered, trail);
            }
        }
        trail.remove(trail.size() - 1);
        state.put(id, 2);
        ordered.add(fresh.get(id));
    }

    // ---- datasets ---------------------------------------------------------------------------------------

    private Uni<Void> writeDatasets(List<NewDataset> requested, Outcome outcome) {
        if (requested.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, NewDataset> byId = uniqueById(requested, NewDataset::id, comparison::sameDataset, "dataset");
        for (NewDataset dataset : byId.values()) {
            if (dataset.generatedBy() != null && dataset.origin() != null) {
                throw LineageProblem.invalid("Dataset '" + dataset.id()
                        + "' names a generator and an origin; a generated dataset's origin is its generator");
            }
        }
        Set<String> generators = byId.values().stream().map(NewDataset::generatedBy).filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        Map<String, String> generatorOwners = new HashMap<>();
        return datasets.findByIds(outcome.own(), byId.keySet())
                .chain(existing -> models.existingIds(outcome.view, generators).map(foundIds -> {
                    generatorOwners.putAll(foundIds);
                    List<String> unknown = generators.stream().filter(g -> !foundIds.containsKey(g)).toList();
                    if (!unknown.isEmpty()) {
                        throw LineageProblem.invalid("Unknown generator model(s): " + String.join(", ", unknown),
                                unknown.stream().map(id -> "generatedBy: unknown model " + id).toList());
                    }
                    Map<String, NewDataset> fresh = new LinkedHashMap<>(byId);
                    for (DatasetEntity stored : existing) {
                        NewDataset asked = fresh.remove(stored.id);
                        if (!comparison.sameDataset(asked, EntityMapper.asPosted(stored))) {
                            throw LineageProblem.conflict("Dataset '" + stored.id
                                    + "' already exists with different content; lineage records are immutable");
                        }
                        outcome.unchanged++;
                    }
                    return fresh;
                }))
                .call(fresh -> refuseHeldByOtherSide(OwnedIds.Kind.DATASET, "Dataset", fresh.keySet(), outcome))
                .chain(fresh -> {
                    OffsetDateTime now = OffsetDateTime.now();
                    List<DatasetEntity> entities = fresh.values().stream()
                            .map(d -> EntityMapper.dataset(outcome.organization, d, generatorOwners.get(d.generatedBy()), now)).toList();
                    outcome.newDatasets.addAll(fresh.keySet());
                    outcome.newEdges += (int) entities.stream().filter(d -> d.generatedBy != null).count();
                    return datasets.insertAll(entities);
                });
    }

    // ---- training runs ----------------------------------------------------------------------------------

    private Uni<Void> writeRuns(List<NewTrainingRun> requested, Outcome outcome) {
        if (requested.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, NewTrainingRun> byId = uniqueById(requested, NewTrainingRun::id, comparison::sameRun, "training run");
        Set<String> outputs = byId.values().stream().map(NewTrainingRun::output).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> inputs = byId.values().stream().flatMap(r -> r.datasets().stream()).collect(Collectors.toCollection(LinkedHashSet::new));
        for (NewTrainingRun run : byId.values()) {
            if (new HashSet<>(run.datasets()).size() != run.datasets().size()) {
                throw LineageProblem.invalid("Training run '" + run.id() + "' lists a dataset twice");
            }
        }
        // Only existence matters for outputs and inputs: id reads, not entities the session would dirty-check at commit.
        Map<String, String> datasetOwners = new HashMap<>();
        return models.existingIds(outcome.view, outputs)
                .chain(modelIds -> datasets.existingIds(outcome.view, inputs).map(datasetIds -> {
                    datasetOwners.putAll(datasetIds);
                    List<String> errors = new ArrayList<>();
                    outputs.stream().filter(id -> !modelIds.containsKey(id)).forEach(id -> errors.add("output: unknown model " + id));
                    // An organisation adds no training data to a public model: every organisation would see it.
                    outputs.stream().filter(id -> modelIds.containsKey(id) && !modelIds.get(id).equals(outcome.organization))
                            .forEach(id -> errors.add("output: model " + id + " is in the public catalogue; a training run's"
                                    + " output is a model of its own organisation"));
                    inputs.stream().filter(id -> !datasetIds.containsKey(id)).forEach(id -> errors.add("datasets: unknown dataset " + id));
                    if (!errors.isEmpty()) {
                        throw LineageProblem.invalid("Training run(s) reference unknown records: " + String.join("; ", errors), errors);
                    }
                    return modelIds;
                }))
                .chain(() -> runs.findByIds(outcome.organization, byId.keySet()))
                .chain(existing -> graph.datasetsOfRuns(outcome.organization, existing.stream().map(r -> r.id).toList()).map(stored -> {
                    Map<String, NewTrainingRun> fresh = new LinkedHashMap<>(byId);
                    for (TrainingRunEntity run : existing) {
                        NewTrainingRun asked = fresh.remove(run.id);
                        if (!comparison.sameRun(asked, EntityMapper.asPosted(run, stored.getOrDefault(run.id, List.of())))) {
                            throw LineageProblem.conflict("Training run '" + run.id
                                    + "' already exists with different content; lineage records are immutable");
                        }
                        outcome.unchanged++;
                    }
                    return fresh;
                }))
                .call(fresh -> refuseHeldByOtherSide(OwnedIds.Kind.TRAINING_RUN, "Training run", fresh.keySet(), outcome))
                .chain(fresh -> insertRuns(fresh, outcome, datasetOwners));
    }

    private Uni<Void> insertRuns(Map<String, NewTrainingRun> fresh, Outcome outcome, Map<String, String> datasetOwners) {
        OffsetDateTime now = OffsetDateTime.now();
        List<TrainingRunEntity> entities = new ArrayList<>();
        for (NewTrainingRun run : fresh.values()) {
            entities.add(EntityMapper.trainingRun(outcome.organization, run, now));
            outcome.newRuns.add(run.id());
            outcome.trainedModels.add(run.output());
            outcome.newEdges += run.datasets().size();
        }
        // All runs' inputs in multi-row statements. One chained statement per run built a Uni chain as long as the
        // batch (thousands of levels for a bulk import of 1,600+ runs), and such an import never completed.
        Map<String, List<DatasetRef>> inputs = new LinkedHashMap<>();
        fresh.values().forEach(run -> inputs.put(run.id(), run.datasets().stream()
                .map(d -> new DatasetRef(datasetOwners.get(d), d)).toList()));
        return runs.insertAll(entities).chain(() -> graph.insertRunDatasets(outcome.organization, inputs));
    }

    // ---- shared -----------------------------------------------------------------------------------------

    /** Indexes a batch by id; the same id twice is fine only with the same content. */
    private static <T> Map<String, T> uniqueById(Collection<T> items, Function<T, String> id,
            java.util.function.BiPredicate<T, T> same, String kind) {
        Map<String, T> byId = new LinkedHashMap<>();
        for (T item : items) {
            T previous = byId.putIfAbsent(id.apply(item), item);
            if (previous != null && !same.test(previous, item)) {
                throw LineageProblem.invalid("The request holds " + kind + " '" + id.apply(item) + "' twice with different content");
            }
        }
        return byId;
    }
}
