package io.traittrace.lineage.service;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.traittrace.api.paging.Page;

import io.traittrace.lineage.domain.Commands;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.lineage.domain.Step;

/** What the lineage API answers. */
public final class Views {

    private Views() {
    }

    // Records carry their organisation: the caller's own, or "public" for the public catalogue's.

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelView(String id, String organization, String name, String uri, String revision, String digest,
            List<Commands.BaseRef> bases, List<String> roots, OffsetDateTime createdAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DatasetView(String id, String organization, String name, String digest, Long rows, String origin, String generatedBy,
            Map<String, Object> generation, OffsetDateTime createdAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrainingRunView(String id, String organization, String output, List<String> datasets, String method,
            Map<String, Object> hyperparameters, OffsetDateTime createdAt) {
    }

    public record MemberView(String id, String name) {
    }

    /**
     * A model's family: the roots it descends from, the roots asserted to share an init with them, and
     * (paginated) every other model sharing one of those roots.
     */
    public record FamilyView(String model, List<String> roots, List<String> assertedRoots, Page<MemberView> members) {
    }

    public record WalkNode(String id, String name, int distance) {
    }

    public record WalkEdge(String model, String base, String relation) {
    }

    /** Ancestors or descendants within a depth limit, with the base edges among them for drawing. */
    public record WalkView(String model, String direction, int depth, Page<WalkNode> nodes, List<WalkEdge> edges) {
    }

    /**
     * One exposure: its shortest path to the source ({@code origin}, or for unknown data the last dataset) at its level,
     * and how many other paths reach that source at that level ({@code otherPaths}; at 2^53 - 1 it means at least that).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExposureDetail(ExposureLevel level, String trainedModel, String dataset, String teacher,
            String origin, int hops, long otherPaths, List<Step> path, OffsetDateTime detectedAt) {
    }

    /**
     * A model's exposure: the strongest level over all its exposures, and one page of them ({@code total} in all),
     * strongest then shortest first; {@code paths} are the paths of the page's exposures at that strongest level.
     */
    public record ExposureView(String model, ExposureLevel level, List<List<Step>> paths, List<ExposureDetail> exposures,
            int page, int size, long total) {
    }

    public record ExposedModelView(String model, ExposureLevel level, long paths, OffsetDateTime lastDetectedAt) {
    }

    public record AssertionView(String id, String organization, List<String> roots, String reason, String assertedBy, OffsetDateTime createdAt) {
    }

    /** The outcome of a write: what now exists, and whether this request created it. */
    public record Written<T>(T value, boolean created) {
    }

    /** The outcome of a bulk import: how many records were new, and how many were identical re-posts. */
    public record ImportResult(int modelsCreated, int datasetsCreated, int trainingRunsCreated, int unchanged,
            int exposuresDetected) {
    }

    /**
     * The outcome of an OpenLineage event: whether it was recorded (only COMPLETE runs that involve a model
     * are), the model it produced, the datasets it read or wrote, its training run, and the import counts.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OpenLineageResult(boolean recorded, String reason, List<String> models, List<String> datasets,
            List<String> trainingRuns, ImportResult result) {

        static OpenLineageResult skipped(String reason) {
            return new OpenLineageResult(false, reason, null, null, null, null);
        }
    }

    /** The outcome of a model card: the import counts and the model as now recorded. */
    public record ModelCardResult(ImportResult result, ModelView model) {
    }
}
