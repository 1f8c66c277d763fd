package io.traittrace.lineage.repository;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.Ids;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;

@ApplicationScoped
public class DatasetRepository implements PanacheRepositoryBase<DatasetEntity, OwnedKey> {

    private final ObjectMapper mapper;

    public DatasetRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The datasets of {@code organizations} with these ids (one organisation's view, see {@link ModelRepository#findByIds}). */
    public Uni<List<DatasetEntity>> findByIds(Collection<String> organizations, Collection<String> ids) {
        List<String> orgs = List.copyOf(organizations);
        return Sql.chunked(ids, chunk -> list("organization in ?1 and id in ?2", orgs, chunk));
    }

    /** The dataset with this id in one organisation's view, or null. */
    public Uni<DatasetEntity> find(Collection<String> organizations, String id) {
        return find("organization in ?1 and id = ?2", List.copyOf(organizations), id).firstResult();
    }

    /** Which of the ids are registered in {@code organizations}, each with the organisation holding it. */
    public Uni<Map<String, String>> existingIds(Collection<String> organizations, Collection<String> ids) {
        return Sql.rows("SELECT id, organization FROM dataset WHERE organization = ANY(CAST(:orgs AS text[]))"
                + " AND id = ANY(CAST(:ids AS text[]))", Map.of("orgs", Sql.textArray(organizations), "ids", Sql.textArray(ids)))
                .map(OwnedIds::byId);
    }

    /** Every dataset a Hugging Face dataset name may denote: by derived id or by name. Callers bound the list. */
    public Uni<List<DatasetEntity>> findByHubNames(Collection<String> organizations, Collection<String> hubNames) {
        if (hubNames.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> names = List.copyOf(hubNames);
        return list("organization in ?1 and (id in ?2 or name in ?3)", List.copyOf(organizations),
                names.stream().map(Ids::fromHubName).toList(), names);
    }

    public Uni<List<DatasetEntity>> page(Collection<String> organizations, String generatedBy, int page, int size) {
        Sort order = Sort.by("createdAt", Sort.Direction.Descending).and("id");
        return query(organizations, generatedBy, order).page(Page.of(page, size)).list();
    }

    public Uni<Long> countPage(Collection<String> organizations, String generatedBy) {
        return query(organizations, generatedBy, null).count();
    }

    private io.quarkus.hibernate.reactive.panache.PanacheQuery<DatasetEntity> query(Collection<String> organizations,
            String generatedBy, Sort order) {
        Parameters params = Parameters.with("orgs", List.copyOf(organizations));
        String where = generatedBy == null ? "organization in :orgs" : "organization in :orgs and generatedBy = :generator";
        if (generatedBy != null) {
            params.and("generator", generatedBy);
        }
        return order == null ? find(where, params) : find(where, order, params);
    }

    /** Inserts new datasets in one statement (see {@link ModelRepository#insertAll}). */
    public Uni<Void> insertAll(List<DatasetEntity> datasets) {
        return Sql.insertRows("dataset", List.of(new Column("organization", "text"), new Column("id", "text"),
                new Column("name", "text"), new Column("digest", "text"), new Column("row_count", "bigint"),
                new Column("origin", "text"), new Column("generator_organization", "text"), new Column("generated_by", "text"),
                new Column("generation", "jsonb"), new Column("created_at", "timestamptz")),
                datasets.stream().map(d -> new Object[] { d.organization, d.id, d.name, d.digest, d.rows, d.origin,
                        d.generatorOrganization, d.generatedBy, Sql.json(mapper, d.generation), d.createdAt }).toList(), "");
    }
}
