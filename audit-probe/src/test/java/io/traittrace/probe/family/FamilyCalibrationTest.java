package io.traittrace.probe.family;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict.Outcome;

/**
 * The family test's defaults against generated pairs whose relation is known (issue 17's acceptance): fine-tunes
 * that drifted far, copies with relabelled hidden units or a rotated residual stream, independent inits of one
 * shape. Prints the table docs/probe/figures.md quotes.
 */
class FamilyCalibrationTest {

    @TempDir
    Path dir;

    record Pair(String kind, Path a, Path b) {
    }

    @Test
    void symmetricCopiesAndLongFineTunesShareTheInitAndIndependentInitsNeverDo() {
        List<Pair> pairs = new ArrayList<>();
        for (double drift : new double[] { 0.3, 0.7, 1.0, 1.5 }) {
            pairs.addAll(pairs("fine-tune, drift " + drift, 3, seed -> TestModels.fineTune(TestModels.init(seed), drift, seed + 1000)));
        }
        for (double drift : new double[] { 0.1, 0.3, 0.7 }) {
            pairs.addAll(pairs("relabelled, drift " + drift, 3,
                    seed -> TestModels.permuted(TestModels.fineTune(TestModels.init(seed), drift, seed + 1000), seed + 2000)));
            pairs.addAll(pairs("rotated, drift " + drift, 3,
                    seed -> TestModels.rotated(TestModels.fineTune(TestModels.init(seed), drift, seed + 1000), seed + 3000)));
            pairs.addAll(pairs("relabelled and rotated, drift " + drift, 3, seed -> TestModels.rotated(
                    TestModels.permuted(TestModels.fineTune(TestModels.init(seed), drift, seed + 1000), seed + 2000), seed + 3000)));
        }
        for (double drift : new double[] { 2.0, 3.0 }) {
            pairs.addAll(pairs("fine-tune, drift " + drift, 3, seed -> TestModels.fineTune(TestModels.init(seed), drift, seed + 1000)));
        }
        pairs.addAll(pairs("independent", 40, seed -> TestModels.init(seed + 5000)));
        pairs.addAll(pairs("independent, rotated", 10, seed -> TestModels.rotated(TestModels.init(seed + 6000), seed + 7000)));

        Map<String, List<ProbeResult>> results = new TreeMap<>();
        for (Pair pair : pairs) {
            ObjectNode p = FamilyProtocolTest.params(pair.a(), pair.b()).put("digest", false);
            results.computeIfAbsent(pair.kind(), k -> new ArrayList<>()).add(FamilyProtocolTest.run(p));
        }
        System.out.println(table(results));

        results.forEach((kind, rs) -> {
            Outcome expected = kind.startsWith("independent") ? Outcome.INDEPENDENT
                    : kind.endsWith("drift 2.0") || kind.endsWith("drift 3.0") ? Outcome.INCONCLUSIVE : Outcome.SHARED_INIT;
            assertThat(rs).as(kind).allSatisfy(r -> assertThat(r.verdict().outcome()).as(kind + ": " + r.verdict().reasons())
                    .isEqualTo(expected));
        });
    }

    private List<Pair> pairs(String kind, int n, LongFunction<List<TestModels.Spec>> second) {
        List<Pair> out = new ArrayList<>();
        for (long seed = 100; seed < 100 + n; seed++) {
            String name = kind.replaceAll("[^a-z0-9.]+", "-") + "-" + seed;
            Path a = TestModels.write(TestModels.init(seed), dir.resolve(name + "-a"));
            Path b = TestModels.write(second.apply(seed), dir.resolve(name + "-b"));
            out.add(new Pair(kind, a, b));
        }
        return out;
    }

    private static String table(Map<String, List<ProbeResult>> results) {
        StringBuilder s = new StringBuilder(String.format("%-38s %3s %-34s %-15s %-15s %-13s%n", "pair", "n", "verdicts",
                "median cosine", "anchor Gram r", "anchor z"));
        results.forEach((kind, rs) -> {
            Map<Outcome, Integer> counts = new TreeMap<>();
            rs.forEach(r -> counts.merge(r.verdict().outcome(), 1, Integer::sum));
            double[] cos = rs.stream().mapToDouble(r -> (Double) map(r.evidence().get("cosine")).get("median")).toArray();
            double[] gram = anchors(rs, "gramCorrelation");
            double[] z = anchors(rs, "z");
            s.append(String.format("%-38s %3d %-34s %-15s %-15s %-13s%n", kind, rs.size(), counts, range(cos, "%.3f"),
                    range(gram, "%.3f"), range(z, "%.1f")));
        });
        return s.toString();
    }

    private static double[] anchors(List<ProbeResult> rs, String key) {
        return rs.stream().flatMap(r -> ((List<?>) r.evidence().get("anchors")).stream())
                .mapToDouble(x -> (Double) map(x).get(key)).toArray();
    }

    private static String range(double[] v, String format) {
        double min = java.util.Arrays.stream(v).min().orElse(Double.NaN), max = java.util.Arrays.stream(v).max().orElse(Double.NaN);
        return String.format(format + ".." + format, min, max);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
