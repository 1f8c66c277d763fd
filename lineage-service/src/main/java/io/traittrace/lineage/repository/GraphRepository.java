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
            SELECT b.model_id FROM model_base b WHERE b.base_id = w.id
            UNION ALL
            SELECT r.output_model
              FROM dataset d
              JOIN training_run_dataset rd ON rd.dataset_id = d.id
              JOIN training_run r ON r.id = rd.run_id
             WHERE d.generated_by = w.id""";

    /** Counter slots per root in {@code root_family_size} (V4 migration). */
    private static final int FAMILY_SIZE_SLOTS = 16;

    public record BaseRow(String model, String base, Relation relation, int position) {
    }

    /** A node reached by a walk, with its shortest distance from the start. */
    public record Reached(String model, int distance) {
    }

    /** One base edge: {@code model} declares {@code base}. */
    public record Edge(String model, String base, String relation) {
    }

    public Uni<Void> insertBases(List<BaseRow> rows) {
        return Sql.insertRows("model_base", List.of(new Column("model_id", "text"), new Column("base_id", "text"),
                new Column("relation", "text"), new Column("position", "int")),
                rows.stream().map(r -> new Object[] { r.model(), r.base(), r.relation().wire(), r.position() }).toList(), "");
    }

    /**
     * Stores each new model's roots and adds the new models to their roots' family sizes, in one counter slot per
     * transaction: concurrent writes to one family mostly land on different slots instead of queueing on one row.
     */
    public Uni<Void> insertRoots(Map<String, Set<String>> rootsByModel) {
        List<Object[]> rows = new ArrayList<>();
        Map<String, Long> added = new java.util.TreeMap<>(); // sorted: concurrent imports lock roots in one order
        rootsByModel.forEach((model, roots) -> roots.forEach(root -> {
            rows.add(new Object[] { model, root, roots.size() });
            added.merge(root, 1L, Long::sum);
        }));
        short slot = (short) ThreadLocalRandom.current().nextInt(FAMILY_SIZE_SLOTS);
        List<Object[]> sizes = added.entrySet().stream().map(e -> new Object[] { e.getKey(), slot, e.getValue() }).toList();
        return Sql.insertRows("model_root", List.of(new Column("model_id", "text"), new Column("root_id", "text"),
                new Column("root_count", "smallint")), rows, "")
                .chain(() -> Sql.insertRows("root_family_size", List.of(new Column("root_id", "text"),
                        new Column("slot", "smallint"), new Column("members", "bigint")), sizes,
                        "ON CONFLICT (root_id, slot) DO UPDATE SET members = root_family_size.members + EXCLUDED.members"));
    }

    public Uni<Void> insertRunDatasets(Map<String, ? extends Collection<String>> datasetsByRun) {
        List<Object[]> rows = new ArrayList<>();
        datasetsByRun.forEach((run, datasets) -> datasets.forEach(d -> rows.add(new Object[] { run, d })));
        return Sql.insertRows("training_run_dataset", List.of(new Column("run_id", "text"), new Column("dataset_id", "text")),
                rows, "");
    }

    public Uni<Map<String, List<BaseEdge>>> basesOf(Collection<String> models) {
        return Sql.rows(
                "SELECT model_id, base_id, relation FROM model_base WHERE model_id = ANY(CAST(:ids AS text[])) ORDER BY model_id, position",
                Map.of("ids", Sql.textArray(models)))
                .map(rows -> {
                    Map<String, List<BaseEdge>> result = new LinkedHashMap<>();
                    for (Object[] row : rows) {
                        result.computeIfAbsent((String) row[0], k -> new ArrayList<>())
                                .add(new BaseEdge((String) row[1], Relation.parse((String) row[2]).orElseThrow()));
                    }
                    return result;
                });
    }

    public Uni<Map<String, Set<String>>> rootsOf(Collection<String> models) {
        return Sql.rows(
                "SELECT model_id, root_id FROM model_root WHERE model_id = ANY(CAST(:ids AS text[])) ORDER BY model_id, root_id",
                Map.of("ids", Sql.textArray(models)))
                .map(rows -> {
                    Map<String, Set<String>> result = new HashMap<>();
                    rows.forEach(row -> result.computeIfAbsent((String) row[0], k -> new LinkedHashSet<>()).add((String) row[1]));
                    return result;
                });
    }

    public Uni<Map<String, List<String>>> datasetsOfRuns(Collection<String> runs) {
        return Sql.rows(
                "SELECT run_id, dataset_id FROM training_run_dataset WHERE run_id = ANY(CAST(:ids AS text[])) ORDER BY run_id, dataset_id",
                Map.of("ids", Sql.textArray(runs)))
                .map(rows -> {
                    Map<String, List<String>> result = new HashMap<>();
                    rows.forEach(row -> result.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add((String) row[1]));
                    return result;
                });
    }

    /** The seeds and every model whose exposure can depend on them: descendants and students of their data. */
    public Uni<Set<String>> downstream(Collection<String> seeds) {
        if (seeds.isEmpty()) {
            return Uni.createFrom().item(new LinkedHashSet<>());
        }
        // All seeds in one walk: the recursion's UNION then visits a region shared by many seeds once.
        String sql = "WITH RECURSIVE w(id) AS (SELECT m.id FROM model m WHERE m.id = ANY(CAST(:ids AS text[])) UNION SELECT x.id"
                + " FROM w CROSS JOIN LATERAL (" + DOWN_STEP + ") x(id)) SELECT id FROM w";
        return Sql.column(sql, String.class, Map.of("ids", Sql.textArray(seeds))).map(LinkedHashSet::new);
    }

    /** Loads the bases, training data and roots of the given models into memory for exposure analysis. */
    public Uni<InMemoryLineageGraph> loadRegion(Collection<String> models) {
        InMemoryLineageGraph graph = new InMemoryLineageGraph();
        return basesOf(models)
                .invoke(bases -> bases.forEach((model, edges) -> edges.forEach(e -> graph.addBase(model, e.base(), e.relation()))))
                .chain(() -> rootsOf(models))
                .invoke(roots -> roots.forEach((model, set) -> set.forEach(root -> graph.addRoot(model, root))))
                .chain(() -> Sql.rows("""
                        SELECT r.output_model, d.id, d.generated_by, d.origin
                          FROM training_run r
                          JOIN training_run_dataset rd ON rd.run_id = r.id
                          JOIN dataset d ON d.id = rd.dataset_id
                         WHERE r.output_model = ANY(CAST(:ids AS text[]))
                         ORDER BY r.output_model, r.created_at, r.id, d.id""", Map.of("ids", Sql.textArray(models))))
                .invoke(rows -> rows.forEach(row -> graph.addTrainingData((String) row[0], (String) row[1], (String) row[2],
                        DatasetOrigin.parse((String) row[3]).orElseThrow())))
                .replaceWith(graph);
    }

    /** Ancestors up to {@code depth} base edges away, nearest first, with the base edges among them. */
    public Uni<List<Reached>> ancestors(String model, int depth) {
        return Sql.rows("""
                WITH RECURSIVE a(id, distance) AS (
                  SELECT base_id, 1 FROM model_base WHERE model_id = :id
                  UNION
                  SELECT b.base_id, a.distance + 1 FROM a JOIN model_base b ON b.model_id = a.id WHERE a.distance < :depth
                )
                SELECT id, min(distance) AS d FROM a GROUP BY id ORDER BY d, id""",
                Map.of("id", model, "depth", depth))
                .map(GraphRepository::reached);
    }

    /** One page of descendants up to {@code depth} base edges away, nearest first. */
    public Uni<List<Reached>> descendants(String model, int depth, int offset, int limit) {
        return Sql.rows("""
                WITH RECURSIVE d(id, distance) AS (
                  SELECT model_id, 1 FROM model_base WHERE base_id = :id
                  UNION
                  SELECT b.model_id, d.distance + 1 FROM d JOIN model_base b ON b.base_id = d.id WHERE d.distance < :depth
                )
                SELECT id, min(distance) AS dist FROM d GROUP BY id ORDER BY dist, id OFFSET :offset LIMIT :limit""",
                Map.of("id", model, "depth", depth, "offset", offset, "limit", limit))
                .map(GraphRepository::reached);
    }

    public Uni<Long> countDescendants(String model, int depth) {
        return Sql.column("""
                WITH RECURSIVE d(id, distance) AS (
                  SELECT model_id, 1 FROM model_base WHERE base_id = :id
                  UNION
                  SELECT b.model_id, d.distance + 1 FROM d JOIN model_base b ON b.base_id = d.id WHERE d.distance < :depth
                )
                SELECT count(DISTINCT id) FROM d""", Long.class, Map.of("id", model, "depth", depth))
                .map(list -> list.get(0));
    }

    /** The base edges whose both ends are in {@code models}: the subgraph a page of a walk draws. */
    public Uni<List<Edge>> edgesAmong(Collection<String> models) {
        return Sql.chunked(models, chunk -> Sql.rows(
                "SELECT model_id, base_id, relation FROM model_base WHERE model_id IN (:ids) ORDER BY model_id, position",
                Map.of("ids", chunk)))
                .map(rows -> rows.stream()
                        .filter(row -> models.contains((String) row[1]))
                        .map(row -> new Edge((String) row[0], (String) row[1], (String) row[2]))
                        .toList());
    }

    /**
     * Models sharing any of the given roots, other than {@code exclude}, in id order. Each root is read in
     * index order only as far as the page needs, so a page of a 100,000-model family costs a page, not a sort.
     */
    public Uni<List<String>> familyMembers(Collection<String> roots, String exclude, int offset, int limit) {
        List<String> ordered = List.copyOf(new java.util.TreeSet<>(roots));
        Map<String, Object> params = new java.util.HashMap<>(Map.of("exclude", exclude, "needed", offset + limit,
                "offset", offset, "limit", limit));
        StringBuilder union = new StringBuilder();
        for (int i = 0; i < ordered.size(); i++) {
            params.put("r" + i, ordered.get(i));
            union.append(i == 0 ? "" : " UNION ").append("(SELECT model_id FROM model_root WHERE root_id = :r").append(i)
                    .append(" AND model_id <> :exclude ORDER BY model_id LIMIT :needed)");
        }
        return Sql.column("SELECT model_id FROM (" + union + ") m ORDER BY model_id OFFSET :offset LIMIT :limit",
                String.class, params);
    }

    /**
     * How many models share any of the given roots, other than {@code exclude} (a member of that family): the roots'
     * counted sizes, less the models counted more than once. Only a model with several roots can be, and those rows
     * are read from a partial index, so a merge across two 100,000-model families does not read both families.
     */
    public Uni<Long> countFamilyMembers(Collection<String> roots, String exclude) {
        Map<String, Object> params = Map.of("roots", Sql.textArray(roots));
        Uni<Long> counted = Sql.column("SELECT CAST(coalesce(sum(members), 0) AS bigint) FROM root_family_size"
                + " WHERE root_id = ANY(CAST(:roots AS text[]))", Long.class, params).map(list -> list.get(0));
        if (roots.size() == 1) {
            return counted.map(members -> Math.max(0L, members - 1));
        }
        return counted.chain(members -> Sql.column("""
                SELECT CAST(coalesce(sum(n - 1), 0) AS bigint) FROM (
                  SELECT count(*) AS n FROM model_root
                   WHERE root_count > 1 AND root_id = ANY(CAST(:roots AS text[])) GROUP BY model_id) shared""",
                Long.class, params).map(list -> Math.max(0L, members - list.get(0) - 1)));
    }

    /** Models whose roots include any of the given roots (used when an assertion changes which roots share an init). */
    public Uni<Set<String>> modelsWithRoots(Collection<String> roots) {
        return Sql.chunked(roots, chunk -> Sql.column(
                "SELECT DISTINCT model_id FROM model_root WHERE root_id IN (:ids)", String.class, Map.of("ids", chunk)))
                .map(LinkedHashSet::new);
    }

    private static List<Reached> reached(List<Object[]> rows) {
        return rows.stream().map(row -> new Reached((String) row[0], ((Number) row[1]).intValue())).toList();
    }
}
