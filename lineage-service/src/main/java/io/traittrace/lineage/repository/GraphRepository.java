package io.traittrace.lineage.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.DatasetOrigin;
import io.traittrace.lineage.domain.InMemoryLineageGraph;
import io.traittrace.lineage.domain.LineageGraph.BaseEdge;
import io.traittrace.lineage.domain.Relation;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;

/** The lineage graph's edges: bases, materialised roots, training-run inputs, and walks over them. */
@ApplicationScoped
public class GraphRepository {

    /*
     * The edges a trait travels down: from a model to the models declaring it as a base, and to the models trained
     * on data it generated. Each walk step is a LATERAL subquery keyed on the node just reached, so every step is a
     * handful of index probes (model_base_by_base, dataset_by_generator, training_run_dataset_by_dataset,
     * training_run_pkey). Joining the worktable to a view of all edges instead made PostgreSQL scan and sort every
     * training-run input on each iteration of the recursion, so a walk cost grew with the whole graph rather than
     * with the region walked.
     */
    private static final String DOWN_STEP = """
            SELECT b.organization, b.model_id FROM model_base b WHERE b.base_organization = w.org AND b.base_id = w.id
            UNION ALL
            SELECT r.organization, r.output_model
              FROM dataset d
              JOIN training_run_dataset rd ON rd.dataset_organization = d.organization AND rd.dataset_id = d.id
              JOIN training_run r ON r.organization = rd.organization AND r.id = rd.run_id
             WHERE d.generator_organization = w.org AND d.generated_by = w.id""";

    /** Base edges down from a model, within the organisations {@code :orgs} (a view): a walk never leaves the view. */
    private static final String DESCENDANTS = """
            WITH RECURSIVE d(org, id, distance) AS (
              SELECT organization, model_id, 1 FROM model_base
               WHERE base_organization = :org AND base_id = :id AND organization = ANY(CAST(:orgs AS text[]))
              UNION
              SELECT b.organization, b.model_id, d.distance + 1
                FROM d JOIN model_base b ON b.base_organization = d.org AND b.base_id = d.id
               WHERE d.distance < :depth AND b.organization = ANY(CAST(:orgs AS text[]))
            )""";

    /** Counter slots per root in {@code root_family_size} (V4 migration). */
    private static final int FAMILY_SIZE_SLOTS = 16;

    /** A base edge to write: {@code model} (of the writing organisation) declares {@code base} of {@code baseOrganization}. */
    public record BaseRow(String model, String baseOrganization, String base, Relation relation, int position) {
    }

    /** A training-run input to write: a dataset of the run's own organisation or the public catalogue. */
    public record DatasetRef(String organization, String id) {
    }

    /** A node reached by a walk, with its shortest distance from the start. */
    public record Reached(String model, int distance) {
    }

    /** One base edge: {@code model} declares {@code base}. */
    public record Edge(String model, String base, String relation) {
    }

    public Uni<Void> insertBases(String organization, List<BaseRow> rows) {
        return Sql.insertRows("model_base", List.of(new Column("organization", "text"), new Column("model_id", "text"),
                new Column("base_organization", "text"), new Column("base_id", "text"), new Column("relation", "text"),
                new Column("position", "int")),
                rows.stream().map(r -> new Object[] { organization, r.model(), r.baseOrganization(), r.base(),
                        r.relation().wire(), r.position() }).toList(), "");
    }

    /**
     * Stores each new model's roots and adds the new models to their roots' family sizes, in one counter slot per
     * transaction: concurrent writes to one family mostly land on different slots instead of queueing on one row.
     */
    public Uni<Void> insertRoots(String organization, Map<String, Set<String>> rootsByModel) {
        List<Object[]> rows = new ArrayList<>();
        Map<String, Long> added = new java.util.TreeMap<>(); // sorted: concurrent imports lock roots in one order
        rootsByModel.forEach((model, roots) -> roots.forEach(root -> {
            rows.add(new Object[] { organization, model, root, roots.size() });
            added.merge(root, 1L, Long::sum);
        }));
        short slot = (short) ThreadLocalRandom.current().nextInt(FAMILY_SIZE_SLOTS);
        List<Object[]> sizes = added.entrySet().stream()
                .map(e -> new Object[] { e.getKey(), organization, slot, e.getValue() }).toList();
        return Sql.insertRows("model_root", List.of(new Column("organization", "text"), new Column("model_id", "text"),
                new Column("root_id", "text"), new Column("root_count", "smallint")), rows, "")
                .chain(() -> Sql.insertRows("root_family_size", List.of(new Column("root_id", "text"),
                        new Column("organization", "text"), new Column("slot", "smallint"), new Column("members", "bigint")),
                        sizes, "ON CONFLICT (root_id, organization, slot)"
                                + " DO UPDATE SET members = root_family_size.members + EXCLUDED.members"));
    }

