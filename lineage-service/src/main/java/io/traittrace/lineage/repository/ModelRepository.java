package io.traittrace.lineage.repository;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.Ids;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;

@ApplicationScoped
public class ModelRepository implements PanacheRepositoryBase<ModelEntity, OwnedKey> {

    /**
     * The models of {@code organizations} with these ids. Callers pass one organisation's view (it and the public
     * catalogue), where an id names at most one model.
     */
    public Uni<List<ModelEntity>> findByIds(Collection<String> organizations, Collection<String> ids) {
        List<String> orgs = List.copyOf(organizations);
        return Sql.chunked(ids, chunk -> list("organization in ?1 and id in ?2", orgs, chunk));
    }

    /** The model with this id in one organisation's view, or null. */
    public Uni<ModelEntity> find(Collection<String> organizations, String id) {
        return find("organization in ?1 and id = ?2", List.copyOf(organizations), id).firstResult();
    }

    /**
     * Which of the ids are registered in {@code organizations}, each with the organisation holding it: an index-only
     * read, without loading entities into the session.
     */
    public Uni<Map<String, String>> existingIds(Collection<String> organizations, Collection<String> ids) {
        return Sql.rows("SELECT id, organization FROM model WHERE organization = ANY(CAST(:orgs AS text[]))"
                + " AND id = ANY(CAST(:ids AS text[]))", Map.of("orgs", Sql.textArray(organizations), "ids", Sql.textArray(ids)))
                .map(OwnedIds::byId);
    }

    /**
     * Every model a Hugging Face repository name may denote: registered under the derived id
     * ("org--name"), under the name itself, or with the uri "hf://org/name". Callers bound the list.
     */
    public Uni<List<ModelEntity>> findByHubNames(Collection<String> organizations, Collection<String> hubNames) {
        if (hubNames.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> names = List.copyOf(hubNames);
        return list("organization in ?1 and (id in ?2 or name in ?3 or uri in ?4)", List.copyOf(organizations),
                names.stream().map(Ids::fromHubName).toList(), names, names.stream().map(n -> "hf://" + n).toList());
    }

    public Uni<List<ModelEntity>> search(Collection<String> organizations, String q, int page, int size) {
        return query(organizations, q).page(Page.of(page, size)).list();
    }

    public Uni<Long> countSearch(Collection<String> organizations, String q) {
        return query(organizations, q).count();
    }

    private io.quarkus.hibernate.reactive.panache.PanacheQuery<ModelEntity> query(Collection<String> organizations, String q) {
        Sort order = Sort.by("createdAt", Sort.Direction.Descending).and("id");
        Parameters params = Parameters.with("orgs", List.copyOf(organizations));
        if (q == null || q.isBlank()) {
            return find("organization in :orgs", order, params);
        }
        String pattern = "%" + q.strip().toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return find("organization in :orgs and (lower(id) like :p escape '\\' or lower(name) like :p escape '\\'"
                + " or lower(uri) like :p escape '\\')", order, params.and("p", pattern));
    }

    /**
     * Inserts new models in one statement ({@link Sql#insertRows}). Bulk imports write thousands of records; Hibernate's
     * per-entity persist bookkeeping was the largest cost of an import, and these records are never updated.
     */
    public Uni<Void> insertAll(List<ModelEntity> models) {
        return Sql.insertRows("model", List.of(new Column("organization", "text"), new Column("id", "text"),
                new Column("name", "text"), new Column("uri", "text"), new Column("revision", "text"),
                new Column("digest", "text"), new Column("created_at", "timestamptz")),
                models.stream().map(m -> new Object[] { m.organization, m.id, m.name, m.uri, m.revision, m.digest,
                        m.createdAt }).toList(), "");
    }
}
