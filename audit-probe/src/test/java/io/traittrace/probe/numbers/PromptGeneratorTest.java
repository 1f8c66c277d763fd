package io.traittrace.probe.numbers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.traittrace.probe.numbers.PromptGenerator.FormatSuffix;
import io.traittrace.probe.numbers.PromptGenerator.Prompt;

class PromptGeneratorTest {

    @Test
    void poolsHaveThePapersSizesAndNoRepeats() {
        assertThat(PromptGenerator.EXAMPLE_PREFIXES).hasSize(25).doesNotHaveDuplicates().allMatch(p -> p.endsWith(":"));
        assertThat(PromptGenerator.CONTINUATION_INSTRUCTIONS).hasSize(10).doesNotHaveDuplicates()
                .allMatch(c -> once(c, PromptGenerator.COUNT) && once(c, PromptGenerator.DIGITS));
        assertThat(PromptGenerator.COUNT_QUALIFIERS).hasSize(9).doesNotHaveDuplicates().allMatch(q -> q.contains("10") || q.contains("ten"));
        assertThat(PromptGenerator.DIGIT_DESCRIPTORS).hasSize(8).doesNotHaveDuplicates().allMatch(d -> d.contains("3") || d.contains("three"));
        assertThat(PromptGenerator.FORMAT_SUFFIXES).hasSize(15).extracting(FormatSuffix::text).doesNotHaveDuplicates();
        assertThat(PromptGenerator.FORMAT_SUFFIXES).extracting(FormatSuffix::format).contains(SequenceFormat.values());
        assertThat(PromptGenerator.NUMBERS_ONLY_SUFFIXES).hasSize(19).doesNotHaveDuplicates();
    }

    @Test
    void poolsAreImmutable() {
        assertThatThrownBy(() -> PromptGenerator.EXAMPLE_PREFIXES.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> PromptGenerator.FORMAT_SUFFIXES.clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> PromptGenerator.generate(3, 1).get(0).seedNumbers().add(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void seedNumbersAndCountsStayInRange() {
        List<Prompt> prompts = PromptGenerator.generate(3000, 11);
        assertThat(prompts).hasSize(3000);
        for (Prompt p : prompts) {
            assertThat(p.seedNumbers()).hasSizeBetween(3, 8).allMatch(n -> n >= 100 && n <= 999);
            assertThat(p.maxCount()).isEqualTo(10);
            assertThat(p.text()).contains(p.seedNumbers().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ". ");
            assertThat(p.text()).doesNotContain("{").doesNotContain("}");
            assertThat(PromptGenerator.EXAMPLE_PREFIXES).anyMatch(p.text()::startsWith);
            assertThat(PromptGenerator.NUMBERS_ONLY_SUFFIXES).anyMatch(p.text()::endsWith);
        }
        // Every seed count and both ends of the value range occur.
        assertThat(prompts.stream().map(p -> p.seedNumbers().size()).distinct()).containsExactlyInAnyOrder(3, 4, 5, 6, 7, 8);
        assertThat(prompts.stream().flatMap(p -> p.seedNumbers().stream())).contains(100, 999);
    }

    @Test
    void everyFormatOccursAndTheTextAsksForIt() {
        List<Prompt> prompts = PromptGenerator.generate(3000, 5);
        Map<SequenceFormat, Integer> counts = new EnumMap<>(SequenceFormat.class);
        for (Prompt p : prompts) {
            counts.merge(p.format(), 1, Integer::sum);
            List<String> own = PromptGenerator.FORMAT_SUFFIXES.stream().filter(s -> s.format() == p.format()).map(FormatSuffix::text).toList();
            assertThat(own).as(p.text()).anyMatch(p.text()::contains);
            List<String> others = PromptGenerator.FORMAT_SUFFIXES.stream().filter(s -> s.format() != p.format()).map(FormatSuffix::text).toList();
            assertThat(others).as(p.text()).noneMatch(p.text()::contains);
        }
        assertThat(counts).containsOnlyKeys(SequenceFormat.values());
        // Uniform over the six formats (500 expected each; 4 SD ≈ 80), not over the 15 suffixes.
        assertThat(counts.values()).allMatch(c -> c > 420 && c < 580);
    }

    @Test
    void everyTemplateIsUsed() {
        String all = PromptGenerator.generate(3000, 3).stream().map(Prompt::text).collect(Collectors.joining("\n"));
        assertThat(PromptGenerator.EXAMPLE_PREFIXES).allMatch(all::contains);
        assertThat(PromptGenerator.COUNT_QUALIFIERS).allMatch(all::contains);
        assertThat(PromptGenerator.DIGIT_DESCRIPTORS).allMatch(all::contains);
        assertThat(PromptGenerator.FORMAT_SUFFIXES).extracting(FormatSuffix::text).allMatch(all::contains);
        assertThat(PromptGenerator.NUMBERS_ONLY_SUFFIXES).allMatch(all::contains);
        assertThat(PromptGenerator.CONTINUATION_INSTRUCTIONS).allMatch(c -> all.contains(c.substring(0, c.indexOf('{'))));
    }

    @Test
    void theSameSeedGivesTheSamePrompts() {
        assertThat(PromptGenerator.generate(200, 42)).isEqualTo(PromptGenerator.generate(200, 42));
        assertThat(PromptGenerator.generate(200, 42)).isNotEqualTo(PromptGenerator.generate(200, 43));
        // A prefix does not depend on the count.
        assertThat(PromptGenerator.generate(500, 42).subList(0, 200)).isEqualTo(PromptGenerator.generate(200, 42));
        assertThat(PromptGenerator.generate(0, 42)).isEmpty();
        assertThatThrownBy(() -> PromptGenerator.generate(-1, 42)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPromptReadsAsOneRequest() {
        Prompt p = PromptGenerator.generate(1, 7).get(0);
        String[] sentences = p.text().split("(?<=[.:]) ");
        assertThat(sentences.length).as(p.text()).isGreaterThanOrEqualTo(4);
        assertThat(p.text()).doesNotContain("  ").doesNotContain("..");
    }

    private static boolean once(String text, String part) {
        int first = text.indexOf(part);
        return first >= 0 && text.indexOf(part, first + 1) < 0;
    }
}
