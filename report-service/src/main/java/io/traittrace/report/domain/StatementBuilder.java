package io.traittrace.report.domain;

import static io.traittrace.verifier.Statements.PIPELINE_CHECK_PREDICATE_SCHEMA;
import static io.traittrace.verifier.Statements.PIPELINE_CHECK_PREDICATE_TYPE;
import static io.traittrace.verifier.Statements.PREDICATE_SCHEMA;
import static io.traittrace.verifier.Statements.PREDICATE_TYPE;
import static io.traittrace.verifier.Statements.STATEMENT_TYPE;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Scope;
import io.traittrace.verifier.Statements;

/**
 * Builds the in-toto Statement v1 of a certificate ({@link Statements} has its vocabulary). An audit whose protocol
 * evaluates the student (or a container the requester supplied) is a subliminal-audit statement whose subject is the
 * student. A pipeline check (canary, toy numbers) never is: it is a pipeline-check statement whose subject is the probe
 * spec it tested, and the student it was requested for is recorded as not evaluated.
 */
public final class StatementBuilder {

    private StatementBuilder() {
    }

    /** The certificate id of an audit: one certificate per audit, whoever asks and however often. */
    public static UUID certificateId(String auditId) {
        return UUID.nameUUIDFromBytes(("certificate|" + auditId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The predicate type an audit is certified under. */
    public static String predicateType(AuditScope scope) {
        return Scope.PIPELINE_CHECK.equals(scope.scopeClass()) ? PIPELINE_CHECK_PREDICATE_TYPE : PREDICATE_TYPE;
    }

    public static ObjectNode build(AuditCompleted audit, UUID certificateId, String issuer, String serviceVersion,
            Instant issuedAt, Instant expiresAt) {
        AuditScope scope = AuditScope.of(audit);
        boolean pipelineCheck = Scope.PIPELINE_CHECK.equals(scope.scopeClass());
        ObjectNode statement = Canonical.JSON.createObjectNode();
        statement.put("_type", STATEMENT_TYPE);
        ObjectNode subject = statement.putArray("subject").addObject();
        statement.put("predicateType", predicateType(scope));

        ObjectNode p = statement.putObject("predicate");
        ObjectNode certificate = p.putObject("certificate");
        certificate.put("id", certificateId.toString());
        certificate.put("issuer", issuer);
        // Who it was issued for: a record for the reader, not a verification check (a certificate proves what was
        // audited, whoever holds it), so verifiers and registries need not know about organisations.
        certificate.put("organization", audit.organization());
        certificate.put("schema", pipelineCheck ? PIPELINE_CHECK_PREDICATE_SCHEMA : PREDICATE_SCHEMA);
        p.putObject("audit").put("id", audit.auditId()).put("completedAt", audit.completedAt());
        JsonNode result = audit.result();
        p.set("verdict", result.get("verdict"));
        p.set("protocol", audit.protocol());
        p.set("scope", scope.json());
        ObjectNode student = p.putObject(pipelineCheck ? "requestedFor" : "student");
        student.put("id", audit.student().id());
        student.put("name", audit.student().name());
        if (pipelineCheck) {
            student.put("digest", audit.student().digest());
            student.put("evaluated", false);
        } else {
            student.put("uri", audit.student().uri());
            student.put("digest", audit.student().digest());
        }
        p.set("teacher", audit.teacher());
        p.set("dataset", audit.dataset());
        p.set("generation", audit.generation());
        p.set("training", audit.training());
        p.set("scoringRule", audit.scoringRule());
        p.set("arms", result.get("arms"));
        p.set("comparisons", result.get("comparisons"));
        p.set("correction", result.get("correction"));
        p.set("controls", result.get("controls"));
        p.set("power", result.get("power"));
        p.set("parameters", result.get("parameters"));
        p.set("seeds", result.get("seeds"));
        p.set("data", result.get("data"));
        p.set("exposurePaths", audit.exposurePaths());
        // The runner lists the shortest paths only: the certificate says how many there were and whether some are left out.
        p.put("exposurePathsTotal", audit.exposurePathsTotal());
        p.put("exposurePathsTruncated", audit.exposurePathsTruncated());
        ObjectNode software = p.putObject("software");
        software.put("probe", audit.probeVersion());
        software.put("runner", audit.runnerVersion());
        software.put("reportService", serviceVersion);
        software.put("resultSchema", result.path("schema").isTextual() ? result.get("schema").asText() : null);
        p.set("environment", result.get("environment"));
        p.put("issuedAt", issuedAt.toString());
        p.put("expiresAt", expiresAt.toString());
        dropNulls(statement);
        if (pipelineCheck) {
            // What it did test: the probe spec, hashed from the predicate as signed (nulls dropped), so a verifier recomputes it.
            subject.put("name", specName(audit.protocol()));
            subject.putObject("digest").put("sha256", Scope.specDigest(Scope.spec(p)));
        } else {
            subject.put("name", audit.student().name());
            subject.putObject("digest").put("sha256", audit.student().digest().substring("sha256:".length()));
        }
        return statement;
    }

    /** Absent and null mean the same in the predicate: nulls are left out so the signed bytes stay small and stable. */
    private static void dropNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(e -> e.getValue() == null || e.getValue().isNull());
            object.forEach(StatementBuilder::dropNulls);
        } else if (node != null && node.isArray()) {
            node.forEach(StatementBuilder::dropNulls);
        }
    }

    /** The subject name of a pipeline check: {@code traittrace-probe/<protocol>@<protocol version>}. */
    private static String specName(JsonNode protocol) {
        String version = protocol.path("version").isMissingNode() || protocol.path("version").isNull() ? "unversioned"
                : protocol.path("version").asText();
        return "traittrace-probe/" + protocol.path("name").asText() + "@" + version;
    }
}
