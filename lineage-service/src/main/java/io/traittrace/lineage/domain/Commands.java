package io.traittrace.lineage.domain;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** What callers ask the lineage service to record. Field rules here; graph rules in {@link LineageWriteService}. */
public final class Commands {

    private Commands() {
    }

    public static final String DIGEST = "^(sha256:)?[0-9a-f]{64}$";
    public static final String URI = "^[a-z][a-z0-9+.-]*://\\S{1,1000}$";

    public record BaseRef(
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String model,
            @NotNull @Pattern(regexp = "finetune|adapter|quantized|merge", message = "must be one of finetune, adapter, quantized, merge") String relation) {
    }

    public record NewModel(
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String id,
            @NotBlank @Size(max = 256) String name,
            @Pattern(regexp = URI, message = "must be a URI such as hf://org/name@rev, s3://bucket/key or mlflow://name/1") String uri,
            @Size(max = 256) String revision,
            @Pattern(regexp = DIGEST, message = "must be a SHA-256 digest: 64 lowercase hex digits, optionally prefixed 'sha256:'") String digest,
            @Valid @Size(max = 64) List<@NotNull @Valid BaseRef> bases) {

        public List<BaseRef> basesOrEmpty() {
            return bases == null ? List.of() : bases;
        }
    }

    public record NewDataset(
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String id,
            @NotBlank @Size(max = 256) String name,
            @Pattern(regexp = DIGEST, message = "must be a SHA-256 digest: 64 lowercase hex digits, optionally prefixed 'sha256:'") String digest,
            @PositiveOrZero Long rows,
            @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String generatedBy,
            @Pattern(regexp = "human|unknown", message = "must be 'human' or 'unknown' (a generated dataset names its generator in generatedBy instead)") String origin,
            @Size(max = 64) Map<String, Object> generation) {
    }

    public record NewTrainingRun(
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String id,
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String output,
            @NotEmpty @Size(max = 1000) List<@NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String> datasets,
            @NotNull @Pattern(regexp = "sft|lora|distill|rl", message = "must be one of sft, lora, distill, rl") String method,
            @Size(max = 128) Map<String, Object> hyperparameters) {
    }

    public record NewSharedInitAssertion(
            @NotNull @Size(min = 2, max = 2, message = "must name exactly two root models") List<@NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String> roots,
            @NotBlank @Size(max = 2000) String reason) {
    }

    /** A Hugging Face model card (README.md with YAML front matter) describing an already named model. */
    public record NewModelCard(
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String model,
            @Size(max = 256) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank when given") String name,
            @Pattern(regexp = URI, message = "must be a URI such as hf://org/name@rev, s3://bucket/key or mlflow://name/1") String uri,
            @Pattern(regexp = DIGEST, message = "must be a SHA-256 digest: 64 lowercase hex digits, optionally prefixed 'sha256:'") String digest,
            @NotBlank String card) {
    }

    /** A bulk import: the records of a pipeline or a backfill, written in dependency order in one transaction. */
    public record Import(
            @Valid List<@NotNull @Valid NewModel> models,
            @Valid List<@NotNull @Valid NewDataset> datasets,
            @Valid List<@NotNull @Valid NewTrainingRun> trainingRuns) {

        public List<NewModel> modelsOrEmpty() {
            return models == null ? List.of() : models;
        }

        public List<NewDataset> datasetsOrEmpty() {
            return datasets == null ? List.of() : datasets;
        }

        public List<NewTrainingRun> trainingRunsOrEmpty() {
            return trainingRuns == null ? List.of() : trainingRuns;
        }
    }
}
