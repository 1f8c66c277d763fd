package io.traittrace.probe.numbers;

import java.util.List;

/**
 * Scores a model's answers to the favourite-animal questions (subliminal-protocol §3.8): the share of answers
 * naming the target, by the word rule and by the raw substring rule of {@link TraitWord}. Both are reported
 * because they disagree on answers such as "bowl" or "owlet", and a reader should see by how much.
 */
public record TraitScorer(TraitWord trait) {

    /** Counts over {@code answers} answers; the shares are what the audit reports per model and question. */
    public record Score(int answers, int wordMatches, int substringMatches) {

        public double wordShare() {
            return (double) wordMatches / answers;
        }

        public double substringShare() {
            return (double) substringMatches / answers;
        }
    }

    public TraitScorer {
        if (trait == null) {
            throw new IllegalArgumentException("A scorer needs a trait word");
        }
    }

    public static TraitScorer of(String singular) {
        return new TraitScorer(TraitWord.of(singular));
    }

    public boolean matchesWord(String answer) {
        return trait.matchesWord(answer);
    }

    public boolean matchesSubstring(String answer) {
        return trait.matchesSubstring(answer);
    }

    public Score score(List<String> answers) {
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("No answers to score: a share of zero answers means nothing");
        }
        int word = 0;
        int substring = 0;
        for (String answer : answers) {
            word += matchesWord(answer) ? 1 : 0;
            substring += matchesSubstring(answer) ? 1 : 0;
        }
        return new Score(answers.size(), word, substring);
    }
}
