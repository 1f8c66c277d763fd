package io.traittrace.report.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.api.tenancy.Organizations;
import io.traittrace.verifier.Statements;

/**
 * The {@code data} of an {@code audit-completed} v1 CloudEvent (the event contract's {@code schemas/audit-completed.v1.json}, which the audit runner writes): what
 * was audited, how, and the aggregated probe-result-shaped result. Open-ended parts stay JSON so the
 * certificate carries them as the runner reported them. {@code organization} is the organisation the audit ran for:
 * its certificate belongs there, and an event without one is refused, never defaulted.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditCompleted(
        String organization,
        String auditId,
        ModelRef student,
        JsonNode teacher,
        JsonNode dataset,
        JsonNode protocol,
        JsonNode generation,
        JsonNode training,
        JsonNode scoringRule,
        JsonNode result,
        JsonNode exposurePaths,
        Long exposurePathsTotal,
        Boolean exposurePathsTruncated,
        String runnerVersion,
        String probeVersion,
        String completedAt) {

    public static final Pattern DIGEST = Pattern.compile("^sha256:[0-9a-f]{64}$");

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelRef(String id, String name, String uri, String digest) {
    }

    /** Every rule the event breaks; empty when a certificate can be issued from it. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!Organizations.isAlias(organization)) {
            problems.add("organization: required, an organisation alias (" + Organizations.ALIAS_PATTERN + ")");
        }
        if (blank(auditId) || auditId.length() > 128) {
            problems.add("auditId: required, at most 128 characters");
        }
        if (student == null) {
            problems.add("student: required");
        } else {
            if (blank(student.id()) || student.id().length() > 128) {
                problems.add("student.id: required, at most 128 characters");
            }
            if (blank(student.name()) || student.name().length() > 256) {
                problems.add("student.name: required, at most 256 characters");
            }
            if (student.digest() == null || !DIGEST.matcher(student.digest()).matches()) {
                problems.add("student.digest: required, sha256:<64 lowercase hex> (the model-directory digest)");
            }
        }
        if (protocol == null || !protocol.path("name").isTextual()) {
            problems.add("protocol.name: required");
        }
        if (result == null || !result.isObject()) {
            problems.add("result: required object");
        } else {
            if (!Statements.VERDICT_OUTCOMES.contains(result.path("verdict").path("outcome").asText(""))) {
                problems.add("result.verdict.outcome: one of " + Statements.VERDICT_OUTCOMES.stream().sorted().toList());
            }
            if (result.path("verdict").path("rule").asText("").isBlank()) {
                problems.add("result.verdict.rule: required");
            }
            if (!result.path("arms").isObject()) {
                problems.add("result.arms: required object");
            }
        }
        if (blank(runnerVersion)) {
            problems.add("runnerVersion: required");
        }
        problems.addAll(AuditScope.problems(this));
        return problems;
    }

    /** What the audit tested; only for an event without {@link #problems()}. */
    public AuditScope scope() {
        return AuditScope.of(this);
    }

    public String outcome() {
        return result.path("verdict").path("outcome").asText();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
