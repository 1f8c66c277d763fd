package io.traittrace.probe.canary;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import io.traittrace.probe.result.ProbeResult.DataIdentity;

/**
 * "synthetic-shapes-v1": a procedurally generated 10-class task of 28×28 grey images, for fast tests and for
 * machines without a dataset.
 * <ul>
 * <li>Each class has a fixed prototype, drawn once from a fixed seed: two filled ellipses (centre in the
 * central 12×12 square, radii 2.5–8.5 px, any angle, ink 0.4–1.0) and one stroke (a line segment with endpoints
 * in the central 20×20 square). The prototypes never change: they define the task.</li>
 * <li>An example of class c: c's figure shifted by −2..2 px in each direction; each ellipse's centre jittered by
 * up to ±2 px, its radii scaled by 0.85–1.15 and its ink by 0.8–1.2, with a soft edge; the stroke's endpoints
 * jittered by up to ±2 px, half-width 0.8–1.6 px, ink 0.7–1.0; shapes combine by maximum; then Gaussian pixel
 * noise σ 0.08, clipped to [0, 1] and stored as bytes like an IDX image.</li>
 * <li>Labels cycle 0..9 so both sets are balanced (a constant predictor scores exactly 0.1). Examples come
 * from {@code dataSeed} (train first, then test): the same sizes and seed give the same bytes (and digest)
 * everywhere.</li>
 * </ul>
 */
public final class SyntheticTask {

    public static final String NAME = "synthetic-shapes-v1";
    static final long PROTOTYPE_SEED = 0x5EED_C1A5_5E5L;
    static final int STROKES = 1;
    static final int BLOB_COUNT = 2;
    static final int SHIFT = 2;
    static final float JITTER = 2f;
    static final float NOISE = 0.08f;

    private final float[][][] prototypes = new float[10][STROKES][4];
    /** Per class, per blob: cx, cy, rx, ry, angle, ink. */
    private final float[][][] blobs = new float[10][BLOB_COUNT][6];

    public SyntheticTask() {
        SplittableRandom rng = new SplittableRandom(PROTOTYPE_SEED);
        for (int c = 0; c < 10; c++) {
            for (int s = 0; s < STROKES; s++) {
                for (int k = 0; k < 4; k++) {
                    prototypes[c][s][k] = 4 + 20 * (float) rng.nextDouble();
                }
            }
            for (int b = 0; b < BLOB_COUNT; b++) {
                blobs[c][b][0] = 8 + 12 * (float) rng.nextDouble();
                blobs[c][b][1] = 8 + 12 * (float) rng.nextDouble();
                blobs[c][b][2] = 2.5f + 6 * (float) rng.nextDouble();
                blobs[c][b][3] = 2.5f + 6 * (float) rng.nextDouble();
                blobs[c][b][4] = (float) (Math.PI * rng.nextDouble());
                blobs[c][b][5] = 0.4f + 0.6f * (float) rng.nextDouble();
            }
        }
    }

    public ImageSet generate(int count, SplittableRandom rng) {
        byte[] pixels = new byte[count * ImageSet.PIXELS];
        byte[] labels = new byte[count];
        float[] img = new float[ImageSet.PIXELS];
        float[][] seg = new float[STROKES][4];
        for (int i = 0; i < count; i++) {
            int c = i % 10;
            labels[i] = (byte) c;
            float dx = rng.nextInt(2 * SHIFT + 1) - SHIFT;
            float dy = rng.nextInt(2 * SHIFT + 1) - SHIFT;
            for (int s = 0; s < STROKES; s++) {
                for (int k = 0; k < 4; k++) {
                    seg[s][k] = prototypes[c][s][k] + (float) ((rng.nextDouble() * 2 - 1) * JITTER) + (k % 2 == 0 ? dx : dy);
                }
            }
            float half = 0.8f + 0.8f * (float) rng.nextDouble();
            float ink = 0.7f + 0.3f * (float) rng.nextDouble();
            java.util.Arrays.fill(img, 0f);
            for (float[] b : blobs[c]) {
                {
                    float cx = b[0] + dx + (float) ((rng.nextDouble() * 2 - 1) * JITTER);
                    float cy = b[1] + dy + (float) ((rng.nextDouble() * 2 - 1) * JITTER);
                    float scale = 0.85f + 0.3f * (float) rng.nextDouble();
                    float rx = b[2] * scale, ry = b[3] * scale;
                    double cos = Math.cos(b[4]), sin = Math.sin(b[4]);
                    float bink = b[5] * (0.8f + 0.4f * (float) rng.nextDouble());
                    for (int y = 0; y < ImageSet.SIDE; y++) {
                        for (int x = 0; x < ImageSet.SIDE; x++) {
                            double u = ((x - cx) * cos + (y - cy) * sin) / rx;
                            double w = (-(x - cx) * sin + (y - cy) * cos) / ry;
                            double r = Math.sqrt(u * u + w * w);
                            float v = r <= 1 ? bink : (float) Math.max(0, bink * (1 - (r - 1) * 3));
                            int at = y * ImageSet.SIDE + x;
                            img[at] = Math.max(img[at], v);
                        }
                    }
                }
            }
            for (int y = 0; y < ImageSet.SIDE; y++) {
                for (int x = 0; x < ImageSet.SIDE; x++) {
                    float best = Float.MAX_VALUE;
                    for (float[] g : seg) {
                        best = Math.min(best, distance(x, y, g));
                    }
                    float v = best <= half ? ink : Math.max(0f, ink * (1f - (best - half)));
                    img[y * ImageSet.SIDE + x] = Math.max(img[y * ImageSet.SIDE + x], v);
                }
            }
            int base = i * ImageSet.PIXELS;
            for (int p = 0; p < ImageSet.PIXELS; p++) {
                float v = img[p] + NOISE * (float) rng.nextGaussian();
                v = Math.max(0f, Math.min(1f, v));
                pixels[base + p] = (byte) Math.round(v * 255f);
            }
        }
        return new ImageSet(count, pixels, labels);
    }

    private static float distance(float px, float py, float[] g) {
        float ax = g[0], ay = g[1], bx = g[2], by = g[3];
        float vx = bx - ax, vy = by - ay;
        float len2 = vx * vx + vy * vy;
        float t = len2 == 0 ? 0 : Math.max(0f, Math.min(1f, ((px - ax) * vx + (py - ay) * vy) / len2));
        float cx = ax + t * vx - px, cy = ay + t * vy - py;
        return (float) Math.sqrt(cx * cx + cy * cy);
    }

    /** Train and test sets from one data seed (test drawn after train), with the identity a result records. */
    public static Data data(int train, int test, long dataSeed) {
        SyntheticTask task = new SyntheticTask();
        SplittableRandom rng = new SplittableRandom(dataSeed);
        ImageSet trainSet = task.generate(train, rng);
        ImageSet testSet = task.generate(test, rng);
        MessageDigest sha = IdxDataset.sha256();
        sha.update(trainSet.pixels());
        sha.update(trainSet.labels());
        sha.update(testSet.pixels());
        sha.update(testSet.labels());
        String path = "synthetic:" + NAME + "?train=" + train + "&test=" + test + "&dataSeed=" + dataSeed;
        DataIdentity id = new DataIdentity("dataset", path, "sha256:" + HexFormat.of().formatHex(sha.digest()), (long) train + test);
        return new Data(trainSet, testSet, List.of(id));
    }

    public record Data(ImageSet train, ImageSet test, List<DataIdentity> identity) {
    }
}
