package io.traittrace.report.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.traittrace.report.publishing.CertificatePublisher;

class ModelCardsTest {

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
