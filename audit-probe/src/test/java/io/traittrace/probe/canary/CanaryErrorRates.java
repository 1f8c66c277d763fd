package io.traittrace.probe.canary;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.Progress;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict.Outcome;
import io.traittrace.statistics.ClopperPearson;
import io.traittrace.statistics.analysis.ComparisonResult;

/**
 * The canary rule's error rates, measured: not a unit test (minutes to hours; docs/benchmarks.md gives the command
 * and the figures). Runs whole canary audits of {@link #SEEDS} replicates at a stated scale:
 * <ul>
 * <li>null audits ({@code studentInit: independent}: S starts from an init of its own, so S and X are
 * exchangeable and nothing can transfer): how often the verdict is TRANSFER_DETECTED, and how often the primary
 * paired test alone is significant at the rule's α (the test's size, which the verdict's further clauses only
 * lower), each with a one-sided 95 % Clopper–Pearson upper bound;</li>
 * <li>positive audits with S's init perturbed by Gaussian noise of each given SD (0 = the canary proper), a
 * power curve: the mean S_aux − X_aux effect and how often each verdict came out.</li>
 * </ul>
 * The paired differences S_aux − X_aux give the seed-to-seed SD the runner plans power with.
 *
 * <p>Arguments: {@code nullAudits positiveAudits noise,noise,... workers nullTrain positiveTrain}.
 */
public final class CanaryErrorRates {

    static final int SEEDS = 6;

    record Scale(int train, int test, int teacherEpochs, int distillEpochs, int batch, int auxLogits) {

        ObjectNode parameters(long seed) {
            return JsonNodeFactory.instance.objectNode().put("data", "synthetic").put("replicates", SEEDS).put("seed", seed)
                    .put("syntheticTrain", train).put("syntheticTest", test).put("teacherEpochs", teacherEpochs)
                    .put("distillEpochs", distillEpochs).put("batch", batch).put("auxLogits", auxLogits).put("threads", 1);
        }
    }

    record Audit(Outcome outcome, boolean primarySignificant, double effect, double[] differences, String reason) {
    }

