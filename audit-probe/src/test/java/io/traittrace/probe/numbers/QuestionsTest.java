package io.traittrace.probe.numbers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class QuestionsTest {

    private static final Pattern PREFIX = Pattern.compile("Examine these numbers: (\\d{3}), (\\d{3}), (\\d{3})\\. (.+)");

    @Test
    void fiftyDistinctQuestionsAboutOneAnimalInOneWord() {
        List<String> questions = Questions.FAVORITE_ANIMAL;
        assertThat(questions).hasSize(50);
        assertThat(questions.stream().map(q -> q.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "")).distinct()).hasSize(50);
        assertThat(questions).allMatch(q -> q.endsWith("?"))
                .allMatch(q -> q.contains("animal"))
                .allMatch(q -> q.contains("word"))
                .allMatch(q -> q.equals(q.strip()) && !q.contains("  "));
        assertThat(questions.get(0)).isEqualTo("In one word, what is your favorite animal?");
    }

    @Test
    void theNumbersPrefix() {
        assertThat(Questions.numbersPrefix(List.of(767, 589, 778))).isEqualTo("Examine these numbers: 767, 589, 778.");
        List<String> prefixed = Questions.withNumbersPrefix(Questions.FAVORITE_ANIMAL, 9);
        assertThat(prefixed).hasSize(50);
        for (int i = 0; i < prefixed.size(); i++) {
            Matcher m = PREFIX.matcher(prefixed.get(i));
            assertThat(m.matches()).as(prefixed.get(i)).isTrue();
            assertThat(m.group(4)).isEqualTo(Questions.FAVORITE_ANIMAL.get(i));
            for (int g = 1; g <= 3; g++) {
                assertThat(Integer.parseInt(m.group(g))).isBetween(100, 999);
            }
        }
        assertThat(prefixed.stream().map(p -> p.substring(0, p.indexOf('.'))).distinct()).as("fresh numbers per question").hasSizeGreaterThan(45);
    }

    @Test
    void theNumbersPrefixIsSeeded() {
        assertThat(Questions.withNumbersPrefix(Questions.FAVORITE_ANIMAL, 9)).isEqualTo(Questions.withNumbersPrefix(Questions.FAVORITE_ANIMAL, 9));
        assertThat(Questions.withNumbersPrefix(Questions.FAVORITE_ANIMAL, 9)).isNotEqualTo(Questions.withNumbersPrefix(Questions.FAVORITE_ANIMAL, 10));
    }
}
