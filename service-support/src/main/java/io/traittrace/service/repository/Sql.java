package io.traittrace.service.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Native SQL on the current reactive session, for the graph-shaped reads, bulk writes and upserts that entity
 * queries express badly. Runs inside the caller's transaction.
 */
public final class Sql {

    /** IN-lists are split into chunks of this size to stay far below PostgreSQL's bind-parameter limit. */
    public static final int CHUNK = 1000;

    private Sql() {
    }

    public static Uni<List<Object[]>> rows(String sql, Map<String, Object> params) {
        return Panache.getSession().chain(session -> {
            Mutiny.SelectionQuery<Object[]> query = session.createNativeQuery(sql, Object[].class);
            params.forEach(query::setParameter);
            return query.getResultList();
        });
    }

    public static <T> Uni<List<T>> column(String sql, Class<T> type, Map<String, Object> params) {
        return Panache.getSession().chain(session -> {
            Mutiny.SelectionQuery<T> query = session.createNativeQuery(sql, type);
            params.forEach(query::setParameter);
            return query.getResultList();
        });
    }

    public static Uni<Integer> update(String sql, List<Object> positional) {
        return Panache.getSession().chain(session -> {
            Mutiny.Query<Object> query = session.createNativeQuery(sql);
            for (int i = 0; i < positional.size(); i++) {
                query.setParameter(i + 1, positional.get(i));
            }
            return query.executeUpdate();
        });
    }

    /** Runs {@code perChunk} over the ids in chunks, sequentially on the session, and concatenates the results. */
    public static <T> Uni<List<T>> chunked(Collection<String> ids, Function<List<String>, Uni<List<T>>> perChunk) {
        List<String> all = new ArrayList<>(ids);
        Uni<List<T>> result = Uni.createFrom().item(new ArrayList<>());
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            result = result.chain(acc -> perChunk.apply(chunk).map(more -> {
                acc.addAll(more);
                return acc;
            }));
        }
        return result;
    }

    /**
     * Inserts rows with multi-row VALUES statements. {@code rowTemplate} is one row's placeholders, e.g.
     * {@code "(?, ?, CAST(CAST(? AS text) AS jsonb))"} (a String bound straight to jsonb would be stored as a JSON string); {@code suffix} may add e.g. "ON CONFLICT DO NOTHING".
     */
    public static Uni<Void> insertRows(String tableAndColumns, String rowTemplate, List<Object[]> rows, String suffix) {
        int columns = (int) rowTemplate.chars().filter(ch -> ch == '?').count();
        int perStatement = Math.max(1, CHUNK * 8 / columns);
        Uni<Void> result = Uni.createFrom().voidItem();
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Object[]> batch = rows.subList(from, Math.min(rows.size(), from + perStatement));
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(tableAndColumns).append(" VALUES ");
            List<Object> params = new ArrayList<>(batch.size() * columns);
            for (int r = 0; r < batch.size(); r++) {
                if (r > 0) {
                    sql.append(',');
                }
                for (char ch : rowTemplate.toCharArray()) {
                    if (ch == '?') {
                        params.add(batch.get(r)[params.size() % columns]);
                        sql.append('?').append(params.size());
                    } else {
                        sql.append(ch);
                    }
                }
            }
            sql.append(' ').append(suffix);
            result = result.chain(() -> update(sql.toString(), params)).replaceWithVoid();
        }
        return result;
    }

    /** A map as JSON text for a {@code CAST(CAST(? AS text) AS jsonb)} placeholder; null stays null. */
    public static String json(ObjectMapper mapper, Map<String, Object> value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