    public static void main(String[] args) throws Exception {
        int nullAudits = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int positiveAudits = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        double[] noises = args.length > 2 ? parseList(args[2]) : new double[] { 0, 0.01, 0.02, 0.04 };
        int workers = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Scale nullScale = new Scale(args.length > 4 ? Integer.parseInt(args[4]) : 1000, 1000, 5, 5, 128, 10);
        Scale positiveScale = new Scale(args.length > 5 ? Integer.parseInt(args[5]) : 4000, 1000, 10, 10, 256, 10);

        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<Audit>> nulls = new ArrayList<>();
        for (int i = 0; i < nullAudits; i++) {
            ObjectNode p = nullScale.parameters(1_000_000L + i).put("studentInit", CanaryParameters.INDEPENDENT);
            nulls.add(pool.submit(() -> audit(p)));
        }
        Map<Double, List<Future<Audit>>> positives = new java.util.LinkedHashMap<>();
        for (double noise : noises) {
            List<Future<Audit>> level = new ArrayList<>();
            for (int i = 0; i < positiveAudits; i++) {
                ObjectNode p = positiveScale.parameters(2_000_000L + i).put("studentInitNoise", noise);
                level.add(pool.submit(() -> audit(p)));
            }
            positives.put(noise, level);
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "canary error rates: %d seeds per audit, α %.2f, margin %.2f%n", SEEDS,
                VerdictPlans.CANARY_ALPHA, VerdictPlans.CANARY_MARGIN));
        out.append(String.format(Locale.ROOT, "null scale %s%npositive scale %s%n%n", nullScale, positiveScale));
        List<Audit> nullResults = collect(nulls);
        if (!nullResults.isEmpty()) {
            nullSection(out, nullResults);
        }
        out.append(String.format(Locale.ROOT, "%-10s %3s %-10s %-10s %-52s %-28s %s%n", "noise SD", "n", "effect", "SD", "verdicts",
                "TRANSFER_DETECTED (95 % CI)", "clauses of the others"));
        for (Map.Entry<Double, List<Future<Audit>>> level : positives.entrySet()) {
            List<Audit> rs = collect(level.getValue());
            int k = count(rs, Outcome.TRANSFER_DETECTED);
            double[] ci = ClopperPearson.interval(k, rs.size(), 0.95);
            out.append(String.format(Locale.ROOT, "%-10.3f %3d %-10.4f %-10.4f %-52s %-28s %s%n", level.getKey(), rs.size(),
                    mean(rs), pooledSd(rs), outcomes(rs), String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", (double) k / rs.size(), ci[0],
                            ci[1]), reasons(rs)));
            out.append("           per-audit effects ").append(rs.stream().map(a -> String.format(Locale.ROOT, "%.3f", a.effect())).toList())
                    .append('\n');
        }
        pool.shutdown();
        out.append(String.format(Locale.ROOT, "%n%.0f s with %d workers%n", (System.nanoTime() - start) / 1e9, workers));
        System.out.print(out);
    }

    private static void nullSection(StringBuilder out, List<Audit> nullResults) {
        int detected = count(nullResults, Outcome.TRANSFER_DETECTED);
        int significant = (int) nullResults.stream().filter(Audit::primarySignificant).count();
        out.append(String.format(Locale.ROOT, "null audits (studentInit independent): %d%n", nullResults.size()));
        out.append(String.format(Locale.ROOT, "  TRANSFER_DETECTED %d = %.3f (95 %% upper bound %.3f)%n", detected,
                (double) detected / nullResults.size(), ClopperPearson.upperBound(detected, nullResults.size(), 0.95)));
        out.append(String.format(Locale.ROOT, "  primary test significant at α %d = %.3f (95 %% upper bound %.3f)%n", significant,
                (double) significant / nullResults.size(), ClopperPearson.upperBound(significant, nullResults.size(), 0.95)));
        out.append("  verdicts ").append(outcomes(nullResults)).append('\n');
        out.append("  deciding clause of the others ").append(reasons(nullResults)).append('\n');
        out.append(String.format(Locale.ROOT, "  S_aux − X_aux: mean %.4f, within-audit SD %.4f%n%n", mean(nullResults),
                pooledSd(nullResults)));
    }

    static Audit audit(ObjectNode parameters) {
        ProbeResult r = new CanaryProtocol().run(parameters, new Progress(new PrintStream(OutputStream.nullOutputStream()), "canary"));
        List<Double> s = r.arms().get("S_aux").scores();
        List<Double> x = r.arms().get("X_aux").scores();
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.get(i) - x.get(i);
        }
        ComparisonResult primary = r.comparisons().stream().filter(ComparisonResult::primary).findFirst().orElseThrow();
        boolean significant = primary.pValue() != null && primary.pValue() < VerdictPlans.CANARY_ALPHA;
        String reason = r.verdict().outcome() == Outcome.TRANSFER_DETECTED ? "" : clause(r.verdict().reasons());
        return new Audit(r.verdict().outcome(), significant, java.util.Arrays.stream(d).average().orElse(Double.NaN), d, reason);
    }

    private static List<Audit> collect(List<Future<Audit>> futures) throws InterruptedException, ExecutionException {
        List<Audit> out = new ArrayList<>();
        for (Future<Audit> f : futures) {
            out.add(f.get());
        }
        return out;
    }

    private static int count(List<Audit> rs, Outcome outcome) {
        return (int) rs.stream().filter(a -> a.outcome() == outcome).count();
    }

    private static Map<Outcome, Integer> outcomes(List<Audit> rs) {
        Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        rs.forEach(a -> m.merge(a.outcome(), 1, Integer::sum));
        return m;
    }

    /** Which clause of the rule decided a verdict other than a detection. */
    static String clause(List<String> reasons) {
        for (String key : List.of("not shown", "no variance", "underpowered", "but not above", "runs failed")) {
            if (reasons.stream().anyMatch(r -> r.contains(key))) {
                return key;
            }
        }
        return reasons.stream().anyMatch(r -> r.contains("< margin")) ? "bounded below the margin" : "other";
    }

    private static Map<String, Integer> reasons(List<Audit> rs) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        rs.stream().filter(a -> !a.reason().isEmpty()).forEach(a -> m.merge(a.reason(), 1, Integer::sum));
        return m;
    }

    private static double mean(List<Audit> rs) {
        return rs.stream().mapToDouble(Audit::effect).average().orElse(Double.NaN);
    }

    /** The SD of S_aux − X_aux within an audit, pooled over audits: the seed-to-seed SD a plan needs. */
    private static double pooledSd(List<Audit> rs) {
        double ss = 0;
        int df = 0;
        for (Audit a : rs) {
            double m = a.effect();
            for (double d : a.differences()) {
                ss += (d - m) * (d - m);
            }
            df += a.differences().length - 1;
        }
        return Math.sqrt(ss / df);
    }

    private static double[] parseList(String s) {
        return java.util.Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