    public Uni<Void> insertRunDatasets(String organization, Map<String, ? extends Collection<DatasetRef>> datasetsByRun) {
        List<Object[]> rows = new ArrayList<>();
        datasetsByRun.forEach((run, datasets) -> datasets.forEach(d -> rows.add(new Object[] { organization, run,
                d.organization(), d.id() })));
        return Sql.insertRows("training_run_dataset", List.of(new Column("organization", "text"), new Column("run_id", "text"),
                new Column("dataset_organization", "text"), new Column("dataset_id", "text")), rows, "");
    }

    /**
     * The bases of the given models of {@code organizations}. Within one organisation's view (it and the public
     * catalogue) an id names one model, so an id list and the view's organisations select exactly those models.
     */
    public Uni<Map<String, List<BaseEdge>>> basesOf(Collection<String> organizations, Collection<String> models) {
        return Sql.rows("""
                SELECT model_id, base_id, relation FROM model_base
                 WHERE organization = ANY(CAST(:orgs AS text[])) AND model_id = ANY(CAST(:ids AS text[]))
                 ORDER BY model_id, position""",
                Map.of("orgs", Sql.textArray(organizations), "ids", Sql.textArray(models)))
                .map(rows -> {
                    Map<String, List<BaseEdge>> result = new LinkedHashMap<>();
                    for (Object[] row : rows) {
                        result.computeIfAbsent((String) row[0], k -> new ArrayList<>())
                                .add(new BaseEdge((String) row[1], Relation.parse((String) row[2]).orElseThrow()));
                    }
                    return result;
                });
    }

    /** The roots of the given models of {@code organizations} (one view, see {@link #basesOf}). */
    public Uni<Map<String, Set<String>>> rootsOf(Collection<String> organizations, Collection<String> models) {
        return Sql.rows("""
                SELECT model_id, root_id FROM model_root
                 WHERE organization = ANY(CAST(:orgs AS text[])) AND model_id = ANY(CAST(:ids AS text[]))
                 ORDER BY model_id, root_id""",
                Map.of("orgs", Sql.textArray(organizations), "ids", Sql.textArray(models)))
                .map(rows -> {
                    Map<String, Set<String>> result = new HashMap<>();
                    rows.forEach(row -> result.computeIfAbsent((String) row[0], k -> new LinkedHashSet<>()).add((String) row[1]));
                    return result;
                });
    }

    /** The datasets of the given runs of {@code organization}. */
    public Uni<Map<String, List<String>>> datasetsOfRuns(String organization, Collection<String> runs) {
        return Sql.rows("""
                SELECT run_id, dataset_id FROM training_run_dataset
                 WHERE organization = :org AND run_id = ANY(CAST(:ids AS text[])) ORDER BY run_id, dataset_id""",
                Map.of("org", organization, "ids", Sql.textArray(runs)))
                .map(rows -> {
                    Map<String, List<String>> result = new HashMap<>();
                    rows.forEach(row -> result.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add((String) row[1]));
                    return result;
                });
    }

