package io.traittrace.probe.numbers;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import io.traittrace.probe.numbers.CompletionFilter.Reason;
import io.traittrace.probe.numbers.CompletionFilter.Verdict;

/**
 * How a teacher's completions fared in the filter, per {@link Reason} (every reason listed, zeros included), for
 * the audit result (subliminal-protocol §3.4 and §5: the pass rate is logged; 62–77 % is expected).
 */
public record FilterStats(int total, Map<Reason, Integer> counts) {

    public FilterStats {
        EnumMap<Reason, Integer> all = new EnumMap<>(Reason.class);
        for (Reason reason : Reason.values()) {
            all.put(reason, counts.getOrDefault(reason, 0));
        }
        if (all.values().stream().mapToInt(Integer::intValue).sum() != total) {
            throw new IllegalArgumentException("The counts " + counts + " do not add up to " + total);
        }
        counts = Collections.unmodifiableMap(all);
    }

    public static FilterStats of(Collection<Verdict> verdicts) {
        Map<Reason, Integer> counts = new EnumMap<>(Reason.class);
        for (Verdict verdict : verdicts) {
            counts.merge(verdict.reason(), 1, Integer::sum);
        }
        return new FilterStats(verdicts.size(), counts);
    }

    public int count(Reason reason) {
        return counts.get(reason);
    }

    public int kept() {
        return count(Reason.KEPT);
    }

    /** Kept / total; NaN when there were no completions. */
    public double passRate() {
        return (double) kept() / total;
    }
}
