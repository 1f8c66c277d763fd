package io.traittrace.lineage.repository;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.InitClasses;

@ApplicationScoped
public class SharedInitAssertionRepository implements PanacheRepositoryBase<SharedInitAssertionEntity, UUID> {

    /** Every assertion as root classes. Assertions are few (people write them), so they are read whole. */
    public Uni<InitClasses> initClasses() {
        return listAll().map(all -> InitClasses.of(all.stream()
                .map(a -> Map.entry(a.rootA, a.rootB)).toList()));
    }

    public Uni<SharedInitAssertionEntity> findPair(String rootA, String rootB) {
        return find("rootA = ?1 and rootB = ?2", rootA, rootB).firstResult();
    }

    public Uni<List<SharedInitAssertionEntity>> newestFirst() {
        return listAll(Sort.by("createdAt", Sort.Direction.Descending).and("id"));
    }
}
