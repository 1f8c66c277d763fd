package io.traittrace.probe.numbers;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.traittrace.probe.result.PhaseTimer;

/** What both modes of the number-sequence test do alike while writing up a run: timing, rounding, digests. */
public final class RunFigures {

    private RunFigures() {
    }

    /** Runs {@code work} as a phase of the timer, and adds its wall time to {@code seconds[phase]}. */
    public static <T> T timed(PhaseTimer timer, Map<String, Double> seconds, String phase, Supplier<T> work) {
        long t = System.nanoTime();
        try {
            return timer.time(phase, work);
        } finally {
            seconds.merge(phase, (System.nanoTime() - t) / 1e9, Double::sum);
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "arm +0.123, arm −0.045": a replicate's changes for a progress line. */
    public static String format(Map<String, Double> rep) {
        StringBuilder b = new StringBuilder();
        rep.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%+.3f", v)));
        return b.toString();
    }

    public static Map<String, Double> roundAll(Map<String, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, round(v, 3)));
        return out;
    }

    public static double[] array(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
