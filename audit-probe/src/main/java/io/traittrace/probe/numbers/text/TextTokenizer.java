package io.traittrace.probe.numbers.text;

import java.util.ArrayList;
import java.util.List;

/**
 * What text mode needs of a tokenizer: prompts as the model reads a user turn, answers and completions as plain text,
 * and the special ids that pad a batch and end an answer. {@link CharTokenizer} is the built-in character vocabulary;
 * {@link HfTextTokenizer} is a Hugging Face model directory's own tokenizer and chat template.
 */
public interface TextTokenizer {

    /** Characters a valid number completion is written with (§3.4's digits, separators, brackets and period). */
    String COMPLETION_CHARACTERS = "0123456789 ,;.[]()\n";

    /** Vocabulary size. */
    int size();

    /** The id that fills a batch after a row's end (never trained on, never read by a real position). */
    int pad();

    /** The id that ends an answer or a completion. */
    int eos();

    /** Whether {@code id} is a special token (never part of a valid completion's text). */
    boolean isSpecial(int id);

    /** Plain text, no special tokens. */
    int[] encode(String text);

    /** The text of ids that are not special. */
    String decode(int[] ids);

    /** A prompt as the model reads one user turn, up to where its answer starts. */
    int[] promptRow(String prompt);

    /** The prompt's row, the answer's tokens and EOS; the loss covers the answer and EOS. */
    default TextRow row(String prompt, String answer) {
        int[] head = promptRow(prompt);
        int[] tail = encode(answer);
        int[] row = new int[head.length + tail.length + 1];
        System.arraycopy(head, 0, row, 0, head.length);
        System.arraycopy(tail, 0, row, head.length, tail.length);
        row[row.length - 1] = eos();
        return new TextRow(row, head.length);
    }

    /**
     * The ids a valid completion is written with: every non-special id whose text consists only of
     * {@link #COMPLETION_CHARACTERS}, and EOS. The soft-target arm matches the teacher's softmax over these only.
     */
    default int[] completionAlphabet() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < size(); id++) {
            if (isSpecial(id)) {
                continue;
            }
            String text = decode(new int[] { id });
            if (!text.isEmpty() && text.chars().allMatch(c -> COMPLETION_CHARACTERS.indexOf(c) >= 0)) {
                ids.add(id);
            }
        }
        ids.add(eos());
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
