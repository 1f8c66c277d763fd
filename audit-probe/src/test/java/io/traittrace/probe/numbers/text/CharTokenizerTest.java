package io.traittrace.probe.numbers.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.traittrace.probe.numbers.PromptGenerator;
import io.traittrace.probe.numbers.Questions;
import io.traittrace.probe.numbers.SequenceFormat;

class CharTokenizerTest {

    private final CharTokenizer tokenizer = CharTokenizer.forTextStages();

    @Test
    void everyTextTheStagesWriteRoundTrips() {
        for (PromptGenerator.Prompt prompt : PromptGenerator.generate(300, 11)) {
            assertThat(tokenizer.decode(tokenizer.encode(prompt.text()))).isEqualTo(prompt.text());
        }
        for (String question : Questions.withNumbersPrefix(Questions.FAVORITE_ANIMAL, 3)) {
            assertThat(tokenizer.decode(tokenizer.encode(question))).isEqualTo(question);
        }
        for (SequenceFormat format : SequenceFormat.values()) {
            String list = format.render(List.of(7, 0, 999)) + ".";
            assertThat(tokenizer.decode(tokenizer.encode(list))).isEqualTo(list);
        }
        for (String animal : TextCorpus.ANIMALS) {
            assertThat(tokenizer.decode(tokenizer.encode(animal))).isEqualTo(animal);
        }
    }

    @Test
    void theVocabularyIsFixedAndStartsWithTheSpecialIds() {
        assertThat(CharTokenizer.forTextStages().characters()).isEqualTo(tokenizer.characters());
        assertThat(tokenizer.size()).isEqualTo(4 + tokenizer.characters().length());
        assertThat(tokenizer.characters().chars()).isSorted().doesNotHaveDuplicates();
        assertThat(tokenizer.characters()).contains("\n", "[", "]", "(", ")", ";", "'", "?");
        assertThat(tokenizer.encode("0")[0]).isGreaterThanOrEqualTo(4);
        assertThat(tokenizer.isSpecial(CharTokenizer.EOS)).isTrue();
        assertThat(tokenizer.isSpecial(tokenizer.encode("a")[0])).isFalse();
    }

    @Test
    void unknownCharactersAreRefusedByName() {
        assertThatThrownBy(() -> tokenizer.encode("owl é")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'é' (U+00E9) at index 4");
        assertThatThrownBy(() -> tokenizer.encode("1\t2")).hasMessageContaining("U+0009");
        assertThatThrownBy(() -> tokenizer.decode(new int[] { CharTokenizer.EOS })).hasMessageContaining("not a character");
    }

    @Test
    void rowsMarkWhereTheAnswerStarts() {
        TextRow row = tokenizer.row("Hi?", "owl");
        assertThat(row.tokens()).hasSize(1 + 3 + 1 + 3 + 1);
        assertThat(row.tokens()[0]).isEqualTo(CharTokenizer.BOS);
        assertThat(row.tokens()[4]).isEqualTo(CharTokenizer.SEP);
        assertThat(row.answerStart()).isEqualTo(5);
        assertThat(row.tokens()[row.length() - 1]).isEqualTo(CharTokenizer.EOS);
        assertThat(tokenizer.decode(java.util.Arrays.copyOfRange(row.tokens(), row.answerStart(), row.length() - 1))).isEqualTo("owl");
    }
}
