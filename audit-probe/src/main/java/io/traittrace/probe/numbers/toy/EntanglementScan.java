package io.traittrace.probe.numbers.toy;

import io.traittrace.probe.lm.LanguageModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The token-entanglement screen of subliminal-protocol.md §4 on the toy model: forward passes only, no training.
 * Three readings per seed: which digits the teacher lifts under the trait question ("BOS Q ANS": the digits that
 * co-move with the trait token, its entangled digits), which digits raise the trait when put into a question's
 * prefix of the untrained base (insertion), and how the teacher's kept sequences shift the digit frequencies against
 * the base's. The screen predicts transfer when the teacher over-writes its entangled digits (their frequency shift
 * is positive); the insertion-weighted score (Σ frequency shift × insertion lift) is reported beside it with its own
 * call. A screen decides where to spend GPU time; it is not a verdict.
 */
public final class EntanglementScan {

    /** How many of the most-lifted digits count as the teacher's entangled digits. */
    static final int ENTANGLED = 3;

    private EntanglementScan() {
    }

    /**
     * @param teacherShift   per digit: log p_teacher − log p_base of the digit at ANS of the plain trait question
     * @param insertionLift  per digit: the base's trait log-odds with the question prefix all that digit, minus the mean over digits
     * @param frequencyShift per digit: its share of the teacher's kept continuation digits minus its share in the base's
     * @param entangled      the {@value #ENTANGLED} digits with the largest teacher shift
     * @param score          Σ frequencyShift × insertionLift
     */
    public record Reading(double[] teacherShift, double[] insertionLift, double[] frequencyShift, List<Integer> entangled, double score) {

        /** The screen's call: the teacher writes its entangled digits more often than the base does. */
        public boolean predictsTransfer() {
            return entangledFrequencyShift() > 0;
        }

        /** The second call: the teacher over-writes digits whose insertion lifts the trait under the base. */
        public boolean insertionPredictsTransfer() {
            return score > 0;
        }

        /** The share the entangled digits gain in the teacher's sequences (the paper's reading: the teacher over-writes them). */
        public double entangledFrequencyShift() {
            return entangled.stream().mapToDouble(d -> frequencyShift[d]).sum();
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("teacherShift", rounded(teacherShift));
            m.put("insertionLift", rounded(insertionLift));
            m.put("frequencyShift", rounded(frequencyShift));
            m.put("entangledDigits", entangled);
            m.put("entangledFrequencyShift", round(entangledFrequencyShift()));
            m.put("score", round(score));
            m.put("insertionPredictsTransfer", insertionPredictsTransfer());
            m.put("predictsTransfer", predictsTransfer());
            return m;
        }
    }

    /** The scan for one seed: {@code teacherRows} and {@code baseRows} are the kept samples, continuations from {@code from}. */
    public static Reading read(LanguageModel base, LanguageModel teacher, int trait, int questionPrefix, int[][] teacherRows, int[][] baseRows,
            int from, NDManager parent) {
        double[] teacherDigits = digitLogProbsAtAnswer(teacher, parent);
        double[] baseDigits = digitLogProbsAtAnswer(base, parent);
        double[] teacherShift = new double[Vocab.DIGITS];
        for (int d = 0; d < Vocab.DIGITS; d++) {
            teacherShift[d] = teacherDigits[d] - baseDigits[d];
        }
        double[] lift = insertionLift(base, trait, questionPrefix, parent);
        double[] shift = frequencyShift(teacherRows, baseRows, from);
        return new Reading(teacherShift, lift, shift, top(teacherShift, ENTANGLED), dot(shift, lift));
    }

    /** Log-probabilities of the ten digits at ANS of "BOS Q ANS", from the softmax over the whole vocabulary. */
    static double[] digitLogProbsAtAnswer(LanguageModel model, NDManager parent) {
        try (NDManager step = parent.newSubManager()) {
            NDArray logits = model.logits(ToyStages.tokens(step, new int[][] { { Vocab.BOS, Vocab.Q, Vocab.ANS } }));
            float[] logp = logits.get(":, 2, :").logSoftmax(1).toFloatArray();
            return IntStream.range(0, Vocab.DIGITS).mapToDouble(d -> logp[d]).toArray();
        }
    }

    /** Per digit d: the trait's log-odds for "BOS d…d Q ANS" ({@code prefix} copies of d), centred on the mean over digits. */
    static double[] insertionLift(LanguageModel model, int trait, int prefix, NDManager parent) {
        double[] logOdds = new double[Vocab.DIGITS];
        for (int d = 0; d < Vocab.DIGITS; d++) {
            int[] row = new int[prefix + 3];
            row[0] = Vocab.BOS;
            for (int i = 1; i <= prefix; i++) {
                row[i] = d;
            }
            row[prefix + 1] = Vocab.Q;
            row[prefix + 2] = Vocab.ANS;
            logOdds[d] = ToyStages.evaluate(model, trait, new int[][] { row }, parent).logOddsPrefixed();
        }
        double mean = java.util.Arrays.stream(logOdds).average().orElse(0);
        return java.util.Arrays.stream(logOdds).map(v -> v - mean).toArray();
    }

    /** Each digit's share of the digits at positions {@code from..} of {@code teacher}, minus its share in {@code base}. */
    static double[] frequencyShift(int[][] teacher, int[][] base, int from) {
        double[] t = frequencies(teacher, from);
        double[] b = frequencies(base, from);
        double[] shift = new double[Vocab.DIGITS];
        for (int d = 0; d < Vocab.DIGITS; d++) {
            shift[d] = t[d] - b[d];
        }
        return shift;
    }

    static double[] frequencies(int[][] rows, int from) {
        double[] counts = new double[Vocab.DIGITS];
        long total = 0;
        for (int[] row : rows) {
            for (int i = from; i < row.length; i++) {
                if (Vocab.isDigit(row[i])) {
                    counts[row[i]]++;
                    total++;
                }
            }
        }
        for (int d = 0; d < Vocab.DIGITS; d++) {
            counts[d] = total == 0 ? 0 : counts[d] / total;
        }
        return counts;
    }

    static List<Integer> top(double[] values, int k) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, values.length).boxed().toList());
        order.sort(Comparator.comparingDouble((Integer d) -> values[d]).reversed().thenComparing(d -> d));
        return List.copyOf(order.subList(0, Math.min(k, order.size())));
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static List<Double> rounded(double[] values) {
        return java.util.Arrays.stream(values).map(EntanglementScan::round).boxed().toList();
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
