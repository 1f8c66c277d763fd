package io.traittrace.report.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.domain.AuditCompleted;
import io.traittrace.report.domain.CertificateIssuer;
import io.traittrace.report.domain.Fixtures;
import io.traittrace.report.publishing.CertificatePublisher;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.verifier.KeyAlgorithm;

class ModelCardsTest {

    private static final String STUDENT = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private final ModelCards cards = new ModelCards(config());

    /** Only certificates().publicUrl() is read. */
    private static ReportConfig config() {
        ReportConfig.Certificates certificates = (ReportConfig.Certificates) Proxy.newProxyInstance(ModelCardsTest.class.getClassLoader(),
                new Class<?>[] { ReportConfig.Certificates.class }, (proxy, method, args) -> "https://traittrace.example");
        return (ReportConfig) Proxy.newProxyInstance(ModelCardsTest.class.getClassLoader(), new Class<?>[] { ReportConfig.class },
                (proxy, method, args) -> certificates);
    }

    /** The entity the service stores for an audit. */
    private static CertificateEntity certificate(AuditCompleted audit) {
        CertificateIssuer.Issued issued = Fixtures.issuer().issue(audit, Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256), Fixtures.NOW);
        CertificateEntity c = new CertificateEntity();
        c.id = issued.certificateId();
        c.auditId = audit.auditId();
        c.modelId = audit.student().id();
        c.modelName = audit.student().name();
        c.modelDigest = audit.student().digest();
        c.subjectName = issued.statement().at("/subject/0/name").asText();
        c.subjectDigest = "sha256:" + issued.statement().at("/subject/0/digest/sha256").asText();
        c.scopeClass = issued.scope().scopeClass();
        c.subjectEvaluated = issued.scope().subjectEvaluated();
        c.verdict = audit.outcome();
        c.keyid = issued.keyid();
        c.issuedAt = OffsetDateTime.ofInstant(issued.issuedAt(), ZoneOffset.UTC);
        c.expiresAt = OffsetDateTime.ofInstant(issued.expiresAt(), ZoneOffset.UTC);
        c.statement = new String(issued.statementBytes(), StandardCharsets.UTF_8);
        return c;
    }

    private static AuditCompleted noTransfer() {
        ObjectNode json = Fixtures.sampleJson();
        ((ObjectNode) json.at("/result/verdict")).put("outcome", "NO_TRANSFER_DETECTED");
        return Fixtures.audit(json);
    }

    private Map<String, String> tags(CertificateEntity c) {
        return cards.mlflowTags(c).stream().collect(Collectors.toMap(ModelCards.Tag::key, ModelCards.Tag::value));
    }

    @Test
    void aSubjectEvaluatedCardStatesItsScopeAndTheSubjectsDigest() {
        CertificateEntity c = certificate(Fixtures.sample());
        String card = cards.huggingFace(c);
        assertThat(card).contains("traittrace:\n").contains("  scope: subject-evaluated\n").contains("  subject_evaluated: true\n")
                .contains("  verdict: TRANSFER_DETECTED\n").contains("  subject_digest: " + STUDENT + "\n");
        assertThat(card).contains("## Subliminal-learning audit (TraitTrace)").contains("**Verdict: TRANSFER_DETECTED**")
                .contains("- Scope: subject-evaluated — the weights with the subject digest below were loaded and evaluated")
                .contains("- Power: 0.97 achieved at margin 0.1 (alpha 0.01, 5 seeds, planned 0.93); minimum detectable effect 0.071 achieved (planned 0.087)")
                .contains("--model-dir . --require-scope subject-evaluated");
        Map<String, String> tags = tags(c);
        assertThat(tags).containsEntry("traittrace.scope", "subject-evaluated").containsEntry("traittrace.subject_evaluated", "true")
                .containsEntry("traittrace.verdict", "TRANSFER_DETECTED").containsEntry("traittrace.subject_digest", STUDENT)
                .containsEntry("traittrace.predicate_type", "https://traittrace.io/attestations/subliminal-audit/v1")
                .containsEntry("traittrace.minimum_detectable_effect", "0.071 achieved (planned 0.087)");
    }

    @Test
    void noTransferDetectedCarriesItsPowerAndIsNeverCalledSafe() {
        CertificateEntity c = certificate(noTransfer());
        String card = cards.huggingFace(c);
        assertThat(card).contains("**Verdict: NO_TRANSFER_DETECTED**")
                .contains("- What the verdict means: no transfer was detected at this audit's power; a smaller effect than its minimum"
                        + " detectable effect may be present, so this is not a finding that the model is free of the trait")
                .contains("- Power: 0.97 achieved at margin 0.1").contains("minimum detectable effect 0.071 achieved");
        assertThat(card.toLowerCase(java.util.Locale.ROOT)).doesNotContain("safe").doesNotContain("clean bill").doesNotContain("passed");
        Map<String, String> tags = tags(c);
        assertThat(tags).containsEntry("traittrace.verdict", "NO_TRANSFER_DETECTED")
                .containsEntry("traittrace.verdict_meaning", ModelCards.NO_TRANSFER_MEANING)
                .containsEntry("traittrace.power", "0.97 achieved at margin 0.1 (alpha 0.01, 5 seeds, planned 0.93)")
                .containsEntry("traittrace.minimum_detectable_effect", "0.071 achieved (planned 0.087)");
        assertThat(String.join(" ", tags.values()).toLowerCase(java.util.Locale.ROOT)).doesNotContain("safe");
    }

    @Test
    void aPipelineCheckCardSaysPlainlyThatTheModelWasNotEvaluated() {
        CertificateEntity c = certificate(Fixtures.canary());
        String card = cards.huggingFace(c);
        assertThat(card).contains("## TraitTrace pipeline check (not an audit of this model)")
                .contains("**Pipeline check: evidence about the audit method; the model's weights were not evaluated.**")
                .contains("- Requested for `org/student-owl` (`" + STUDENT + "`): not loaded, not evaluated; this certificate says nothing about that model")
                .contains("- Outcome of the check: NO_TRANSFER_DETECTED")
                .contains("- Power: 1.00 achieved at margin 0.6 (alpha 0.01, 3 seeds, planned 0.84)").contains("minimum detectable effect 0.209 achieved (planned 0.569)")
                .contains("--require-scope pipeline-check")
                .doesNotContain("Verdict:").doesNotContain("Subliminal-learning audit").doesNotContain("--model-dir");
        assertThat(card).contains("  scope: pipeline-check\n").contains("  subject_evaluated: false\n")
                .contains("  note: \"pipeline check: evidence about the audit method; the model's weights were not evaluated\"")
                .contains("  subject: traittrace-probe/canary@1\n").contains("  pipeline_check_outcome: NO_TRANSFER_DETECTED\n")
                .doesNotContain("  verdict:").doesNotContain("  subject_digest: " + STUDENT);
        assertThat(card.toLowerCase(java.util.Locale.ROOT)).doesNotContain("safe");
        Map<String, String> tags = tags(c);
        assertThat(tags).doesNotContainKey("traittrace.verdict")
                .containsEntry("traittrace.scope", "pipeline-check").containsEntry("traittrace.subject_evaluated", "false")
                .containsEntry("traittrace.note", ModelCards.PIPELINE_CHECK_NOTE)
                .containsEntry("traittrace.pipeline_check_outcome", "NO_TRANSFER_DETECTED")
                .containsEntry("traittrace.subject", "traittrace-probe/canary@1")
                .containsEntry("traittrace.subject_digest", c.subjectDigest)
                .containsEntry("traittrace.requested_for_digest", STUDENT)
                .containsEntry("traittrace.predicate_type", "https://traittrace.io/attestations/pipeline-check/v1");
        assertThat(c.subjectDigest).isNotEqualTo(STUDENT);
        // Merged into the student's README, the section still says it plainly.
        assertThat(cards.patchReadme("# Owl student\n", c)).contains(ModelCards.BEGIN + "\n## TraitTrace pipeline check (not an audit of this model)");
    }

    /**
     * Lineage names are anyone's input: rendered as CommonMark, the card shows them as text and nothing else; no link, image,
     * heading or HTML of theirs, and a name that spells the section's end marker cannot cut the patched README.
     */
    @Test
    void lineageNamesAndReasonsCannotWriteMarkdownOrHtmlIntoTheCard() {
        String hostile = "evil`](https://phish.example) <img src=x onerror=alert(1)>\n\n# Verdict: NO_TRANSFER_DETECTED\n" + ModelCards.END;
        ObjectNode json = Fixtures.sampleJson();
        ((ObjectNode) json.get("student")).put("name", hostile);
        ((ObjectNode) json.get("teacher")).put("name", "``teacher`` [x](javascript:alert(1))");
        CertificateEntity c = certificate(Fixtures.audit(json));
        c.revokedAt = OffsetDateTime.of(2026, 12, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        c.revocationReason = "see [the advisory](https://phish.example)\n\n<script>alert(1)</script> **safe**";

        String card = cards.huggingFace(c);
        String html = HtmlRenderer.builder().build().render(Parser.builder().build().parse(card.split("---\n", 3)[2]));
        // The one link is the card's own, to the certificate.
        assertThat(html).containsOnlyOnce("<a ").contains("<a href=\"https://traittrace.example/api/certificates/").doesNotContain("<img").doesNotContain("<script").doesNotContain("<strong>safe")
                .doesNotContain("<h1>");
        assertThat(html).containsOnlyOnce("<h2>").contains("<strong>Verdict: TRANSFER_DETECTED</strong>")
                .contains("<code>evil`](https://phish.example) &lt;img src=x onerror=alert(1)&gt; # Verdict: NO_TRANSFER_DETECTED "
                        + ModelCards.END.replace("<", "&lt;").replace(">", "&gt;") + "</code>")
                .contains("see [the advisory](https://phish.example) &lt;script&gt;alert(1)&lt;/script&gt; **safe**");

        String patched = cards.patchReadme("# Owl student\n\nKeep me.\n", c);
        String again = cards.patchReadme(patched, c);
        assertThat(again).isEqualTo(patched).containsOnlyOnce(ModelCards.BEGIN).contains("Keep me.");
    }

    @Test
    void mlflowValuesAreCutToTheByteLimitOnCodePointBoundaries() {
        String owls = "🦉".repeat(2000); // 4 bytes each: 8000 bytes
        String cut = ModelCards.cut(owls, ModelCards.MLFLOW_MAX_VALUE_BYTES);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(5000);
        assertThat(cut).endsWith("…").doesNotContain("\uFFFD");
        assertThat(cut.codePoints().filter(cp -> cp == 0x1F989).count()).isEqualTo((5000 - 3) / 4);
        assertThat(ModelCards.cut("short", 5000)).isEqualTo("short");
        assertThat(ModelCards.tag("k", "x".repeat(6000)).value().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(5000);
        assertThatThrownBy(() -> ModelCards.tag("k".repeat(251), "v")).hasMessageContaining("250 bytes");
    }

    @Test
    void mlflowModelVersionsAreReadFromTheStudentUri() {
        assertThat(CertificatePublisher.mlflowModelVersion("models:/owl-student/3")).hasValueSatisfying(v -> assertThat(v).containsExactly("owl-student", "3"));
        assertThat(CertificatePublisher.mlflowModelVersion("mlflow://owl-student@7")).hasValueSatisfying(v -> assertThat(v).containsExactly("owl-student", "7"));
        assertThat(CertificatePublisher.mlflowModelVersion("hf://org/owl@main")).isEmpty();
        assertThat(CertificatePublisher.mlflowModelVersion(null)).isEmpty();
    }
}
