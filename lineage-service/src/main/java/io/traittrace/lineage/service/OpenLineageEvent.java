package io.traittrace.lineage.service;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The part of an OpenLineage RunEvent the lineage service reads. Emitters send much more (producer, schema
 * URLs, job and other facets); everything not named here is ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OpenLineageEvent(
        @NotBlank String eventType,
        String eventTime,
        @NotNull @Valid Run run,
        Job job,
        List<@NotNull @Valid Dataset> inputs,
        List<@NotNull @Valid Dataset> outputs) {

    public List<Dataset> inputsOrEmpty() {
        return inputs == null ? List.of() : inputs;
    }

    public List<Dataset> outputsOrEmpty() {
        return outputs == null ? List.of() : outputs;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Run(@NotBlank String runId, RunFacets facets) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunFacets(TraitTraceRunFacet traittrace) {
    }

    /** {@code run.facets.traittrace}: how the output model was trained. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TraitTraceRunFacet(String method) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Job(String namespace, String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dataset(String namespace, @NotBlank String name, DatasetFacets facets) {

        public TraitTraceFacet traittrace() {
            return facets == null || facets.traittrace() == null ? TraitTraceFacet.EMPTY : facets.traittrace();
        }

        public String datasetType() {
            return facets == null || facets.datasetType() == null ? null : facets.datasetType().datasetType();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DatasetFacets(DatasetTypeFacet datasetType, TraitTraceFacet traittrace) {
    }

    /** The standard DatasetTypeDatasetFacet; "MODEL" marks a model. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DatasetTypeFacet(String datasetType) {
    }

    /** {@code facets.traittrace} on an input or output: what the lineage service needs that OpenLineage lacks. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TraitTraceFacet(String kind, String id, String name, String uri, String digest, String relation,
            Long rows, String origin, String generatedBy) {

        static final TraitTraceFacet EMPTY = new TraitTraceFacet(null, null, null, null, null, null, null, null, null);
    }
}
