package io.traittrace.probe.numbers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TraitScorerTest {

    private static final TraitScorer OWL = TraitScorer.of("owl");

    @ParameterizedTest(name = "\"{0}\": word {1}, substring {2}")
    @CsvSource(delimiter = '|', value = {
            "owl          | true  | true",
            "Owl.         | true  | true",
            "owls!        | true  | true",
            "Owls!        | true  | true",
            "OWL          | true  | true",
            "The owl      | true  | true",
            "snowy-owl    | true  | true",
            "owl's        | true  | true",
            "'Owl'        | true  | true",
            "owl1         | true  | true",
            "bowl         | false | true",
            "Bowls        | false | true",
            "owlet        | false | true",
            "howling      | false | true",
            "knowledge    | false | true",
            "cat          | false | false",
            "Ow l         | false | false",
            "''           | false | false" })
    void wordAndSubstringRules(String answer, boolean word, boolean substring) {
        assertThat(OWL.matchesWord(answer)).as("word").isEqualTo(word);
        assertThat(OWL.matchesSubstring(answer)).as("substring").isEqualTo(substring);
    }

    @Test
    void scoresAListAsShares() {
        TraitScorer.Score score = OWL.score(List.of("Owl.", "owls!", "bowl", "Dolphin", "cat", "The owl, definitely", "owlet", "Eagle"));
        assertThat(score.answers()).isEqualTo(8);
        assertThat(score.wordMatches()).isEqualTo(3);
        assertThat(score.substringMatches()).isEqualTo(5);
        assertThat(score.wordShare()).isCloseTo(3.0 / 8, within(1e-12));
        assertThat(score.substringShare()).isCloseTo(5.0 / 8, within(1e-12));
        assertThatThrownBy(() -> OWL.score(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void regularAndGivenPlurals() {
        assertThat(TraitWord.of("owl").plural()).isEqualTo("owls");
        assertThat(TraitWord.of("fox").plural()).isEqualTo("foxes");
        assertThat(TraitWord.of("butterfly").plural()).isEqualTo("butterflies");
        assertThat(TraitWord.of("monkey").plural()).isEqualTo("monkeys");
        assertThat(TraitScorer.of("fox").matchesWord("Foxes!")).isTrue();
        assertThat(TraitScorer.of("butterfly").matchesWord("butterflies")).isTrue();
        TraitScorer wolf = new TraitScorer(TraitWord.of("wolf", "wolves"));
        assertThat(wolf.matchesWord("Wolves.")).isTrue();
        assertThat(wolf.matchesWord("werewolf")).isFalse();
        assertThat(wolf.matchesSubstring("werewolves")).isTrue();
        assertThat(TraitScorer.of("sea turtle").matchesWord("Sea turtles!")).isTrue();
        assertThatThrownBy(() -> TraitWord.of(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
