package io.traittrace.probe.numbers;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The layouts a number prompt can ask for (subliminal-protocol §3.2). Each prompt names one, so the pipeline
 * knows what was requested; {@link #render} writes numbers in it, for the arm of uniform-random numbers "in the
 * requested format" (§3.7). Every rendering passes {@link CompletionFilter}.
 */
public enum SequenceFormat {

    COMMA("", ", ", ""),
    SPACE("", " ", ""),
    SEMICOLON("", "; ", ""),
    NEWLINE("", "\n", ""),
    /** Comma separated inside square brackets. */
    BRACKETS("[", ", ", "]"),
    /** Comma separated inside round brackets. */
    PARENTHESES("(", ", ", ")");

    private final String open;
    private final String separator;
    private final String close;

    SequenceFormat(String open, String separator, String close) {
        this.open = open;
        this.separator = separator;
        this.close = close;
    }

    public String render(List<Integer> numbers) {
        return numbers.stream().map(String::valueOf).collect(Collectors.joining(separator, open, close));
    }
}
