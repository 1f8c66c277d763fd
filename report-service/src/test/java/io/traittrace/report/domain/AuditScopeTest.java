package io.traittrace.report.domain;

import static io.traittrace.report.domain.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Dsse;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.SigstoreBundle;
import io.traittrace.verifier.Statements;
import io.traittrace.verifier.VerificationPolicy;
import io.traittrace.verifier.Verifier;

/** The scope of an audit, the two predicate types it leads to, and what the verifier and its policy make of them. */
class AuditScopeTest {

    private static final String STUDENT = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private final SigningKey key = Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256);
    private final Verifier verifier = Verifier.of(List.of(key.verificationKey()), Map.of());

    // --- scope derivation ---

    @ParameterizedTest
    @CsvSource({ "family,subject-evaluated", "trait-eval,subject-evaluated", "canary,pipeline-check", "numbers,pipeline-check",
            "image,self-attested" })
    void everyProtocolTheRunnerPlansHasAClass(String protocol, String scopeClass) {
        assertThat(AuditScope.classOf(protocol)).hasValue(scopeClass);
    }

    @Test
    void aTraitEvalAuditThatLoadedTheStudentIsSubjectEvaluated() {
        AuditCompleted audit = Fixtures.sample();
        assertThat(audit.problems()).isEmpty();
        AuditScope scope = audit.scope();
        assertThat(scope.scopeClass()).isEqualTo("subject-evaluated");
        assertThat(scope.subjectEvaluated()).isTrue();
        assertThat(scope.loaded()).extracting(AuditScope.Loaded::role).containsExactly("student", "base", "teacher", "train");
        assertThat(scope.loaded().get(0)).isEqualTo(new AuditScope.Loaded("student", "/models/org/student-owl", STUDENT));
    }

    @Test
    void aSubjectEvaluatedAuditWhoseResultDoesNotNameTheStudentsDigestIsRefused() {
        ObjectNode json = Fixtures.sampleJson();
        ((ObjectNode) json.at("/result/data/0")).put("digest", "sha256:" + "e".repeat(64)); // the probe loaded other weights
        List<String> problems = Fixtures.audit(json).problems();
        assertThat(problems).singleElement().asString().startsWith("scope: protocol trait-eval is subject-evaluated")
                .contains(STUDENT).contains("not among the digests the probe computed");
        assertThatThrownBy(() -> Fixtures.issuer().issue(Fixtures.audit(json), key, NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope: protocol trait-eval");

        ObjectNode family = Fixtures.sampleJson();
        family.with("protocol").put("name", "family");
        ((ArrayNode) family.at("/result/data")).removeAll();
        assertThat(Fixtures.audit(family).problems()).singleElement().asString().startsWith("scope: protocol family is subject-evaluated");
    }

    @Test
    void anUnknownProtocolIsRefusedRatherThanGuessed() {
        ObjectNode json = Fixtures.sampleJson();
        json.with("protocol").put("name", "vibes");
        assertThat(Fixtures.audit(json).problems()).singleElement().asString()
                .startsWith("protocol.name: unknown protocol 'vibes'").contains("canary", "family", "image", "numbers", "trait-eval");
    }

    @Test
    void aCanaryIsAPipelineCheckThatDidNotEvaluateTheStudent() {
        AuditCompleted canary = Fixtures.canary();
        assertThat(canary.problems()).isEmpty();
        AuditScope scope = canary.scope();
        assertThat(scope.scopeClass()).isEqualTo("pipeline-check");
        assertThat(scope.subjectEvaluated()).isFalse();
        assertThat(scope.loaded()).extracting(AuditScope.Loaded::role).containsExactly("dataset", "train-images");
    }

    @Test
    void anImageAuditIsSelfAttestedAndSaysWhetherItLoadedTheSubject() {
        ObjectNode json = Fixtures.sampleJson();
        json.with("protocol").put("name", "image");
        assertThat(Fixtures.audit(json).problems()).isEmpty();
        assertThat(Fixtures.audit(json).scope()).extracting(AuditScope::scopeClass, AuditScope::subjectEvaluated).containsExactly("self-attested", true);
        ((ArrayNode) json.at("/result/data")).remove(0);
        assertThat(Fixtures.audit(json).problems()).isEmpty();
        assertThat(Fixtures.audit(json).scope().subjectEvaluated()).isFalse();
        JsonNode statement = Fixtures.issuer().issue(Fixtures.audit(json), key, NOW).statement();
        assertThat(statement.get("predicateType").asText()).isEqualTo(Statements.PREDICATE_TYPE);
        assertThat(statement.at("/predicate/scope/class").asText()).isEqualTo("self-attested");
        assertThat(statement.at("/predicate/scope/subjectEvaluated").asBoolean()).isFalse();
    }

    // --- the subliminal-audit statement ---

    @Test
    void aSubjectEvaluatedStatementNamesTheStudentAndItsScope() {
        JsonNode s = Fixtures.issuer().issue(Fixtures.sample(), key, NOW).statement();
        assertThat(s.get("predicateType").asText()).isEqualTo("https://traittrace.io/attestations/subliminal-audit/v1");
        assertThat(s.at("/subject/0/digest/sha256").asText()).isEqualTo(STUDENT.substring(7));
        JsonNode scope = s.at("/predicate/scope");
        assertThat(scope.get("class").asText()).isEqualTo("subject-evaluated");
        assertThat(scope.get("subjectEvaluated").asBoolean()).isTrue();
        assertThat(scope.get("loaded")).hasSize(4);
        assertThat(scope.at("/loaded/0/role").asText()).isEqualTo("student");
        assertThat(scope.at("/loaded/0/digest").asText()).isEqualTo(STUDENT);
        assertThat(s.at("/predicate/power/observedMde").asDouble()).isEqualTo(0.071);
        assertThat(s.at("/predicate/requestedFor").isMissingNode()).isTrue();
    }

    // --- the pipeline-check statement ---

    @Test
    void aPipelineCheckIsCertifiedUnderItsOwnTypeWithTheProbeSpecAsSubject() throws Exception {
        var issued = Fixtures.issuer().issue(Fixtures.canary(), key, NOW);
        JsonNode s = issued.statement();
        assertThat(s.get("predicateType").asText()).isEqualTo("https://traittrace.io/attestations/pipeline-check/v1");
        assertThat(s.at("/predicate/certificate/schema").asText()).isEqualTo("https://traittrace.io/schemas/pipeline-check-predicate/v1.json");
        assertThat(s.at("/subject/0/name").asText()).isEqualTo("traittrace-probe/canary@1");

        // The subject digest, recomputed by hand from the event: SHA-256 of the RFC 8785 JSON of {name, version, parameters, data}.
        JsonNode event = Fixtures.canaryJson();
        ObjectNode spec = Canonical.JSON.createObjectNode();
        spec.put("name", "canary").put("version", "1");
        spec.set("parameters", event.at("/result/parameters"));
        spec.set("data", event.at("/result/data"));
        String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Canonical.bytes(spec)));
        assertThat(s.at("/subject/0/digest/sha256").asText()).isEqualTo(expected).isNotEqualTo(STUDENT.substring(7));

        JsonNode p = s.get("predicate");
        assertThat(p.has("student")).isFalse();
        assertThat(p.get("requestedFor")).isEqualTo(Canonical.JSON.readTree(
                "{\"id\":\"student-owl\",\"name\":\"org/student-owl\",\"digest\":\"" + STUDENT + "\",\"evaluated\":false}"));
        assertThat(p.at("/scope/class").asText()).isEqualTo("pipeline-check");
        assertThat(p.at("/scope/subjectEvaluated").asBoolean()).isFalse();
        assertThat(p.at("/verdict/outcome").asText()).isEqualTo("NO_TRANSFER_DETECTED");
        assertThat(p.at("/power/observedMde").asDouble()).isEqualTo(0.209);
        assertThat(issued.statementBytes()).isEqualTo(Canonical.bytes(s));

        var result = verifier.verify(issued.bundle(), null, NOW.plusSeconds(60));
        assertThat(result.reasons()).isEmpty();
        assertThat(result.valid()).isTrue();
        // Never found under the student's digest.
        var asStudent = verifier.verify(issued.bundle(), STUDENT, NOW.plusSeconds(60));
        assertThat(asStudent.codes()).containsExactly("subject-digest-mismatch");
        assertThat(asStudent.reasons().get(0)).contains("pipeline check");
    }

    /** Re-signs an edited statement with the real key: the signature holds, so only the content checks can catch it. */
    private ObjectNode resigned(ObjectNode statement, Consumer<ObjectNode> edit) {
        ObjectNode copy = statement.deepCopy();
        edit.accept(copy);
        byte[] payload = Canonical.bytes(copy);
        return SigstoreBundle.of(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, key.keyid(), key.sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload)));
    }

    @Test
    void aPipelineCheckWhoseSpecDoesNotHashToItsSubjectFails() {
        ObjectNode statement = Fixtures.issuer().issue(Fixtures.canary(), key, NOW).statement();
        ObjectNode changedParameters = resigned(statement, s -> ((ObjectNode) s.at("/predicate/parameters")).put("epochs", 50));
        var r1 = verifier.verify(changedParameters, null, NOW);
        assertThat(r1.codes()).containsExactly("subject-spec-mismatch");
        ObjectNode changedData = resigned(statement, s -> ((ObjectNode) s.at("/predicate/data/0")).put("digest", "sha256:" + "0".repeat(64)));
        assertThat(verifier.verify(changedData, null, NOW).codes()).containsExactly("subject-spec-mismatch");
        ObjectNode changedSubject = resigned(statement, s -> ((ObjectNode) s.at("/subject/0/digest")).put("sha256", STUDENT.substring(7)));
        assertThat(verifier.verify(changedSubject, null, NOW).codes()).containsExactly("subject-spec-mismatch");
        ObjectNode unchanged = resigned(statement, s -> { });
        assertThat(verifier.verify(unchanged, null, NOW).valid()).isTrue();
    }

    @Test
    void aPipelineCheckPassedOffAsAnAuditOfTheStudentFails() {
        ObjectNode statement = Fixtures.issuer().issue(Fixtures.canary(), key, NOW).statement();
        ObjectNode asAudit = resigned(statement, s -> {
            s.put("predicateType", Statements.PREDICATE_TYPE);
            ((ObjectNode) s.at("/subject/0/digest")).put("sha256", STUDENT.substring(7));
        });
        assertThat(verifier.verify(asAudit, STUDENT, NOW).codes()).containsExactly("malformed-statement");
        ObjectNode wrongClass = resigned(statement, s -> ((ObjectNode) s.at("/predicate/scope")).put("class", "subject-evaluated"));
        assertThat(verifier.verify(wrongClass, null, NOW).codes()).containsExactly("malformed-statement");
    }

    // --- policy ---

    @Test
    void thePolicyAcceptsOnlyTheRequiredScopesAndVerdicts() {
        var audit = Fixtures.issuer().issue(Fixtures.sample(), key, NOW).bundle(); // subject-evaluated, TRANSFER_DETECTED
        var check = Fixtures.issuer().issue(Fixtures.canary(), key, NOW).bundle(); // pipeline-check, NO_TRANSFER_DETECTED
        VerificationPolicy registry = VerificationPolicy.parse(List.of("subject-evaluated"), List.of());

        var accepted = verifier.verify(audit, STUDENT, registry, NOW);
        assertThat(accepted.valid()).isTrue();
        assertThat(accepted.policy().satisfied()).isTrue();
        assertThat(accepted.accepted()).isTrue();

        var refused = verifier.verify(check, null, registry, NOW);
        assertThat(refused.valid()).isTrue();
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reasons()).isEmpty();
        assertThat(refused.policy().reasons()).singleElement().asString()
                .startsWith("policy-scope: the certificate's scope is pipeline-check; accepted: [subject-evaluated]");

        var verdict = verifier.verify(audit, null, VerificationPolicy.parse(List.of(), List.of("NO_TRANSFER_DETECTED,inconclusive")), NOW);
        assertThat(verdict.policy().satisfied()).isFalse();
        assertThat(verdict.policy().requireVerdict()).containsExactly("INCONCLUSIVE", "NO_TRANSFER_DETECTED");
        assertThat(verdict.policy().reasons()).singleElement().asString().startsWith("policy-verdict: the verdict is TRANSFER_DETECTED");
        assertThat(verifier.verify(audit, null, VerificationPolicy.parse(List.of("pipeline-check", "subject-evaluated"),
                List.of("TRANSFER_DETECTED")), NOW).accepted()).isTrue();

        // No policy: no policy field, as before.
        assertThat(verifier.verify(check, null, VerificationPolicy.NONE, NOW).policy()).isNull();
        // A certificate issued before scopes were stated never meets a scope requirement.
        ObjectNode legacy = resigned(Fixtures.issuer().issue(Fixtures.sample(), key, NOW).statement(),
                s -> ((ObjectNode) s.get("predicate")).remove("scope"));
        var old = verifier.verify(legacy, STUDENT, registry, NOW);
        assertThat(old.valid()).isTrue();
        assertThat(old.policy().reasons()).singleElement().asString().startsWith("policy-scope: the certificate's scope is not stated");
    }

    @Test
    void unknownPolicyValuesAreRefused() {
        assertThatThrownBy(() -> VerificationPolicy.parse(List.of("evaluated"), List.of())).hasMessageContaining("unknown scope 'evaluated'");
        assertThatThrownBy(() -> VerificationPolicy.parse(List.of(), List.of("SAFE"))).hasMessageContaining("unknown verdict 'SAFE'");
        assertThat(VerificationPolicy.parse(List.of(" subject-evaluated , self-attested", "pipeline-check"), List.of()).scopes())
                .isEqualTo(Set.of("subject-evaluated", "self-attested", "pipeline-check"));
    }
}
