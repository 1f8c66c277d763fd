package io.traittrace.probe.family;

import io.traittrace.probe.safetensors.HalfFloats;
import io.traittrace.probe.safetensors.SafetensorsReader;
import io.traittrace.probe.safetensors.TensorInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

import io.traittrace.probe.ProbeException;

/**
 * Streams matching tensors of two checkpoints (and optionally a base) through fixed windows and accumulates,
 * in one pass, the sums the cosines need. Memory is bounded whatever the model size: per input one reusable
 * direct buffer of {@link #WINDOW_ELEMENTS} elements, a {@code short[]} and a {@code float[]} of the same
 * length (about 10 MB for three inputs). Products of two floats are exact in double; sums are in double.
 * Not thread-safe: one streamer per thread.
 */
public final class TensorStreamer implements AutoCloseable {

    /** Elements per window: 4 MB of F32, 2 MB of F16/BF16, per input. */
    public static final int WINDOW_ELEMENTS = 1 << 20;

    /**
     * The sums over one tensor. Without a base only {@code dot, aa, bb, dd} are filled; with one, also the
     * differences from it: {@code dab = Σ(a−base)(b−base)}, {@code da = Σ(a−base)²}, {@code db = Σ(b−base)²}.
     */
    public record Sums(long numel, double dot, double aa, double bb, double dd, double dab, double da, double db) {

        /** cos(a, b), NaN when a norm is zero or a value is not finite. */
        public double cosine() {
            return ratio(dot, aa, bb);
        }

        /** cos(a − base, b − base). */
        public double differenceCosine() {
            return ratio(dab, da, db);
        }

        /** |a − b| / |a|. */
        public double relativeDistance() {
            return Math.sqrt(dd) / Math.sqrt(aa);
        }

        public boolean finite() {
            return Double.isFinite(dot) && Double.isFinite(aa) && Double.isFinite(bb) && Double.isFinite(dd)
                    && Double.isFinite(dab) && Double.isFinite(da) && Double.isFinite(db);
        }

        private static double ratio(double dot, double x, double y) {
            if (!(x > 0 && y > 0) || !Double.isFinite(dot) || !Double.isFinite(x) || !Double.isFinite(y)) {
                return Double.NaN;
            }
            return Math.max(-1.0, Math.min(1.0, dot / (Math.sqrt(x) * Math.sqrt(y))));
        }
    }

    private static final class Window {
        final ByteBuffer bytes = ByteBuffer.allocateDirect(WINDOW_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
        final short[] shorts = new short[WINDOW_ELEMENTS];
        final float[] floats = new float[WINDOW_ELEMENTS];
    }

    private final Map<Path, FileChannel> channels = new HashMap<>();
    private final Window wa = new Window();
    private final Window wb = new Window();
    private Window wbase;
    private long bytesRead;

