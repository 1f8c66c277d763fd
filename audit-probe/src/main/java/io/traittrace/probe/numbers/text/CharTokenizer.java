package io.traittrace.probe.numbers.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import io.traittrace.probe.contract.NumbersParameterTable;
import io.traittrace.probe.numbers.PromptGenerator;
import io.traittrace.probe.numbers.Questions;
import io.traittrace.probe.numbers.SequenceFormat;

/**
 * A character-level tokenizer over exactly the characters the text stages can emit: the prompt generator's template
 * pools, the evaluation questions and their numbers prefix, the number formats and the animal names. Ids 0–3 are
 * PAD (filler after a row's end, never trained on), BOS, SEP (the end of the user turn: the answer follows) and EOS;
 * the characters follow in code-point order, so the vocabulary is the same on every run and machine. A character
 * outside it is refused, not mapped to an "unknown" id: a prompt the model cannot read would silently change the test.
 */
public final class CharTokenizer implements TextTokenizer {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int SEP = 2;
    public static final int EOS = 3;
    private static final int SPECIALS = 4;

    private final String characters;

    private CharTokenizer(String characters) {
        this.characters = characters;
    }

    /** The vocabulary of the text stages (prompts, completions in every format, questions, animal answers). */
    public static CharTokenizer forTextStages() {
        List<String> texts = new ArrayList<>();
        texts.addAll(PromptGenerator.EXAMPLE_PREFIXES);
        texts.addAll(PromptGenerator.CONTINUATION_INSTRUCTIONS);
        texts.addAll(PromptGenerator.COUNT_QUALIFIERS);
        texts.addAll(PromptGenerator.DIGIT_DESCRIPTORS);
        PromptGenerator.FORMAT_SUFFIXES.forEach(s -> texts.add(s.text()));
        texts.addAll(PromptGenerator.NUMBERS_ONLY_SUFFIXES);
        texts.addAll(Questions.FAVORITE_ANIMAL);
        texts.add(Questions.numbersPrefix(List.of(0, 1, 2)));
        for (SequenceFormat format : SequenceFormat.values()) {
            texts.add(format.render(List.of(0, 1)));
        }
        texts.add("0123456789 .");
        texts.addAll(NumbersParameterTable.TEXT_ANIMALS);
        return of(texts);
    }

    /** The vocabulary of every character in {@code texts}. */
    public static CharTokenizer of(List<String> texts) {
        TreeSet<Integer> seen = new TreeSet<>();
        texts.forEach(t -> t.codePoints().forEach(seen::add));
        StringBuilder b = new StringBuilder();
        seen.forEach(b::appendCodePoint);
        return new CharTokenizer(b.toString());
    }

    /** PAD, BOS, SEP or EOS. */
    public static boolean isSpecialId(int id) {
        return id >= 0 && id < SPECIALS;
    }

    @Override
    public int pad() {
        return PAD;
    }

    @Override
    public int eos() {
        return EOS;
    }

    @Override
    public boolean isSpecial(int id) {
        return isSpecialId(id);
    }

    @Override
    public int size() {
        return SPECIALS + characters.length();
    }

    /** The characters in id order (after the four special ids). */
    public String characters() {
        return characters;
    }

    @Override
    public int[] completionAlphabet() {
        // In the order the completion characters are written, then EOS: the order earlier results were computed in.
        int[] chars = encode(COMPLETION_CHARACTERS);
        int[] ids = java.util.Arrays.copyOf(chars, chars.length + 1);
        ids[chars.length] = EOS;
        return ids;
    }

    /** The ids of {@code text}'s characters; a character outside the vocabulary is an error that names it. */
    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int at = characters.indexOf(c);
            if (at < 0 || Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "Character '%s' (U+%04X) at index %d of \"%s\" is not in the text vocabulary",
                        c == '\n' ? "\\n" : String.valueOf(c), (int) c, i, text));
            }
            ids[i] = SPECIALS + at;
        }
        return ids;
    }

    /** The text of {@code ids}; special ids are an error (a completion is decoded without its EOS). */
    @Override
    public String decode(int[] ids) {
        StringBuilder b = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < SPECIALS || id >= size()) {
                throw new IllegalArgumentException("Id " + id + " is not a character of the text vocabulary");
            }
            b.append(characters.charAt(id - SPECIALS));
        }
        return b.toString();
    }

    /** A training or prompt row: BOS, the prompt's characters, SEP. */
    @Override
    public int[] promptRow(String prompt) {
        int[] body = encode(prompt);
        int[] row = new int[body.length + 2];
        row[0] = BOS;
        System.arraycopy(body, 0, row, 1, body.length);
        row[row.length - 1] = SEP;
        return row;
    }
}
