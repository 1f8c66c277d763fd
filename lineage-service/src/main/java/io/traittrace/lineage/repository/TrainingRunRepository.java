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
public class TrainingRunRepository implements PanacheRepositoryBase<TrainingRunEntity, OwnedKey> {

    private final ObjectMapper mapper;

    public TrainingRunRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Uni<List<TrainingRunEntity>> findByIds(String organization, Collection<String> ids) {
        return Sql.chunked(ids, chunk -> list("organization = ?1 and id in ?2", organization, chunk));
    }

    /** The training run with this id in one organisation's view, or null. */
    public Uni<TrainingRunEntity> find(Collection<String> organizations, String id) {
        return find("organization in ?1 and id = ?2", List.copyOf(organizations), id).firstResult();
    }

    /** The runs that produced {@code model} of {@code organization} (a run's output is its own organisation's model). */
    public Uni<List<TrainingRunEntity>> forOutput(String organization, String model) {
        return list("organization = ?1 and outputModel = ?2", Sort.by("createdAt").and("id"), organization, model);
    }

    /** Inserts new training runs in one statement (see {@link ModelRepository#insertAll}). */
    public Uni<Void> insertAll(List<TrainingRunEntity> runs) {
        return Sql.insertRows("training_run", List.of(new Column("organization", "text"), new Column("id", "text"),
                new Column("output_model", "text"), new Column("method", "text"), new Column("hyperparameters", "jsonb"),
                new Column("created_at", "timestamptz")),
                runs.stream().map(r -> new Object[] { r.organization, r.id, r.outputModel, r.method,
                        Sql.json(mapper, r.hyperparameters), r.createdAt }).toList(), "");
    }
}
