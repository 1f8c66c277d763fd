package io.traittrace.lineage.repository;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.InitClasses;
import io.traittrace.service.repository.Sql;

@ApplicationScoped
public class SharedInitAssertionRepository implements PanacheRepositoryBase<SharedInitAssertionEntity, UUID> {

    /**
     * The root classes of one view: the assertions of {@code organizations} (an organisation's and the public
     * catalogue's, or the public catalogue's alone). Assertions are few (people write them), so they are read whole.
     */
    public Uni<InitClasses> initClasses(Collection<String> organizations) {
        return pairs(organizations).map(InitClasses::of);
    }

    /** The asserted root pairs of {@code organizations}. */
    public Uni<List<Map.Entry<String, String>>> pairs(Collection<String> organizations) {
        return list("organization in ?1", List.copyOf(organizations))
                .map(all -> all.stream().map(a -> Map.entry(a.rootA, a.rootB)).toList());
    }

    public Uni<SharedInitAssertionEntity> findPair(String organization, String rootA, String rootB) {
        return find("organization = ?1 and rootA = ?2 and rootB = ?3", organization, rootA, rootB).firstResult();
    }

    /** The assertion with this id in one view, or null. */
    public Uni<SharedInitAssertionEntity> find(Collection<String> organizations, UUID id) {
        return find("organization in ?1 and id = ?2", List.copyOf(organizations), id).firstResult();
    }

    public Uni<List<SharedInitAssertionEntity>> newestFirst(Collection<String> organizations) {
        return list("organization in ?1", Sort.by("createdAt", Sort.Direction.Descending).and("id"),
                List.copyOf(organizations));
    }

    /** The organisations (other than the public catalogue) that hold assertions of their own. */
    /**
     * Serialises every assertion write and deletion (they are rare) until the transaction ends: each checks the
     * committed assertions of its view and of the public catalogue before it changes one, and two at once could each
     * pass a check the pair breaks (two halves of a join of public roots, or a public deletion under an organisation's
     * repetition of it).
     */
    public Uni<Void> lockAssertions() {
        return Sql.column("SELECT count(pg_advisory_xact_lock(" + LOCK_SPACE + ", 0))", Long.class, Map.of()).replaceWithVoid();
    }

    /** A fixed first key of its own (OwnedIds' locks use another), so this lock never meets another advisory lock. */
    private static final int LOCK_SPACE = 0x41535254; // "ASRT"

    public Uni<Set<String>> asserting() {
        return Sql.column("SELECT DISTINCT organization FROM shared_init_assertion WHERE organization <> 'public'",
                String.class, Map.of()).map(TreeSet::new);
    }
}
