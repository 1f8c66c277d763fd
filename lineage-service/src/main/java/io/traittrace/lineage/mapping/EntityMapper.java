package io.traittrace.lineage.mapping;

import java.time.OffsetDateTime;
import java.util.List;

import io.traittrace.lineage.domain.DatasetOrigin;
import io.traittrace.lineage.domain.LineageGraph.BaseEdge;
import io.traittrace.lineage.repository.DatasetEntity;
import io.traittrace.lineage.repository.ModelEntity;
import io.traittrace.lineage.repository.TrainingRunEntity;
import io.traittrace.lineage.domain.Commands.BaseRef;
import io.traittrace.lineage.domain.Commands.NewDataset;
import io.traittrace.lineage.domain.Commands.NewModel;
import io.traittrace.lineage.domain.Commands.NewTrainingRun;

/**
 * Posted records to the entities that store them, and stored ones back to the record that would have stored them (so
 * that a re-post is compared with what is stored in the terms it was posted in). Names are stored stripped, digests
 * with their {@code sha256:} prefix.
 */
public final class EntityMapper {

    private EntityMapper() {
    }

    public static ModelEntity model(String organization, NewModel model, OffsetDateTime now) {
        ModelEntity entity = new ModelEntity();
        entity.organization = organization;
        entity.id = model.id();
        entity.name = model.name().strip();
        entity.uri = model.uri();
        entity.revision = model.revision();
        entity.digest = normalDigest(model.digest());
        entity.createdAt = now;
        return entity;
    }

    /** The stored model with its stored base edges, as a post. */
    public static NewModel asPosted(ModelEntity stored, List<BaseEdge> bases) {
        List<BaseRef> refs = bases.stream().map(e -> new BaseRef(e.base(), e.relation().wire())).toList();
        return new NewModel(stored.id, stored.name, stored.uri, stored.revision, stored.digest, refs);
    }

    public static DatasetEntity dataset(String organization, NewDataset dataset, String generatorOrganization, OffsetDateTime now) {
        DatasetEntity entity = new DatasetEntity();
        entity.organization = organization;
        entity.id = dataset.id();
        entity.name = dataset.name().strip();
        entity.digest = normalDigest(dataset.digest());
        entity.rows = dataset.rows();
        entity.generatedBy = dataset.generatedBy();
        entity.generatorOrganization = dataset.generatedBy() == null ? null : generatorOrganization;
        entity.origin = originOf(dataset).wire();
        entity.generation = dataset.generation();
        entity.createdAt = now;
        return entity;
    }

    /** The stored dataset as a post: a generated dataset's origin is implied by its generator, so it is left out. */
    public static NewDataset asPosted(DatasetEntity stored) {
        return new NewDataset(stored.id, stored.name, stored.digest, stored.rows, stored.generatedBy,
                stored.generatedBy == null ? stored.origin : null, stored.generation);
    }

    public static TrainingRunEntity trainingRun(String organization, NewTrainingRun run, OffsetDateTime now) {
        TrainingRunEntity entity = new TrainingRunEntity();
        entity.organization = organization;
        entity.id = run.id();
        entity.outputModel = run.output();
        entity.method = run.method();
        entity.hyperparameters = run.hyperparameters();
        entity.createdAt = now;
        return entity;
    }

    /** The stored run with its stored input datasets, as a post. */
    public static NewTrainingRun asPosted(TrainingRunEntity stored, List<String> datasets) {
        return new NewTrainingRun(stored.id, stored.outputModel, datasets, stored.method, stored.hyperparameters);
    }

    /** A dataset with a generator came from a model; without one it is human data only when the caller says so. */
    public static DatasetOrigin originOf(NewDataset dataset) {
        if (dataset.generatedBy() != null) {
            return DatasetOrigin.MODEL;
        }
        return dataset.origin() == null ? DatasetOrigin.UNKNOWN : DatasetOrigin.parse(dataset.origin()).orElseThrow();
    }

    public static String normalDigest(String digest) {
        if (digest == null) {
            return null;
        }
        return digest.startsWith("sha256:") ? digest : "sha256:" + digest;
    }
}
