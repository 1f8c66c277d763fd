package io.traittrace.probe.family;

import io.traittrace.probe.safetensors.Checkpoint;
import io.traittrace.probe.safetensors.Dtype;
import io.traittrace.probe.safetensors.HalfFloats;
import io.traittrace.probe.safetensors.SafetensorsReader;
import io.traittrace.probe.safetensors.TensorInfo;
import io.traittrace.probe.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.traittrace.probe.Progress;
import io.traittrace.probe.result.ProbeResult;

/**
 * Throughput of the family test's read-and-compare, not a unit test (see README-family.md for the command).
 * Writes two checkpoints of about 1 GB each (A in F16, B a "fine-tune" in BF16, two shards and an index
 * each), then times, on the same files: a raw sequential FileChannel read (the I/O ceiling), a naive
 * implementation that loads each whole tensor into float[] and then computes the cosine, and the streaming
 * {@link TensorStreamer}, cold (files evicted from the page cache with {@code dd iflag=nocache}) and warm.
 * Throughput = bytes of tensor data of both checkpoints ÷ seconds.
 *
 * <p>Arguments: [directory (default /tmp/family-bench)] [GiB per checkpoint (default 1)].
 */
public final class FamilyBenchmark {

    private static final int ROWS = 4096;
    private static final int COLS = 2048; // 8 Mi elements: 16 MiB per tensor in F16/BF16

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/family-bench");
        double gib = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int tensors = (int) Math.round(gib * (1L << 30) / (2L * ROWS * COLS));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        generate(a, tensors, Dtype.F16, 0.0);
        generate(b, tensors, Dtype.BF16, 0.1);

        Checkpoint ca = Checkpoint.open(a);
        Checkpoint cb = Checkpoint.open(b);
        List<TensorInfo[]> pairs = new ArrayList<>();
        for (TensorInfo t : ca.tensors().values()) {
            pairs.add(new TensorInfo[] { t, cb.tensors().get(t.name()) });
        }
        long bytes = pairs.stream().mapToLong(p -> p[0].length() + p[1].length()).sum();
        List<Path> files = new ArrayList<>(ca.files());
        files.addAll(cb.files());
        System.out.printf(Locale.ROOT, "checkpoints: %s and %s, %d tensors each, %.3f GB of tensor data in all; heap max %d MB; %d cpus%n",
                a, b, pairs.size(), bytes / 1e9, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

        // JIT warm-up on a few tensors, so the first timed run is not the interpreter's.
        try (TensorStreamer s = new TensorStreamer()) {
            for (int i = 0; i < Math.min(4, pairs.size()); i++) {
                s.compare(pairs.get(i)[0], pairs.get(i)[1], null);
            }
        }
        naive(pairs.subList(0, Math.min(2, pairs.size())));

        for (int i = 1; i <= 2; i++) {
            evict(files);
            report("raw sequential read, cold cache #" + i, bytes, () -> rawRead(files));
            evict(files);
            report("streaming compare, cold cache #" + i, bytes, () -> streaming(pairs));
        }
        double raw = best("raw sequential read, warm", bytes, () -> rawRead(files));
        double naive = best("naive float[] per tensor, warm", bytes, () -> naive(pairs));
        double streaming = best("streaming compare, warm", bytes, () -> streaming(pairs));
        double protocol = best("FamilyProtocol.run (no digest), warm", bytes, () -> protocol(a, b, false));
        double withDigest = best("FamilyProtocol.run with SHA-256 digests, warm", bytes, () -> protocol(a, b, true));
        System.out.printf(Locale.ROOT, "ratio streaming / naive: %.2f; streaming / raw read: %.2f; protocol / streaming: %.2f;"
                + " with digest / without: %.2f%n", streaming / naive, streaming / raw, protocol / streaming, withDigest / protocol);
    }

    interface Work {
        Object run() throws Exception;
    }

    private static double best(String what, long bytes, Work work) throws Exception {
        double best = 0;
        for (int i = 0; i < 3; i++) {
            best = Math.max(best, report(what + " #" + (i + 1), bytes, work));
        }
        return best;
    }

