package io.traittrace.lineage.bench;

import java.util.List;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The comparison point: the same three questions answered by plain recursive SQL over the base tables only
 * ({@code model}, {@code model_base}, {@code training_run}, {@code training_run_dataset}, {@code dataset}),
 * without the materialised {@code model_root} and {@code exposure} tables. It runs through the same reactive
 * session as the service ({@link Panache#withSession} + native queries), so both pay the same driver costs.
 *
 * <p>Its exposure answer is deliberately simpler than the service's (single data hop: the datasets the model and
 * its ancestors were trained on, graded by comparing the generator's roots with the trained model's roots; no
 * multi-hop teacher chains, no shared-init assertions), which favours the baseline.
 */
public final class RecursiveSqlBaseline {

    /** Walk up to the roots, walk down from them; one page of members (ordered by id) and the total. */
    static final String FAMILY = """
            WITH RECURSIVE up(id) AS (
              SELECT CAST(:id AS varchar)
              UNION
              SELECT b.base_id FROM up JOIN model_base b ON b.model_id = up.id
            ), roots AS (
              SELECT up.id FROM up WHERE NOT EXISTS (SELECT 1 FROM model_base b WHERE b.model_id = up.id)
            ), down(id) AS (
              SELECT id FROM roots
              UNION
              SELECT b.model_id FROM down JOIN model_base b ON b.base_id = down.id
            ), members AS (
              SELECT id FROM down WHERE id <> :id
            )
            SELECT m.id, m.name, (SELECT count(*) FROM members) AS total
              FROM members JOIN model m ON m.id = members.id
             ORDER BY m.id OFFSET :offset LIMIT :limit""";

    /** Ancestors within a depth, nearest first, with names. */
    static final String ANCESTORS = """
            WITH RECURSIVE a(id, distance) AS (
              SELECT base_id, 1 FROM model_base WHERE model_id = :id
              UNION
              SELECT b.base_id, a.distance + 1 FROM a JOIN model_base b ON b.model_id = a.id WHERE a.distance < :depth
            ), nearest AS (
              SELECT id, min(distance) AS d FROM a GROUP BY id
            )
            SELECT n.id, m.name, n.d FROM nearest n JOIN model m ON m.id = n.id ORDER BY n.d, n.id""";

    /**
     * Every dataset the model or an ancestor was trained on, with its level: UNKNOWN for unknown-origin data,
     * SAME_INIT when the generator and the trained model share a root (both computed by recursive CTE), else
     * CROSS_FAMILY. Human data is no exposure.
     */
    static final String EXPOSURE = """
            WITH RECURSIVE anc(id) AS (
              SELECT CAST(:id AS varchar)
              UNION
              SELECT b.base_id FROM anc JOIN model_base b ON b.model_id = anc.id
            ), data AS (
              SELECT r.output_model AS trained, d.id AS dataset, d.generated_by AS teacher, d.origin
                FROM anc
                JOIN training_run r ON r.output_model = anc.id
                JOIN training_run_dataset rd ON rd.run_id = r.id
                JOIN dataset d ON d.id = rd.dataset_id
               WHERE d.origin <> 'human'
            ), up(start, id) AS (
              SELECT s.x, s.x FROM (SELECT trained AS x FROM data UNION SELECT teacher FROM data WHERE teacher IS NOT NULL) s
              UNION
              SELECT up.start, b.base_id FROM up JOIN model_base b ON b.model_id = up.id
            ), roots AS (
              SELECT up.start, up.id AS root FROM up WHERE NOT EXISTS (SELECT 1 FROM model_base b WHERE b.model_id = up.id)
            )
            SELECT data.trained, data.dataset, data.teacher,
                   CASE WHEN data.teacher IS NULL THEN 'UNKNOWN'
                        WHEN EXISTS (SELECT 1 FROM roots a JOIN roots g ON g.root = a.root
                                      WHERE a.start = data.trained AND g.start = data.teacher) THEN 'SAME_INIT'
                        ELSE 'CROSS_FAMILY' END AS level
              FROM data ORDER BY level DESC, data.trained, data.dataset""";

    private RecursiveSqlBaseline() {
    }

    public static Uni<List<Object[]>> family(String id, int offset, int limit) {
        return rows(FAMILY, q -> q.setParameter("id", id).setParameter("offset", offset).setParameter("limit", limit));
    }

    public static Uni<List<Object[]>> ancestors(String id, int depth) {
        return rows(ANCESTORS, q -> q.setParameter("id", id).setParameter("depth", depth));
    }

    public static Uni<List<Object[]>> exposure(String id) {
        return rows(EXPOSURE, q -> q.setParameter("id", id));
    }

    private static Uni<List<Object[]>> rows(String sql, java.util.function.Consumer<Mutiny.SelectionQuery<Object[]>> bind) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> {
            Mutiny.SelectionQuery<Object[]> query = session.createNativeQuery(sql, Object[].class);
            bind.accept(query);
            return query.getResultList();
        }));
    }
}
