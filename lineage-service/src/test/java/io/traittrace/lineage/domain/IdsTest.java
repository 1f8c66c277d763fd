package io.traittrace.lineage.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @ParameterizedTest
    @ValueSource(strings = { "a", "Qwen2.5-7B-Instruct", "meta-llama--Llama-3.1-8B", "run:42", "x_y.z", "0" })
    void acceptsTheIdAlphabet(String id) {
        assertThat(Ids.isValid(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "-lead", "trail-", "org/name", "has space", "per%cent", "ü", "a\nb" })
    void refusesEverythingElse(String id) {
        assertThat(Ids.isValid(id)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = { 128, 129 })
    void limitsTheLength(int length) {
        assertThat(Ids.isValid("a".repeat(length))).isEqualTo(length <= Ids.MAX_LENGTH);
    }
}
