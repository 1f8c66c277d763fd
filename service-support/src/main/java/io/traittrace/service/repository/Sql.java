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

    /** One column of {@link #insertRows}: its name and its PostgreSQL type (e.g. {@code text}, {@code int}, {@code jsonb}). */
    public record Column(String name, String type) {
    }

    /**
     * Inserts rows in one statement with one array parameter per column,
     * {@code INSERT … SELECT CAST(c1 AS type), … FROM unnest(…) AS u(c1, …)}, whatever the number of rows. Values
     * are sent as text (their {@code toString()}, null stays null) and each is cast to its column's type after the
     * unnest: casting a whole array instead ({@code CAST(text[] AS jsonb[])}) took about 100 µs per element, a second
     * per 10,000 exposure paths. A multi-row VALUES statement needs a placeholder per value: Hibernate's bookkeeping
     * of thousands of them, and PostgreSQL parsing a new statement for each row count, led the profile of bulk
     * imports. {@code suffix} may add e.g. "ON CONFLICT DO NOTHING".
     */
    public static Uni<Void> insertRows(String table, List<Column> columns, List<Object[]> rows, String suffix) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder names = new StringBuilder();
        StringBuilder casts = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        StringBuilder aliases = new StringBuilder();
        List<Object> params = new ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            String separator = c == 0 ? "" : ", ";
            names.append(separator).append(column.name());
            casts.append(separator).append("CAST(c").append(c).append(" AS ").append(column.type()).append(')');
            arrays.append(separator).append("CAST(?").append(c + 1).append(" AS text[])");
            aliases.append(separator).append('c').append(c);
            String[] values = new String[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                Object value = rows.get(r)[c];
                values[r] = value == null ? null : value.toString();
            }
            params.add(values);
        }
        String sql = "INSERT INTO " + table + " (" + names + ") SELECT " + casts + " FROM unnest(" + arrays + ") AS u("
                + aliases + ") " + suffix;
        return update(sql, params).replaceWithVoid();
    }

    /** Ids as one {@code text[]} parameter, for {@code = ANY(CAST(:ids AS text[]))}: one placeholder however many ids. */
    public static String[] textArray(Collection<String> ids) {
        return ids.toArray(String[]::new);
    }

    /** A map as JSON text, for a {@code jsonb} column of {@link #insertRows}; null stays null. */
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
