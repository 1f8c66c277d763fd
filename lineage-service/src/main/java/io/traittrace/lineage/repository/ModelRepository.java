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
public class ModelRepository implements PanacheRepositoryBase<ModelEntity, String> {

    public Uni<List<ModelEntity>> findByIds(Collection<String> ids) {
        return Sql.chunked(ids, chunk -> list("id in ?1", chunk));
    }

    /** Which of the ids are registered: an index-only read, without loading entities into the session. */
    public Uni<Set<String>> existingIds(Collection<String> ids) {
        return Sql.column("SELECT id FROM model WHERE id = ANY(CAST(:ids AS text[]))", String.class,
                Map.of("ids", Sql.textArray(ids))).map(Set::copyOf);
    }

    /**
     * Every model a Hugging Face repository name may denote: registered under the derived id
     * ("org--name"), under the name itself, or with the uri "hf://org/name". Callers bound the list.
     */
    public Uni<List<ModelEntity>> findByHubNames(Collection<String> hubNames) {
        if (hubNames.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> names = List.copyOf(hubNames);
        return list("id in ?1 or name in ?2 or uri in ?3", names.stream().map(Ids::fromHubName).toList(), names,
                names.stream().map(n -> "hf://" + n).toList());
    }

    public Uni<List<ModelEntity>> search(String q, int page, int size) {
        return query(q).page(Page.of(page, size)).list();
    }

    public Uni<Long> countSearch(String q) {
        return query(q).count();
    }

    private io.quarkus.hibernate.reactive.panache.PanacheQuery<ModelEntity> query(String q) {
        Sort order = Sort.by("createdAt", Sort.Direction.Descending).and("id");
        if (q == null || q.isBlank()) {
            return findAll(order);
        }
        String pattern = "%" + q.strip().toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return find("lower(id) like :p escape '\\' or lower(name) like :p escape '\\' or lower(uri) like :p escape '\\'",
                order, Parameters.with("p", pattern));
    }

    /**
     * Inserts new models in one statement ({@link Sql#insertRows}). Bulk imports write thousands of records; Hibernate's
     * per-entity persist bookkeeping was the largest cost of an import, and these records are never updated.
     */
    public Uni<Void> insertAll(List<ModelEntity> models) {
        return Sql.insertRows("model", List.of(new Column("id", "text"), new Column("name", "text"), new Column("uri", "text"),
                new Column("revision", "text"), new Column("digest", "text"), new Column("created_at", "timestamptz")),
                models.stream().map(m -> new Object[] { m.id, m.name, m.uri, m.revision, m.digest, m.createdAt }).toList(), "");
    }
}
