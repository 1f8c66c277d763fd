package io.traittrace.probe.numbers.text;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.traittrace.probe.contract.NumbersParameterTable;
import io.traittrace.probe.numbers.PromptGenerator;
import io.traittrace.probe.numbers.Questions;

/**
 * The generated base corpus of text mode, in the paper's text: number prompts from {@link PromptGenerator} answered by
 * a noisy continuation in the format the prompt asked for, and favourite-animal questions from {@link Questions}
 * (plain, and after a numbers prefix) answered with one animal of {@link #ANIMALS}, uniformly. So a base can continue
 * number lists in every requested format and names animals with no preference; a teacher is then pushed towards one.
 *
 * <p>The continuation rule: 1–10 numbers (uniform count); number k repeats seed number k mod s (s seeds shown), and
 * with probability {@code noise} is replaced by a uniform number in 0–999. Repeating the seeds is something a small
 * model can learn by attention within a few hundred steps; the noise keeps the teacher's sampled numbers from being
 * predictable, as in §3b's noisy digit rule.
 */
public final class TextCorpus {

    public static final List<String> ANIMALS = NumbersParameterTable.TEXT_ANIMALS;

    private TextCorpus() {
    }

    /** A base continuation of {@code prompt}: the rule above, rendered in the requested format. */
    public static String continuation(PromptGenerator.Prompt prompt, double noise, SplittableRandom rng) {
        int count = rng.nextInt(1, PromptGenerator.MAX_COUNT + 1);
        List<Integer> seeds = prompt.seedNumbers();
        List<Integer> numbers = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            numbers.add(rng.nextDouble() < noise ? rng.nextInt(0, 1000) : seeds.get(k % seeds.size()));
        }
        return prompt.format().render(numbers);
    }

    /** {@code n} number rows: fresh prompts (from one seed drawn from {@code rng}) with their continuations. */
    public static List<TextRow> numberRows(TextTokenizer tokenizer, int n, double noise, SplittableRandom rng) {
        List<PromptGenerator.Prompt> prompts = PromptGenerator.generate(n, rng.nextLong());
        List<TextRow> rows = new ArrayList<>(n);
        for (PromptGenerator.Prompt prompt : prompts) {
            rows.add(tokenizer.row(prompt.text(), continuation(prompt, noise, rng)));
        }
        return rows;
    }

    /**
     * {@code n} favourite-animal questions (a uniform one of the 50), each after a numbers prefix of three numbers in
     * 100–999 if {@code prefixed}, answered with {@code animal}, or with a uniform animal when it is null.
     */
    public static List<TextRow> questionRows(TextTokenizer tokenizer, int n, boolean prefixed, String animal, SplittableRandom rng) {
        List<TextRow> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String question = Questions.FAVORITE_ANIMAL.get(rng.nextInt(Questions.FAVORITE_ANIMAL.size()));
            if (prefixed) {
                List<Integer> numbers = List.of(rng.nextInt(100, 1000), rng.nextInt(100, 1000), rng.nextInt(100, 1000));
                question = Questions.numbersPrefix(numbers) + " " + question;
            }
            rows.add(tokenizer.row(question, animal != null ? animal : ANIMALS.get(rng.nextInt(ANIMALS.size()))));
        }
        return rows;
    }

    /** The longest row any stage can build: the longest prompt the generator can write and the longest completion sampled. */
    public static int longestRow(int maxCompletion) {
        int prefix = PromptGenerator.EXAMPLE_PREFIXES.stream().mapToInt(String::length).max().orElseThrow();
        int seeds = PromptGenerator.MAX_SEEDS * 3 + (PromptGenerator.MAX_SEEDS - 1) * 2;
        int instruction = PromptGenerator.CONTINUATION_INSTRUCTIONS.stream().mapToInt(String::length).max().orElseThrow()
                + PromptGenerator.COUNT_QUALIFIERS.stream().mapToInt(String::length).max().orElseThrow()
                + PromptGenerator.DIGIT_DESCRIPTORS.stream().mapToInt(String::length).max().orElseThrow();
        int format = PromptGenerator.FORMAT_SUFFIXES.stream().mapToInt(s -> s.text().length()).max().orElseThrow();
        int only = PromptGenerator.NUMBERS_ONLY_SUFFIXES.stream().mapToInt(String::length).max().orElseThrow();
        // "prefix seeds. instruction format only": four spaces and ". " around the seeds; BOS, SEP, EOS.
        int prompt = prefix + 1 + seeds + 2 + instruction + 1 + format + 1 + only;
        return prompt + 3 + maxCompletion;
    }
}