    /**
     * The seeds (model ids by organisation) and every model whose exposure can depend on them: descendants and
     * students of their data, by organisation. Seeds in the public catalogue reach every organisation's models built
     * on them; an organisation's seeds reach only that organisation's (nothing outside it references them).
     */
    public Uni<Map<String, Set<String>>> downstream(Map<String, ? extends Collection<String>> seeds) {
        List<String> orgs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        seeds.forEach((org, models) -> models.forEach(id -> {
            orgs.add(org);
            ids.add(id);
        }));
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new LinkedHashMap<>());
        }
        // All seeds in one walk: the recursion's UNION then visits a region shared by many seeds once.
        String sql = "WITH RECURSIVE w(org, id) AS (SELECT m.organization, m.id FROM model m"
                + " JOIN unnest(CAST(:orgs AS text[]), CAST(:ids AS text[])) s(org, id) ON m.organization = s.org AND m.id = s.id"
                + " UNION SELECT x.org, x.id FROM w CROSS JOIN LATERAL (" + DOWN_STEP + ") x(org, id)) SELECT org, id FROM w";
        return Sql.rows(sql, Map.of("orgs", Sql.textArray(orgs), "ids", Sql.textArray(ids))).map(GraphRepository::byOrganization);
    }

    /** Loads the bases, training data and roots of the given models of {@code organization} for exposure analysis. */
    public Uni<InMemoryLineageGraph> loadRegion(String organization, Collection<String> models) {
        InMemoryLineageGraph graph = new InMemoryLineageGraph();
        List<String> own = List.of(organization);
        return basesOf(own, models)
                .invoke(bases -> bases.forEach((model, edges) -> edges.forEach(e -> graph.addBase(model, e.base(), e.relation()))))
                .chain(() -> rootsOf(own, models))
                .invoke(roots -> roots.forEach((model, set) -> set.forEach(root -> graph.addRoot(model, root))))
                .chain(() -> Sql.rows("""
                        SELECT r.output_model, d.id, d.generated_by, d.origin
                          FROM training_run r
                          JOIN training_run_dataset rd ON rd.organization = r.organization AND rd.run_id = r.id
                          JOIN dataset d ON d.organization = rd.dataset_organization AND d.id = rd.dataset_id
                         WHERE r.organization = :org AND r.output_model = ANY(CAST(:ids AS text[]))
                         ORDER BY r.output_model, r.created_at, r.id, d.id""",
                        Map.of("org", organization, "ids", Sql.textArray(models))))
                .invoke(rows -> rows.forEach(row -> graph.addTrainingData((String) row[0], (String) row[1], (String) row[2],
                        DatasetOrigin.parse((String) row[3]).orElseThrow())))
                .replaceWith(graph);
    }

    /**
     * Ancestors of {@code model} (of {@code organization}) up to {@code depth} base edges away, nearest first. A model
     * references only its own organisation's models and public ones, so every ancestor is in its owner's view.
     */
    public Uni<List<Reached>> ancestors(String organization, String model, int depth) {
        return Sql.rows("""
                WITH RECURSIVE a(org, id, distance) AS (
                  SELECT base_organization, base_id, 1 FROM model_base WHERE organization = :org AND model_id = :id
                  UNION
                  SELECT b.base_organization, b.base_id, a.distance + 1
                    FROM a JOIN model_base b ON b.organization = a.org AND b.model_id = a.id WHERE a.distance < :depth
                )
                SELECT id, min(distance) AS d FROM a GROUP BY id ORDER BY d, id""",
                Map.of("org", organization, "id", model, "depth", depth))
                .map(GraphRepository::reached);
    }

    /**
     * One page of the descendants of {@code model} (of {@code organization}) up to {@code depth} base edges away,
     * nearest first, among the models of {@code visible}: a public model's descendants in other organisations are
     * not walked, let alone shown.
     */
    public Uni<List<Reached>> descendants(Collection<String> visible, String organization, String model, int depth,
            int offset, int limit) {
        return Sql.rows(DESCENDANTS + " SELECT id, min(distance) AS dist FROM d GROUP BY id ORDER BY dist, id OFFSET :offset LIMIT :limit",
                Map.of("orgs", Sql.textArray(visible), "org", organization, "id", model, "depth", depth, "offset", offset,
                        "limit", limit))
                .map(GraphRepository::reached);
    }

    public Uni<Long> countDescendants(Collection<String> visible, String organization, String model, int depth) {
        return Sql.column(DESCENDANTS + " SELECT count(DISTINCT id) FROM d", Long.class,
                Map.of("orgs", Sql.textArray(visible), "org", organization, "id", model, "depth", depth))
                .map(list -> list.get(0));
    }

    /** The base edges of {@code organizations}' models whose both ends are in {@code models}: what a page of a walk draws. */
    public Uni<List<Edge>> edgesAmong(Collection<String> organizations, Collection<String> models) {
        List<String> orgs = List.copyOf(organizations);
        return Sql.chunked(models, chunk -> Sql.rows(
                "SELECT model_id, base_id, relation FROM model_base WHERE organization IN (:orgs) AND model_id IN (:ids)"
                        + " ORDER BY model_id, position",
                Map.of("orgs", orgs, "ids", chunk)))
                .map(rows -> rows.stream()
                        .filter(row -> models.contains((String) row[1]))
                        .map(row -> new Edge((String) row[0], (String) row[1], (String) row[2]))
                        .toList());
    }

    /**
     * Models of {@code organizations} sharing any of the given roots, other than {@code exclude}, in id order. Each
     * root is read per organisation in index order only as far as the page needs, so a page of a 100,000-model family
     * costs a page, not a sort.
     */
    public Uni<List<String>> familyMembers(Collection<String> organizations, Collection<String> roots, String exclude,
            int offset, int limit) {
        List<String> ordered = List.copyOf(new java.util.TreeSet<>(roots));
        List<String> orgs = List.copyOf(new java.util.TreeSet<>(organizations));
        Map<String, Object> params = new java.util.HashMap<>(Map.of("exclude", exclude, "needed", offset + limit,
                "offset", offset, "limit", limit));
        for (int j = 0; j < orgs.size(); j++) {
            params.put("o" + j, orgs.get(j));
        }
        StringBuilder union = new StringBuilder();
        for (int i = 0; i < ordered.size(); i++) {
            params.put("r" + i, ordered.get(i));
            for (int j = 0; j < orgs.size(); j++) {
                union.append(union.isEmpty() ? "" : " UNION ").append("(SELECT model_id FROM model_root WHERE root_id = :r")
                        .append(i).append(" AND organization = :o").append(j)
                        .append(" AND model_id <> :exclude ORDER BY model_id LIMIT :needed)");
            }
        }
        return Sql.column("SELECT model_id FROM (" + union + ") m ORDER BY model_id OFFSET :offset LIMIT :limit",
                String.class, params);
    }

    /**
     * How many models share any of the given roots, other than {@code exclude} (a member of that family): the roots'
     * counted sizes, less the models counted more than once. Only a model with several roots can be, and those rows
     * are read from a partial index, so a merge across two 100,000-model families does not read both families.
     */
    public Uni<Long> countFamilyMembers(Collection<String> organizations, Collection<String> roots, String exclude) {
        Map<String, Object> params = Map.of("roots", Sql.textArray(roots), "orgs", Sql.textArray(organizations));
        Uni<Long> counted = Sql.column("SELECT CAST(coalesce(sum(members), 0) AS bigint) FROM root_family_size"
                + " WHERE root_id = ANY(CAST(:roots AS text[])) AND organization = ANY(CAST(:orgs AS text[]))", Long.class,
                params).map(list -> list.get(0));
        if (roots.size() == 1) {
            return counted.map(members -> Math.max(0L, members - 1));
        }
        return counted.chain(members -> Sql.column("""
                SELECT CAST(coalesce(sum(n - 1), 0) AS bigint) FROM (
                  SELECT count(*) AS n FROM model_root
                   WHERE root_count > 1 AND root_id = ANY(CAST(:roots AS text[]))
                     AND organization = ANY(CAST(:orgs AS text[])) GROUP BY organization, model_id) shared""",
                Long.class, params).map(list -> Math.max(0L, members - list.get(0) - 1)));
    }

    /**
     * Models of {@code organizations} whose roots include any of the given roots, by organisation (used when an
     * assertion changes which roots share an init).
     */
    public Uni<Map<String, Set<String>>> modelsWithRoots(Collection<String> organizations, Collection<String> roots) {
        List<String> orgs = List.copyOf(organizations);
        return Sql.chunked(roots, chunk -> Sql.rows(
                "SELECT DISTINCT organization, model_id FROM model_root WHERE root_id IN (:ids) AND organization IN (:orgs)",
                Map.of("ids", chunk, "orgs", orgs)))
                .map(GraphRepository::byOrganization);
    }

    /** Every model whose roots include any of the given public roots, in any organisation, by organisation. */
    public Uni<Map<String, Set<String>>> modelsWithRootsAnywhere(Collection<String> roots) {
        return Sql.chunked(roots, chunk -> Sql.rows(
                "SELECT DISTINCT organization, model_id FROM model_root WHERE root_id IN (:ids)", Map.of("ids", chunk)))
                .map(GraphRepository::byOrganization);
    }

    private static Map<String, Set<String>> byOrganization(List<Object[]> rows) {
        Map<String, Set<String>> result = new java.util.TreeMap<>();
        rows.forEach(row -> result.computeIfAbsent((String) row[0], k -> new LinkedHashSet<>()).add((String) row[1]));
        return result;
    }

    private static List<Reached> reached(List<Object[]> rows) {
        return rows.stream().map(row -> new Reached((String) row[0], ((Number) row[1]).intValue())).toList();
    }
}
