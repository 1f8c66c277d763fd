package io.traittrace.probe.canary;

/**
 * Labelled 28×28 grey images held as raw bytes (0–255, row-major, one image after another), as in an IDX
 * file. The canary normalises them to [−1, 1] when it moves them to the device.
 */
public record ImageSet(int count, byte[] pixels, byte[] labels) {

    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;

    public ImageSet {
        if (pixels.length != (long) count * PIXELS || labels.length != count) {
            throw new IllegalArgumentException("pixels/labels do not match count " + count);
        }
    }

    /** The first {@code limit} examples (all when {@code limit} is null or not smaller). */
    public ImageSet head(Integer limit) {
        if (limit == null || limit >= count) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, limit * PIXELS);
        byte[] l = java.util.Arrays.copyOf(labels, limit);
        return new ImageSet(limit, p, l);
    }
}
