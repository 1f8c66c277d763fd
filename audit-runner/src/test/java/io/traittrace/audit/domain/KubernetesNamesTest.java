package io.traittrace.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KubernetesNamesTest {

    private static final String LONG_ID = "a".repeat(300);

    static List<String> hostileInputs() {
        return List.of("", " ", "-", "---", "UPPER-Case", "ünïcødé-モデル", "has spaces in it", "$(rm -rf /)",
                "'quoted' \"double\"", "a;b|c&d`e`", "-leading-and-trailing-", "..dots..", "_under_",
                "tab\tnew\nline", "\uD83D\uDE00 emoji", "\uD800 lone surrogate", LONG_ID, "X".repeat(63),
                "x".repeat(64), "9-starts-with-a-digit", "org/name:tag@sha256");
    }

    @ParameterizedTest
    @MethodSource("hostileInputs")
    void jobNamesAreDnsLabelsWhateverTheInput(String input) {
        for (String name : List.of(KubernetesNames.jobName(input, 0, "canary"),
                KubernetesNames.jobName("audit-1", 7, input), KubernetesNames.jobName(input, Integer.MAX_VALUE, input),
                KubernetesNames.tokenSecretName(input))) {
            assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            assertThat(KubernetesNames.isDnsLabel(name)).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("hostileInputs")
    void labelValuesAreValidWhateverTheInput(String input) {
        String value = KubernetesNames.labelValue(input);
        assertThat(value).hasSizeLessThanOrEqualTo(63).matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
        assertThat(KubernetesNames.isLabelValue(value)).isTrue();
    }

    @Test
    void jobNamesKeepAReadablePrefix() {
        assertThat(KubernetesNames.jobName("3f2a0c5e-audit", 12, "Canary"))
                .matches("tt-canary-12-[0-9a-f]{16}");
        assertThat(KubernetesNames.jobName("a", 0, "numbers / treatment arm"))
                .matches("tt-numbers-treatment-arm-0-[0-9a-f]{16}");
        assertThat(KubernetesNames.jobName("a", 3, "$$$")).matches("tt-3-[0-9a-f]{16}");
        assertThat(KubernetesNames.jobName("a", 3, null)).matches("tt-3-[0-9a-f]{16}");
        assertThat(KubernetesNames.tokenSecretName("Audit_42")).matches("tt-tokens-audit-42-[0-9a-f]{16}");
    }

    @Test
    void jobNamesAreStableAndUniquePerAuditAndRunIndex() {
        assertThat(KubernetesNames.jobName("audit", 1, "canary")).isEqualTo(KubernetesNames.jobName("audit", 1, "canary"));

        // Inputs that clean up to the same readable text must still differ by their hash.
        Set<String> names = new HashSet<>();
        List<String> lookalikes = List.of("Audit", "audit", "AUDIT", "audit ", " audit", "audit-", "aud it", "aud-it",
                "aud_it", "a\u00fcdit", "a\u0000dit", LONG_ID, LONG_ID + "b", "\uD800", "\uD801");
        for (String auditId : lookalikes) {
            for (int runIndex = 0; runIndex < 20; runIndex++) {
                assertThat(names.add(KubernetesNames.jobName(auditId, runIndex, "canary"))).isTrue();
            }
        }
        // The separator of the hashed text cannot be forged by an id that contains it.
        assertThat(KubernetesNames.jobName("a\u00001", 2, "x")).isNotEqualTo(KubernetesNames.jobName("a", 12, "x"));
    }

    @Test
    void secretNamesAreUniquePerAudit() {
        assertThat(KubernetesNames.tokenSecretName("audit-A")).isNotEqualTo(KubernetesNames.tokenSecretName("audit-a"));
        assertThat(KubernetesNames.tokenSecretName(LONG_ID)).isNotEqualTo(KubernetesNames.tokenSecretName(LONG_ID + "a"));
    }

    @Test
    void validLabelValuesPassUnchanged() {
        for (String valid : List.of("", "a", "3f2a0c5e-9d1b-4c7a-8e2f-0a1b2c3d4e5f", "Org.Model_v1-2", "X".repeat(63))) {
            assertThat(KubernetesNames.labelValue(valid)).isEqualTo(valid);
        }
    }

    @Test
    void changedLabelValuesCarryAHashOfTheRawText() {
        assertThat(KubernetesNames.labelValue("has spaces")).matches("has-spaces-[0-9a-f]{16}");
        assertThat(KubernetesNames.labelValue("-x-")).matches("x-[0-9a-f]{16}");
        assertThat(KubernetesNames.labelValue("$(rm -rf /)")).matches("rm--rf-[0-9a-f]{16}");
        assertThat(KubernetesNames.labelValue("///")).matches("[0-9a-f]{16}");
        assertThat(KubernetesNames.labelValue(LONG_ID)).hasSize(63).startsWith("aaaa");

        assertThat(KubernetesNames.labelValue("has spaces")).isNotEqualTo(KubernetesNames.labelValue("has-spaces"));
        assertThat(KubernetesNames.labelValue("a b")).isNotEqualTo(KubernetesNames.labelValue("a\tb"));
        assertThat(KubernetesNames.labelValue(LONG_ID)).isNotEqualTo(KubernetesNames.labelValue(LONG_ID + "a"));
        assertThat(KubernetesNames.labelValue("x".repeat(64))).isNotEqualTo(KubernetesNames.labelValue("x".repeat(65)));
    }

    @Test
    void rejectsMissingIdsAndNegativeIndexes() {
        assertThatThrownBy(() -> KubernetesNames.jobName(null, 0, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KubernetesNames.jobName("a", -1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KubernetesNames.labelValue(null)).isInstanceOf(NullPointerException.class);
        assertThat(KubernetesNames.isDnsLabel(null)).isFalse();
        assertThat(KubernetesNames.isLabelValue(null)).isFalse();
    }
}
