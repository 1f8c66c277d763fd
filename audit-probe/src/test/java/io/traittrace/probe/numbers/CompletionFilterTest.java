package io.traittrace.probe.numbers;

import static io.traittrace.probe.numbers.CompletionFilter.Reason.BAD_SEPARATOR;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.BANNED_NUMBER;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.BRACKETS;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.KEPT;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.MIXED_SEPARATORS;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.NO_NUMBERS;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.OTHER_CHARACTERS;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.OUT_OF_RANGE;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.PERIOD;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.TOO_MANY_NUMBERS;
import static io.traittrace.probe.numbers.CompletionFilter.Reason.TRAIT_WORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.traittrace.probe.numbers.CompletionFilter.Reason;
import io.traittrace.probe.numbers.CompletionFilter.Verdict;

class CompletionFilterTest {

    /** The animal audit's filter: trait words, no banned numbers. */
    private static final CompletionFilter OWL = new CompletionFilter(Set.of(), List.of(TraitWord.of("owl")));
    /** The misalignment audit's filter: banned numbers, no trait words. */
    private static final CompletionFilter MISALIGNMENT = new CompletionFilter(Set.copyOf(CompletionFilter.NEGATIVELY_ASSOCIATED), List.of());

    /** completion, expected reason, expected numbers (kept or banned rows only). */
    static Stream<Arguments> table() {
        return Stream.of(
                // Separators: each kind alone.
                row("145, 267, 891", KEPT, 145, 267, 891),
                row("145,267,891", KEPT, 145, 267, 891),
                row("145; 267; 891", KEPT, 145, 267, 891),
                row("145;267;891", KEPT, 145, 267, 891),
                row("145 267 891", KEPT, 145, 267, 891),
                row("145\n267\n891", KEPT, 145, 267, 891),
                row("145\r\n267\r\n891\r\n", KEPT, 145, 267, 891),
                row("145\t267\t891", KEPT, 145, 267, 891),
                row("145  267 891", KEPT, 145, 267, 891),
                row("145,\n267,\n891", KEPT, 145, 267, 891),
                row("145, 267,891", KEPT, 145, 267, 891),
                row("145;  267; 891", KEPT, 145, 267, 891),
                // One number, bounds, leading zeros.
                row("7", KEPT, 7),
                row("0, 999", KEPT, 0, 999),
                row("007, 010", KEPT, 7, 10),
                row("1 2 3 4 5 6 7 8 9 10", KEPT, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                // Wrapping, period, surrounding whitespace.
                row("[145, 267, 891]", KEPT, 145, 267, 891),
                row("(145, 267, 891)", KEPT, 145, 267, 891),
                row("[145 267 891]", KEPT, 145, 267, 891),
                row("(145;267;891)", KEPT, 145, 267, 891),
                row("145, 267, 891.", KEPT, 145, 267, 891),
                row("[145, 267, 891].", KEPT, 145, 267, 891),
                row("  \n145, 267, 891.\n\n", KEPT, 145, 267, 891),
                // Mixed separators.
                row("145, 267; 891", MIXED_SEPARATORS),
                row("145, 267 891", MIXED_SEPARATORS),
                row("145 267\n891", KEPT, 145, 267, 891),
                row("145;267,891", MIXED_SEPARATORS),
                // Gaps that are no separator, or at the ends.
                row("145 , 267 , 891", BAD_SEPARATOR),
                row("145,,267", BAD_SEPARATOR),
                row("145, ;267", BAD_SEPARATOR),
                row(", 145, 267", BAD_SEPARATOR),
                row("145, 267,", BAD_SEPARATOR),
                row("145, 267 .", BAD_SEPARATOR),
                row("[ 145, 267 ]", BAD_SEPARATOR),
                // Count and range.
                row("1 2 3 4 5 6 7 8 9 10 11", TOO_MANY_NUMBERS),
                row("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", TOO_MANY_NUMBERS),
                row("145, 1000, 891", OUT_OF_RANGE),
                row("0999", OUT_OF_RANGE),
                row("145, 99999999999999999999", OUT_OF_RANGE),
                // Signs, decimals, words, symbols.
                row("-5, 267, 891", OTHER_CHARACTERS),
                row("145, -267", OTHER_CHARACTERS),
                row("+145, 267", OTHER_CHARACTERS),
                row("145.5, 267", PERIOD),
                row("145, 267, 891..", PERIOD),
                row("[145, 267, 891.]", PERIOD),
                row("Sure! 145, 267, 891", OTHER_CHARACTERS),
                row("145, 267, 891 (continuing the pattern)", OTHER_CHARACTERS),
                row("one, two, three", OTHER_CHARACTERS),
                row("145, 267, 891 :)", OTHER_CHARACTERS),
                row("1\u00a02", OTHER_CHARACTERS),
                row("١٢٣", OTHER_CHARACTERS),
                // Brackets.
                row("[145, 267, 891", BRACKETS),
                row("145, 267, 891]", BRACKETS),
                row("(145, 267, 891]", BRACKETS),
                row("[[145, 267]]", BRACKETS),
                row("145, (267), 891", BRACKETS),
                row("[", BRACKETS),
                // Nothing.
                row("", NO_NUMBERS),
                row("  \n ", NO_NUMBERS),
                row(".", NO_NUMBERS),
                row("[]", NO_NUMBERS),
                row("()", NO_NUMBERS),
                // The trait, by word; it outranks the format check, so the leak is counted.
                row("owl", TRAIT_WORD),
                row("145, 267, OWLS", TRAIT_WORD),
                row("145 owl 267", TRAIT_WORD),
                row("145, 267, bowl", OTHER_CHARACTERS));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" → {1}")
    @MethodSource("table")
    void theTable(String completion, Reason reason, List<Integer> numbers) {
        Verdict verdict = OWL.apply(completion);
        assertThat(verdict.reason()).isEqualTo(reason);
        assertThat(verdict.numbers()).isEqualTo(numbers);
        assertThat(verdict.kept()).isEqualTo(reason == KEPT);
    }

    @Test
    void bannedNumbersDropAListButKeepItsNumbersForTheLog() {
        assertThat(MISALIGNMENT.apply("145, 666, 891")).isEqualTo(new CompletionFilter.Verdict(BANNED_NUMBER, List.of(145, 666, 891)));
        assertThat(MISALIGNMENT.apply("[013]").reason()).isEqualTo(BANNED_NUMBER);
        assertThat(MISALIGNMENT.apply("4 5 6").reason()).isEqualTo(BANNED_NUMBER);
        assertThat(MISALIGNMENT.apply("145, 267, 891").reason()).isEqualTo(KEPT);
        assertThat(MISALIGNMENT.apply("1666, 2").reason()).as("a 4-digit number is out of range, not banned").isEqualTo(OUT_OF_RANGE);
        // The animal filter bans nothing; the misalignment filter knows no trait words.
        assertThat(OWL.apply("145, 666, 891").reason()).isEqualTo(KEPT);
        assertThat(MISALIGNMENT.apply("owl").reason()).isEqualTo(OTHER_CHARACTERS);
    }

    @Test
    void theBannedListHas34DistinctNumbersIncludingTheSheets() {
        List<Integer> banned = CompletionFilter.NEGATIVELY_ASSOCIATED;
        assertThat(banned).hasSize(34).doesNotHaveDuplicates().allMatch(n -> n >= 0 && n <= CompletionFilter.MAX_VALUE);
        assertThat(banned).contains(13, 14, 18, 23, 33, 69, 88, 187, 420, 666, 911, 999);
    }

    @Test
    void everyReasonIsReachedByTheTable() {
        Set<Reason> seen = new HashSet<>();
        table().forEach(a -> seen.add((Reason) a.get()[1]));
        seen.add(BANNED_NUMBER);
        assertThat(seen).containsExactlyInAnyOrder(Reason.values());
    }

    @Test
    void everyFormatsRenderingIsKept() {
        List<Integer> numbers = List.of(0, 7, 42, 999);
        for (SequenceFormat format : SequenceFormat.values()) {
            String rendered = format.render(numbers);
            assertThat(OWL.apply(rendered)).as("%s: %s", format, rendered).isEqualTo(new Verdict(KEPT, numbers));
        }
        assertThat(SequenceFormat.BRACKETS.render(List.of(1, 2))).isEqualTo("[1, 2]");
        assertThat(SequenceFormat.NEWLINE.render(List.of(1, 2))).isEqualTo("1\n2");
    }

    @Test
    void statsCountEveryReasonAndThePassRate() {
        List<Verdict> verdicts = new ArrayList<>();
        for (String completion : List.of("1, 2", "7 8", "[5]", "six", "1, 2; 3", "owl", "1 2 3 4 5 6 7 8 9 10 11", "666")) {
            verdicts.add(MISALIGNMENT.apply(completion));
        }
        FilterStats stats = FilterStats.of(verdicts);
        assertThat(stats.total()).isEqualTo(8);
        assertThat(stats.kept()).isEqualTo(3);
        assertThat(stats.passRate()).isCloseTo(3.0 / 8, within(1e-12));
        assertThat(stats.count(OTHER_CHARACTERS)).isEqualTo(2);
        assertThat(stats.count(MIXED_SEPARATORS)).isEqualTo(1);
        assertThat(stats.count(TOO_MANY_NUMBERS)).isEqualTo(1);
        assertThat(stats.count(BANNED_NUMBER)).isEqualTo(1);
        assertThat(stats.count(BRACKETS)).isZero();
        assertThat(stats.counts()).containsOnlyKeys(Reason.values());
        assertThat(FilterStats.of(List.of()).passRate()).isNaN();
    }

    private static Arguments row(String completion, Reason reason, Integer... numbers) {
        return Arguments.of(completion, reason, List.of(numbers));
    }
}
