package io.traittrace.statistics.analysis;

/** Guards for the records: a certificate must never carry NaN or an infinity, so none can be constructed. */
final class Finite {

    private Finite() {
    }

    static void require(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + value);
        }
    }

    static void requireProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }
}
