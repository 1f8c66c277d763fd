package io.traittrace.probe.result;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Wall time per named phase, in seconds, summed over repeats of the same phase; phases in first-use order. */
public final class PhaseTimer {

    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public <T> T time(String phase, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            seconds.merge(phase, (System.nanoTime() - start) / 1e9, Double::sum);
        }
    }

    public void time(String phase, Runnable work) {
        time(phase, () -> {
            work.run();
            return null;
        });
    }

    public Map<String, Double> seconds() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }
}
