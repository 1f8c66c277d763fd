package io.traittrace.lineage.repository;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.service.repository.Sql;

/**
 * Keeps an organisation's ids and the public catalogue's disjoint, so that an id names one record in every
 * organisation's view. Checking and inserting race with a write on the other side, so each write first takes
 * advisory locks on the ids it writes, in the write's transaction: shared for an organisation's write (organisations
 * never conflict with each other, their ids are their own), exclusive for a public one. The ids are hashed into
 * {@value #BUCKETS} locks, taken in ascending order, so a 5,000-record import holds at most that many locks and two
 * writes never wait on each other in a cycle.
 */
@ApplicationScoped
public class OwnedIds {

    private static final int BUCKETS = 64;

    /** The tables of the owned records whose ids must not be held on both sides. */
    public enum Kind {
        MODEL("model"), DATASET("dataset"), TRAINING_RUN("training_run");

        private final String table;

        Kind(String table) {
            this.table = table;
        }
    }

    /** Locks the ids an {@code organization}'s write is about to check and insert, until its transaction ends. */
    public Uni<Void> lock(String organization, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<Integer> buckets = new TreeSet<>();
        ids.forEach(id -> buckets.add(Math.floorMod(id.hashCode(), BUCKETS)));
        String function = Organizations.PUBLIC.equals(organization) ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared";
        // One statement; the buckets are locked in the subquery's order.
        return Sql.column("SELECT count(" + function + "(" + LOCK_SPACE + ", b)) FROM (SELECT unnest(CAST(:buckets AS int[])) AS b"
                + " ORDER BY 1) sorted", Long.class, Map.of("buckets", buckets.toArray(Integer[]::new)))
                .replaceWithVoid();
    }

    /** A fixed first key, so these locks never meet another advisory lock of the database. */
    private static final int LOCK_SPACE = 0x4c494e45; // "LINE"

    /**
     * Of the ids {@code organization} is about to create, those the other side holds: the public catalogue for an
     * organisation, any organisation for the public catalogue.
     */
    public Uni<List<String>> heldByOtherSide(String organization, Kind kind, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        String side = Organizations.PUBLIC.equals(organization) ? "organization <> 'public'" : "organization = 'public'";
        return Sql.column("SELECT DISTINCT id FROM " + kind.table + " WHERE " + side + " AND id = ANY(CAST(:ids AS text[]))"
                + " ORDER BY id", String.class, Map.of("ids", Sql.textArray(ids)));
    }

    static Map<String, String> byId(List<Object[]> rows) {
        Map<String, String> result = new HashMap<>();
        rows.forEach(row -> result.put((String) row[0], (String) row[1]));
        return result;
    }
}
