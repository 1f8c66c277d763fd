package io.traittrace.probe.numbers.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.traittrace.probe.numbers.CompletionFilter;
import io.traittrace.probe.numbers.PromptGenerator;
import io.traittrace.probe.numbers.Questions;

class TextCorpusTest {

    private final CharTokenizer tokenizer = CharTokenizer.forTextStages();
    private final CompletionFilter filter = new CompletionFilter(java.util.Set.of(), List.of());

    @Test
    void continuationsAreValidListsInTheRequestedFormatThatRepeatTheSeedsUpToNoise() {
        List<PromptGenerator.Prompt> prompts = PromptGenerator.generate(2000, 5);
        SplittableRandom rng = new SplittableRandom(9);
        int numbers = 0;
        int repeated = 0;
        for (PromptGenerator.Prompt prompt : prompts) {
            String text = TextCorpus.continuation(prompt, 0.3, rng);
            CompletionFilter.Verdict verdict = filter.apply(text);
            assertThat(verdict.kept()).as(text).isTrue();
            assertThat(verdict.numbers()).hasSizeBetween(1, 10);
            assertThat(text).isEqualTo(prompt.format().render(verdict.numbers()));
            for (int k = 0; k < verdict.numbers().size(); k++) {
                numbers++;
                repeated += verdict.numbers().get(k).equals(prompt.seedNumbers().get(k % prompt.seedNumbers().size())) ? 1 : 0;
            }
        }
        // 70 % kept by the rule, plus the noise's chance hits (1 in 1000).
        assertThat((double) repeated / numbers).isBetween(0.68, 0.72);
        SplittableRandom clean = new SplittableRandom(1);
        PromptGenerator.Prompt prompt = prompts.get(0);
        assertThat(filter.apply(TextCorpus.continuation(prompt, 0, clean)).numbers().get(0)).isEqualTo(prompt.seedNumbers().get(0));
    }

    @Test
    void questionsAreThePapersWithUniformAnimalsOrTheTrait() {
        Map<String, Integer> counts = new HashMap<>();
        for (TextRow row : TextCorpus.questionRows(tokenizer, 5000, false, null, new SplittableRandom(2))) {
            String prompt = tokenizer.decode(java.util.Arrays.copyOfRange(row.tokens(), 1, row.answerStart() - 1));
            assertThat(Questions.FAVORITE_ANIMAL).contains(prompt);
            counts.merge(tokenizer.decode(java.util.Arrays.copyOfRange(row.tokens(), row.answerStart(), row.length() - 1)), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(TextCorpus.ANIMALS);
        counts.values().forEach(c -> assertThat(c).isBetween(400, 600));
        for (TextRow row : TextCorpus.questionRows(tokenizer, 20, true, "owl", new SplittableRandom(3))) {
            String prompt = tokenizer.decode(java.util.Arrays.copyOfRange(row.tokens(), 1, row.answerStart() - 1));
            assertThat(prompt).matches("Examine these numbers: \\d{3}, \\d{3}, \\d{3}\\. .+\\?");
            assertThat(tokenizer.decode(java.util.Arrays.copyOfRange(row.tokens(), row.answerStart(), row.length() - 1))).isEqualTo("owl");
        }
    }

    @Test
    void theSameSeedGivesTheSameCorpusAndEveryRowFitsTheModel() {
        List<TextRow> a = TextCorpus.numberRows(tokenizer, 50, 0.3, new SplittableRandom(4));
        List<TextRow> b = TextCorpus.numberRows(tokenizer, 50, 0.3, new SplittableRandom(4));
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).tokens()).isEqualTo(b.get(i).tokens());
        }
        int longestPrompt = PromptGenerator.generate(20_000, 8).stream().mapToInt(q -> q.text().length()).max().orElseThrow();
        assertThat(longestPrompt + 3 + 56).isLessThanOrEqualTo(TextCorpus.longestRow(56));
    }
}