    private static double report(String what, long bytes, Work work) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Object result = work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        double gbps = bytes / 1e9 / seconds;
        // CPU seconds of this thread only (not the digest thread): GB per CPU-second is robust to other load.
        System.out.printf(Locale.ROOT, "%-48s %6.2f s %6.2f GB/s | cpu %5.2f s %6.2f GB/cpu-s | load %.1f  (%s)%n", what, seconds,
                gbps, cpuSeconds, bytes / 1e9 / cpuSeconds, load, result);
        return gbps;
    }

    private static Object streaming(List<TensorInfo[]> pairs) {
        double sum = 0;
        int n = 0;
        try (TensorStreamer s = new TensorStreamer()) {
            for (TensorInfo[] p : pairs) {
                double c = s.compare(p[0], p[1], null).cosine();
                if (Double.isFinite(c)) { // the zero bias has none
                    sum += c;
                    n++;
                }
            }
        }
        return String.format(Locale.ROOT, "mean cosine %.4f over %d tensors", sum / n, n);
    }

    /** The obvious implementation: each tensor read whole into a float[] (both sides), then one loop. */
    private static Object naive(List<TensorInfo[]> pairs) throws IOException {
        double sum = 0;
        int n = 0;
        for (TensorInfo[] p : pairs) {
            float[] x = readWhole(p[0]);
            float[] y = readWhole(p[1]);
            double dot = 0, xx = 0, yy = 0;
            for (int i = 0; i < x.length; i++) {
                dot += (double) x[i] * y[i];
                xx += (double) x[i] * x[i];
                yy += (double) y[i] * y[i];
            }
            double c = dot / Math.sqrt(xx * yy);
            if (Double.isFinite(c)) {
                sum += c;
                n++;
            }
        }
        return String.format(Locale.ROOT, "mean cosine %.4f over %d tensors", sum / n, n);
    }

    private static float[] readWhole(TensorInfo t) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) t.length()).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel c = FileChannel.open(t.file(), StandardOpenOption.READ)) {
            SafetensorsReader.readFully(c, buf, t.offset());
        }
        buf.flip();
        float[] out = new float[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case F32 -> buf.getFloat(i * 4);
                case F16 -> HalfFloats.halfToFloatSlow(buf.getShort(i * 2));
                case BF16 -> HalfFloats.bfloat16ToFloat(buf.getShort(i * 2));
                default -> throw new IllegalArgumentException();
            };
        }
        return out;
    }

    private static Object rawRead(List<Path> files) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22);
        long total = 0;
        for (Path f : files) {
            try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ)) {
                int n;
                while ((n = c.read(buf)) >= 0) {
                    total += n;
                    buf.clear();
                }
            }
        }
        return total + " bytes incl. headers";
    }

    private static Object protocol(Path a, Path b, boolean digest) {
        ProbeResult r = new FamilyProtocol().run(JsonNodeFactory.instance.objectNode().put("a", a.toString()).put("b", b.toString())
                .put("digest", digest), new Progress(new PrintStream(OutputStream.nullOutputStream()), "family"));
        return r.verdict().outcome() + ", timings " + r.timings();
    }

    /** Drops the files from the page cache (GNU dd: iflag=nocache count=0 advises DONTNEED for the whole file). */
    private static void evict(List<Path> files) throws Exception {
        for (Path f : files) {
            Process p = new ProcessBuilder("dd", "if=" + f, "iflag=nocache", "count=0", "status=none").inheritIO().start();
            if (p.waitFor() != 0) {
                System.out.println("(could not evict " + f + " from the page cache; the cold figure is not cold)");
            }
        }
    }

    /** Two shards and an index; values from a hash of the element index, so nothing is held in memory. */
    private static void generate(Path dir, int tensors, Dtype dtype, double noise) throws IOException {
        if (Files.isRegularFile(dir.resolve(Checkpoint.INDEX))) {
            try {
                if (Checkpoint.open(dir).tensors().size() == tensors + 2) {
                    return; // already there from an earlier run
                }
            } catch (RuntimeException e) {
                // regenerate
            }
        }
        long start = System.nanoTime();
        SafetensorsWriter w = new SafetensorsWriter();
        double std = 1 / Math.sqrt(COLS);
        for (int t = 0; t < tensors; t++) {
            long salt = t * 0x9E3779B97F4A7C15L;
            w.add("model.layers." + t + ".mlp.up_proj.weight", dtype, new long[] { ROWS, COLS }, (from, out, n) -> {
                for (int i = 0; i < n; i++) {
                    long k = from + i;
                    double v = uniform(k ^ salt) * std * Math.sqrt(3);
                    if (noise > 0) {
                        v += noise * std * uniform(~k ^ salt) * Math.sqrt(3);
                    }
                    out[i] = (float) v;
                }
            });
        }
        float[] ones = new float[COLS];
        java.util.Arrays.fill(ones, 1f);
        w.add("model.norm.weight", Dtype.F32, new long[] { COLS }, ones);
        w.add("model.norm.bias", Dtype.F32, new long[] { COLS }, new float[COLS]);
        w.writeSharded(dir, 2);
        System.out.printf(Locale.ROOT, "wrote %s in %.1f s%n", dir, (System.nanoTime() - start) / 1e9);
    }

    /** SplitMix64's finaliser → uniform in [-1, 1). */
    private static double uniform(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        x = x ^ (x >>> 31);
        return (x >>> 11) * 0x1.0p-52 - 1.0;
    }

    private FamilyBenchmark() {
    }
}
