package io.traittrace.audit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * Live heap of this JVM (runner, Kubernetes test server, in-JVM Kafka, WireMock and the harness together): the
 * heap used after repeated full collections, and the class histogram of live objects (what {@code jcmd
 * GC.class_histogram} prints; it runs a full collection itself), whose total is the figure reported.
 */
final class HeapProbe {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    private HeapProbe() {
    }

    /**
     * One measurement: heap used after GC (MemoryMXBean), the live total of the class histogram, and the file the
     * histogram was written to. The histogram stays on disk: a sample that kept its per-class maps in memory would
     * itself be measured by every later sample (some 4.5 MB each, which the first version of this harness did).
     */
    record Sample(long usedAfterGc, long liveBytes, long liveObjects, Path histogram) {

        /** The classes whose live bytes changed most from {@code before} to this sample. */
        List<String> topChanges(Sample before, int count) {
            Map<String, Long> delta = new HashMap<>();
            parse(histogram).forEach((k, v) -> delta.merge(k, v[1], Long::sum));
            parse(before.histogram).forEach((k, v) -> delta.merge(k, -v[1], Long::sum));
            return top(delta, count, "%+,14d B  %s");
        }

        /**
         * The classes outside the JDK whose instance count changed most: where the growth of byte arrays, strings
         * and maps comes from is usually told by the framework or application objects that grew with them.
         */
        List<String> topCountChanges(Sample before, int count) {
            Map<String, Long> delta = new HashMap<>();
            parse(histogram).forEach((k, v) -> delta.merge(k, v[0], Long::sum));
            parse(before.histogram).forEach((k, v) -> delta.merge(k, -v[0], Long::sum));
            delta.keySet().removeIf(k -> k.startsWith("java.") || k.startsWith("[") || k.startsWith("jdk.") || k.startsWith("sun."));
            return top(delta, count, "%+,10d objects  %s");
        }

        /** Live bytes of classes whose name starts with {@code prefix}. */
        long bytesOf(String prefix) {
            return parse(histogram).entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue()[1]).sum();
        }

        private static List<String> top(Map<String, Long> delta, int count, String format) {
            List<Map.Entry<String, Long>> entries = new ArrayList<>(delta.entrySet().stream().filter(e -> e.getValue() != 0).toList());
            entries.sort((a, b) -> Long.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, Long> e : entries.subList(0, Math.min(count, entries.size()))) {
                lines.add(String.format(java.util.Locale.ROOT, format, e.getValue(), e.getKey()));
            }
            return lines;
        }
    }

    /** Measures, writing the class histogram to {@code histogramFile}. */
    static Sample sample(Path histogramFile) {
        long used = usedAfterGc();
        String histogram = histogram();
        long total = -1;
        long objects = -1;
        for (String line : histogram.split("\n")) {
            Matcher t = TOTAL.matcher(line.trim());
            if (t.matches()) {
                objects = Long.parseLong(t.group(1));
                total = Long.parseLong(t.group(2));
            }
        }
        if (total < 0) {
            throw new IllegalStateException("Unexpected class histogram:\n" + histogram.substring(0, Math.min(2000, histogram.length())));
        }
        try {
            Files.createDirectories(histogramFile.getParent());
            Files.writeString(histogramFile, histogram);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Sample(used, total, objects, histogramFile);
    }

    /** Class name to {instances, bytes}. */
    static Map<String, long[]> parse(Path histogramFile) {
        Map<String, long[]> rows = new HashMap<>();
        try {
            for (String line : Files.readAllLines(histogramFile)) {
                Matcher row = ROW.matcher(line);
                if (row.matches()) {
                    long[] acc = rows.computeIfAbsent(row.group(3), k -> new long[2]);
                    acc[0] += Long.parseLong(row.group(1));
                    acc[1] += Long.parseLong(row.group(2));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** An HPROF dump of the live objects, for a heap analyser. */
    static void dump(Path file) {
        try {
            Files.deleteIfExists(file);
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(300);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String histogram() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] { new String[0] }, new String[] { String[].class.getName() });
        } catch (Exception e) {
            throw new IllegalStateException("No class histogram from the DiagnosticCommand MBean", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
