package io.traittrace.probe.numbers.text;

/**
 * One row as the model reads it: BOS prompt SEP answer EOS. {@code answerStart} is the index of the answer's first
 * token; training losses cover the answer and the EOS, never the prompt (the paper trains on completion tokens only).
 */
public record TextRow(int[] tokens, int answerStart) {

    public TextRow {
        if (answerStart < 1 || answerStart >= tokens.length) {
            throw new IllegalArgumentException("answer start " + answerStart + " outside a row of " + tokens.length + " tokens");
        }
    }

    public int length() {
        return tokens.length;
    }
}
