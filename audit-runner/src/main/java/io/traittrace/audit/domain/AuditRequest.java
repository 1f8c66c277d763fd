package io.traittrace.audit.domain;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/audits}. {@code margin} is the largest effect (treatment − control, in score units) the audit may
 * call "no transfer"; left out, the protocol's configured default applies (an image audit must declare one). Ids are lineage-service ids; they reach Kubernetes only through derived names and
 * labels and the probe only inside its JSON spec, never a shell, so the id alphabet is the lineage one.
 */
public record AuditRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = "^[\\x21-\\x7e]+$", message = "must be 1-200 printable ASCII characters without spaces")
        String idempotencyKey,
        @NotBlank @Pattern(regexp = "^(canary|numbers|family|image|trait-eval)$", message = "must be one of canary, numbers, family, image, trait-eval")
        String protocol,
        @Pattern(regexp = LINEAGE_ID, message = LINEAGE_ID_RULE) String teacher,
        @NotNull @Pattern(regexp = LINEAGE_ID, message = LINEAGE_ID_RULE) String student,
        @Pattern(regexp = LINEAGE_ID, message = LINEAGE_ID_RULE) String dataset,
        @Size(max = 32) List<@NotNull @Pattern(regexp = TRAIT, message = TRAIT_RULE) String> traits,
        @Min(1) Integer seedsPerArm,
        @Positive Double margin,
        ObjectNode parameters,
        @Valid Resources resources) {

    public static final String LINEAGE_ID = "^[A-Za-z0-9](?:[A-Za-z0-9._:-]{0,126}[A-Za-z0-9])?$";
    public static final String LINEAGE_ID_RULE = "must be a lineage id: 1-128 characters from A-Z a-z 0-9 . _ : -, starting and ending with a letter or digit";
    public static final String TRAIT = "^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$";
    public static final String TRAIT_RULE = "must be 1-64 characters from a-z 0-9 . _ -, starting and ending with a letter or digit";

    /** The run budget: per run, GPUs and wall-clock seconds; {@code gpuType} becomes a node selector. */
    public record Resources(
            @Min(0) Integer gpus,
            @Pattern(regexp = "^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$", message = "must be a Kubernetes label value") String gpuType,
            @Min(60) Long deadlineSeconds) {
    }
}