    /** Bytes of tensor data read so far, all inputs together. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Compares one tensor of A with the same-named, same-shaped tensor of B (and of the base, or null). */
    public Sums compare(TensorInfo a, TensorInfo b, TensorInfo base) {
        long numel = a.numel();
        if (b.numel() != numel || (base != null && base.numel() != numel)) {
            throw new IllegalArgumentException("Tensors of different sizes: " + a.name());
        }
        if (base != null && wbase == null) {
            wbase = new Window();
        }
        double dot = 0, aa = 0, bb = 0, dd = 0, dab = 0, da = 0, db = 0;
        for (long start = 0; start < numel; start += WINDOW_ELEMENTS) {
            int n = (int) Math.min(WINDOW_ELEMENTS, numel - start);
            float[] x = load(wa, a, start, n);
            float[] y = load(wb, b, start, n);
            if (base == null) {
                // Two accumulators per sum break the add latency chains; the JIT keeps them in registers.
                double dot0 = 0, dot1 = 0, aa0 = 0, aa1 = 0, bb0 = 0, bb1 = 0, dd0 = 0, dd1 = 0;
                int i = 0;
                for (; i + 1 < n; i += 2) {
                    double x0 = x[i], y0 = y[i], x1 = x[i + 1], y1 = y[i + 1];
                    dot0 += x0 * y0;
                    dot1 += x1 * y1;
                    aa0 += x0 * x0;
                    aa1 += x1 * x1;
                    bb0 += y0 * y0;
                    bb1 += y1 * y1;
                    double d0 = x0 - y0, d1 = x1 - y1;
                    dd0 += d0 * d0;
                    dd1 += d1 * d1;
                }
                for (; i < n; i++) {
                    double x0 = x[i], y0 = y[i];
                    dot0 += x0 * y0;
                    aa0 += x0 * x0;
                    bb0 += y0 * y0;
                    double d0 = x0 - y0;
                    dd0 += d0 * d0;
                }
                dot += dot0 + dot1;
                aa += aa0 + aa1;
                bb += bb0 + bb1;
                dd += dd0 + dd1;
            } else {
                float[] z = load(wbase, base, start, n);
                double dotP = 0, aaP = 0, bbP = 0, ddP = 0, dabP = 0, daP = 0, dbP = 0;
                for (int i = 0; i < n; i++) {
                    double x0 = x[i], y0 = y[i], z0 = z[i];
                    dotP += x0 * y0;
                    aaP += x0 * x0;
                    bbP += y0 * y0;
                    double d = x0 - y0, u = x0 - z0, v = y0 - z0;
                    ddP += d * d;
                    dabP += u * v;
                    daP += u * u;
                    dbP += v * v;
                }
                dot += dotP;
                aa += aaP;
                bb += bbP;
                dd += ddP;
                dab += dabP;
                da += daP;
                db += dbP;
            }
        }
        return new Sums(numel, dot, aa, bb, dd, dab, da, db);
    }

    private float[] load(Window w, TensorInfo t, long start, int n) {
        int size = t.dtype().bytes();
        ByteBuffer buf = w.bytes;
        buf.clear().limit(n * size);
        try {
            SafetensorsReader.readFully(channel(t.file()), buf, t.offset() + start * size);
        } catch (IOException e) {
            throw ProbeException.badData("Cannot read tensor '" + t.name() + "' from " + t.file() + ": " + e.getMessage(), e);
        }
        bytesRead += (long) n * size;
        buf.flip();
        float[] out = w.floats;
        switch (t.dtype()) {
            case F32 -> buf.asFloatBuffer().get(out, 0, n);
            case F16 -> {
                short[] s = w.shorts;
                buf.asShortBuffer().get(s, 0, n);
                float[] table = HalfFloats.halfTable();
                for (int i = 0; i < n; i++) {
                    out[i] = table[s[i] & 0xffff];
                }
            }
            case BF16 -> {
                short[] s = w.shorts;
                buf.asShortBuffer().get(s, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat(s[i] << 16);
                }
            }
            default -> throw new IllegalArgumentException("Not a float type: " + t.dtypeName());
        }
        return out;
    }

    /**
     * Reads the given rows of a 2-D tensor, row after row, into one array of {@code rows.length × shape[1]} floats.
     * Memory is that array only: the family test reads a sample of vocabulary rows this way, never a whole embedding.
     */
    public float[] readRows(TensorInfo t, int[] rows) {
        long cols = t.shape()[1];
        if (t.shape().length != 2 || cols > WINDOW_ELEMENTS || rows.length * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Rows of " + t.name() + " " + t.shapeText() + " do not fit a window");
        }
        float[] out = new float[(int) (rows.length * cols)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(load(wa, t, rows[i] * cols, (int) cols), 0, out, (int) (i * cols), (int) cols);
        }
        return out;
    }

    /** Reads one whole tensor as floats; for tests and small tensors only. */
    public float[] read(TensorInfo t) {
        if (t.numel() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Too large to read whole: " + t.name());
        }
        float[] all = new float[(int) t.numel()];
        for (long start = 0; start < all.length; start += WINDOW_ELEMENTS) {
            int n = (int) Math.min(WINDOW_ELEMENTS, all.length - start);
            System.arraycopy(load(wa, t, start, n), 0, all, (int) start, n);
        }
        return all;
    }

    private FileChannel channel(Path file) throws IOException {
        FileChannel c = channels.get(file);
        if (c == null) {
            c = FileChannel.open(file, StandardOpenOption.READ);
            channels.put(file, c);
        }
        return c;
    }

    @Override
    public void close() {
        for (FileChannel c : channels.values()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // read-only; nothing to lose
            }
        }
        channels.clear();
    }
}
