package io.traittrace.lineage.repository;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.Ids;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;

@ApplicationScoped
public class DatasetRepository implements PanacheRepositoryBase<DatasetEntity, String> {

    private final ObjectMapper mapper;

    public DatasetRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Uni<List<DatasetEntity>> findByIds(Collection<String> ids) {
        return Sql.chunked(ids, chunk -> list("id in ?1", chunk));
    }

    /** Which of the ids are registered: an index-only read, without loading entities into the session. */
    public Uni<Set<String>> existingIds(Collection<String> ids) {
        return Sql.column("SELECT id FROM dataset WHERE id = ANY(CAST(:ids AS text[]))", String.class,
                Map.of("ids", Sql.textArray(ids))).map(Set::copyOf);
    }

    /** Every dataset a Hugging Face dataset name may denote: by derived id or by name. Callers bound the list. */
    public Uni<List<DatasetEntity>> findByHubNames(Collection<String> hubNames) {
        if (hubNames.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> names = List.copyOf(hubNames);
        return list("id in ?1 or name in ?2", names.stream().map(Ids::fromHubName).toList(), names);
    }

    public Uni<List<DatasetEntity>> page(String generatedBy, int page, int size) {
        Sort order = Sort.by("createdAt", Sort.Direction.Descending).and("id");
        return (generatedBy == null ? findAll(order) : find("generatedBy", order, generatedBy))
                .page(Page.of(page, size)).list();
    }

    public Uni<Long> countPage(String generatedBy) {
        return generatedBy == null ? count() : count("generatedBy", generatedBy);
    }

    /** Inserts new datasets in one statement (see {@link ModelRepository#insertAll}). */
    public Uni<Void> insertAll(List<DatasetEntity> datasets) {
        return Sql.insertRows("dataset", List.of(new Column("id", "text"), new Column("name", "text"),
                new Column("digest", "text"), new Column("row_count", "bigint"), new Column("origin", "text"),
                new Column("generated_by", "text"), new Column("generation", "jsonb"), new Column("created_at", "timestamptz")),
                datasets.stream().map(d -> new Object[] { d.id, d.name, d.digest, d.rows, d.origin, d.generatedBy,
                        Sql.json(mapper, d.generation), d.createdAt }).toList(), "");
    }
}
