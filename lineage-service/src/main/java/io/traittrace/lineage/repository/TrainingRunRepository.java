package io.traittrace.lineage.repository;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;

@ApplicationScoped
public class TrainingRunRepository implements PanacheRepositoryBase<TrainingRunEntity, String> {

    private final ObjectMapper mapper;

    public TrainingRunRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Uni<List<TrainingRunEntity>> findByIds(Collection<String> ids) {
        return Sql.chunked(ids, chunk -> list("id in ?1", chunk));
    }

    public Uni<List<TrainingRunEntity>> forOutput(String model) {
        return list("outputModel", Sort.by("createdAt").and("id"), model);
    }

    /** Inserts new training runs in one statement (see {@link ModelRepository#insertAll}). */
    public Uni<Void> insertAll(List<TrainingRunEntity> runs) {
        return Sql.insertRows("training_run", List.of(new Column("id", "text"), new Column("output_model", "text"),
                new Column("method", "text"), new Column("hyperparameters", "jsonb"), new Column("created_at", "timestamptz")),
                runs.stream().map(r -> new Object[] { r.id, r.outputModel, r.method, Sql.json(mapper, r.hyperparameters),
                        r.createdAt }).toList(), "");
    }
}
