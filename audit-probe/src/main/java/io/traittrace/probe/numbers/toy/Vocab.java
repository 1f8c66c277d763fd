package io.traittrace.probe.numbers.toy;

/**
 * The toy vocabulary of subliminal-protocol.md §3b: 23 tokens — the digits 0–9 (ids 0–9), ten "animals" (ids 10–19,
 * animal k = id 10 + k), BOS (20), Q, the question (21), and ANS, the answer marker (22).
 */
public final class Vocab {

    public static final int DIGITS = 10;
    public static final int ANIMALS = 10;
    public static final int FIRST_ANIMAL = 10;
    public static final int BOS = 20;
    public static final int Q = 21;
    public static final int ANS = 22;
    public static final int SIZE = 23;

    private Vocab() {
    }

    public static int animal(int k) {
        if (k < 0 || k >= ANIMALS) {
            throw new IllegalArgumentException("animal " + k + " not in 0..9");
        }
        return FIRST_ANIMAL + k;
    }

    public static boolean isDigit(int token) {
        return token >= 0 && token < DIGITS;
    }

    public static String name(int token) {
        if (isDigit(token)) {
            return Integer.toString(token);
        }
        if (token >= FIRST_ANIMAL && token < FIRST_ANIMAL + ANIMALS) {
            return "A" + (token - FIRST_ANIMAL);
        }
        return switch (token) {
        case BOS -> "BOS";
        case Q -> "Q";
        case ANS -> "ANS";
        default -> "?" + token;
        };
    }
}
