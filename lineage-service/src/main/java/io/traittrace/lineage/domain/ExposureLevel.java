package io.traittrace.lineage.domain;

/**
 * Ordered by how strongly a path can carry a teacher's trait. SAME_INIT is the subliminal channel;
 * UNKNOWN ranks above CROSS_FAMILY because an unknown generator may well share the student's init,
 * whereas a known cross-family generator is the research's negative control.
 */
public enum ExposureLevel {
    NONE, CROSS_FAMILY, UNKNOWN, SAME_INIT;

    /** A chain of hops carries a trait only as well as its weakest hop does. */
    public ExposureLevel weakest(ExposureLevel other) {
        return compareTo(other) <= 0 ? this : other;
    }

    public ExposureLevel strongest(ExposureLevel other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
