package io.traittrace.lineage.repository;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TrainingRunRepository implements PanacheRepositoryBase<TrainingRunEntity, String> {

    public Uni<List<TrainingRunEntity>> findByIds(Collection<String> ids) {
        return Sql.chunked(ids, chunk -> list("id in ?1", chunk));
    }

    public Uni<List<TrainingRunEntity>> forOutput(String model) {
        return list("outputModel", Sort.by("createdAt").and("id"), model);
    }
}
