package io.traittrace.probe.result;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.traittrace.statistics.analysis.ComparisonResult;
import io.traittrace.statistics.analysis.PowerResult;

/**
 * The probe's result, schema v1 ({@code probe-contract}'s {@code schemas/probe-result.v1.json}). Fields other tools
 * rely on keep their place: {@code verdict.outcome}, {@code verdict.rule}, and {@code arms.<name>.{mean, sd,
 * ci95, scores}}. {@code comparisons} and {@code power} are the shared statistics core's (the runner's audit result holds the
 * same shapes). Protocol-specific detail goes in {@code evidence}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "schema", "protocol", "verdict", "arms", "comparisons", "power", "parameters", "seeds", "data",
        "replicates", "evidence", "environment", "timings", "startedAt", "finishedAt" })
public record ProbeResult(
        String schema,
        ProtocolId protocol,
        Verdict verdict,
        Map<String, ArmResult> arms,
        List<ComparisonResult> comparisons,
        PowerResult power,
        Map<String, Object> parameters,
        Seeds seeds,
        List<DataIdentity> data,
        List<Map<String, Object>> replicates,
        Map<String, Object> evidence,
        Environment environment,
        Map<String, Double> timings,
        String startedAt,
        String finishedAt) {

    public static final String SCHEMA = io.traittrace.probe.contract.ProbeContract.RESULT_SCHEMA;

    public record ProtocolId(String name, String version) {
    }

    /** The base seed and the seed each replicate derived from it. */
    public record Seeds(long base, List<Long> replicates) {
    }

    /** What data a result was computed on: a path (or "synthetic:<name>") and the SHA-256 of its bytes; examples when countable. */
    public record DataIdentity(String role, String path, String digest, @JsonInclude(JsonInclude.Include.NON_NULL) Long examples) {
    }
}
