package io.traittrace.probe.lm;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Teacher-forced log-probabilities of given completions, the basis of every score: row = prompt ids then completion ids,
 * right-padded into batches; the model reads each row once and the natural-log probability of completion token k is read
 * at the position before it (log-softmax over the vocabulary, in F32).
 */
public final class Scorer {

    private Scorer() {
    }

    /** One row to score. */
    public record Row(int[] prompt, int[] completion) {
        public Row {
            if (prompt.length == 0) {
                throw new IllegalArgumentException("a prompt needs at least one token (the first completion token is predicted from it)");
            }
        }

        int length() {
            return prompt.length + completion.length;
        }
    }

    /** Per row, one log-probability per completion token, in batches of {@code batch} rows. */
    public static List<double[]> logprobs(LanguageModel model, List<Row> rows, int batch, NDManager parent) {
        List<double[]> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            if (row.length() > model.maxLength()) {
                throw new IllegalArgumentException("prompt and completion are " + row.length() + " tokens; the model's context is " + model.maxLength());
            }
        }
        for (int from = 0; from < rows.size(); from += batch) {
            out.addAll(batch(model, rows.subList(from, Math.min(rows.size(), from + batch)), parent));
        }
        return out;
    }

    /**
     * Rows right-padded into one B×T batch: the token ids, each row's length, and for every completion token the flat
     * position (row·T + slot) that predicts it and its id.
     */
    record Packed(long[] tokens, int width, int[] lengths, long[] at, long[] targets) {

        static Packed of(List<Row> rows) {
            int b = rows.size();
            int t = rows.stream().mapToInt(Row::length).max().orElseThrow();
            long[] tokens = new long[b * t];
            int[] lengths = new int[b];
            int picks = rows.stream().mapToInt(r -> r.completion().length).sum();
            long[] at = new long[picks];
            long[] targets = new long[picks];
            int k = 0;
            for (int r = 0; r < b; r++) {
                Row row = rows.get(r);
                lengths[r] = row.length();
                for (int i = 0; i < row.prompt().length; i++) {
                    tokens[r * t + i] = row.prompt()[i];
                }
                for (int i = 0; i < row.completion().length; i++) {
                    int slot = row.prompt().length + i;
                    tokens[r * t + slot] = row.completion()[i];
                    at[k] = (long) r * t + slot - 1;
                    targets[k++] = row.completion()[i];
                }
            }
            return new Packed(tokens, t, lengths, at, targets);
        }

        /** Log-probabilities N×1 (F32) of the completion tokens, differentiable. */
        NDArray logprobs(LanguageModel model, NDManager step) {
            int b = lengths.length;
            NDArray ids = NdArrays.owned(step, tokens, new Shape(b, width));
            NDArray logits = model.logitsAt(ids, new int[b], lengths, at).toType(DataType.FLOAT32, false);
            return logits.logSoftmax(1).gather(NdArrays.owned(step, targets, new Shape(targets.length, 1)), 1);
        }
    }

    private static List<double[]> batch(LanguageModel model, List<Row> rows, NDManager parent) {
        int b = rows.size();
        Packed packed = Packed.of(rows);
        List<double[]> out = new ArrayList<>(b);
        if (packed.targets().length == 0) {
            rows.forEach(r -> out.add(new double[0]));
            return out;
        }
        float[] values;
        try (NDManager step = parent.newSubManager()) {
            values = packed.logprobs(model, step).toFloatArray();
        }
        int k = 0;
        for (Row row : rows) {
            double[] lp = new double[row.completion().length];
            for (int i = 0; i < lp.length; i++) {
                lp[i] = values[k++];
            }
            out.add(lp);
        }
        return out;
    }
}
