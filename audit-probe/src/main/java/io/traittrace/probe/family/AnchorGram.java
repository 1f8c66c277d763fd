package io.traittrace.probe.family;

import java.util.SplittableRandom;

/**
 * The family test's symmetry-invariant statistic. A weight matrix with one axis pinned to something the network
 * cannot relabel (the vocabulary of an embedding or unembedding) is read as {@code rows × columns}, rows on the
 * pinned axis. Its Gram matrix over those rows, after centring the columns, does not change when the columns
 * are rotated or permuted, which is what a permutation of hidden units or a rotation of the residual stream does
 * to such a matrix. Two checkpoints are compared by the Pearson correlation of their Grams' off-diagonal entries.
 *
 * <p>Under isotropic drift of relative size s the correlation is about 1/(1 + s²), the square of the direct
 * cosine 1/√(1 + s²). Its chance level depends on the number of rows and columns, so it is read against a
 * permutation null computed on the same Grams: the rows of B relabelled at random {@link #PERMUTATIONS} times.
 */
final class AnchorGram {

    static final int PERMUTATIONS = 200;
    static final long NULL_SEED = 0x5eedL;

    /** The correlation of the two Grams, its permutation null (mean, SD), its z-score and one-sided p-value. */
    record Result(int rows, int columns, double correlation, double nullMean, double nullSd, double z, double p) {

        boolean defined() {
            return Double.isFinite(correlation) && Double.isFinite(z);
        }
    }

    private AnchorGram() {
    }

    /** {@code a} and {@code b} hold {@code rows × columns} values, row after row, the same rows in both. */
    static Result compare(float[] a, float[] b, int rows, int columns) {
        if (rows < 3 || a.length != (long) rows * columns || b.length != a.length) {
            throw new IllegalArgumentException("Need two arrays of rows x columns with at least 3 rows");
        }
        double[][] ga = gram(a, rows, columns);
        double[][] gb = gram(b, rows, columns);
        double meanA = offDiagonalMean(ga), meanB = offDiagonalMean(gb);
        double varA = 0, varB = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = i + 1; j < rows; j++) {
                double x = ga[i][j] - meanA, y = gb[i][j] - meanB;
                varA += x * x;
                varB += y * y;
            }
        }
        double scale = Math.sqrt(varA) * Math.sqrt(varB);
        if (!(scale > 0)) {
            return new Result(rows, columns, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        // Relabelling B's rows maps off-diagonal pairs onto off-diagonal pairs: only the cross term changes.
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) {
            identity[i] = i;
        }
        double observed = crossSum(ga, gb, meanA, meanB, identity) / scale;
        SplittableRandom random = new SplittableRandom(NULL_SEED);
        double sum = 0, sumSquares = 0;
        int atLeast = 0;
        int[] pi = identity.clone();
        for (int k = 0; k < PERMUTATIONS; k++) {
            shuffle(pi, random);
            double r = crossSum(ga, gb, meanA, meanB, pi) / scale;
            sum += r;
            sumSquares += r * r;
            if (r >= observed) {
                atLeast++;
            }
        }
        double nullMean = sum / PERMUTATIONS;
        double nullSd = Math.sqrt(Math.max(0, (sumSquares - PERMUTATIONS * nullMean * nullMean) / (PERMUTATIONS - 1)));
        double z = nullSd > 0 ? (observed - nullMean) / nullSd : Double.NaN;
        return new Result(rows, columns, observed, nullMean, nullSd, z, (1.0 + atLeast) / (PERMUTATIONS + 1));
    }

    /** The rows {@code floor(i · total / wanted)}: all rows when there are at most {@code wanted}. */
    static int[] sampleRows(long total, int wanted) {
        int n = (int) Math.min(total, wanted);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = (int) (i * total / n);
        }
        return rows;
    }

    private static double[][] gram(float[] values, int rows, int columns) {
        double[] mean = new double[columns];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < columns; c++) {
                mean[c] += values[i * columns + c];
            }
        }
        for (int c = 0; c < columns; c++) {
            mean[c] /= rows;
        }
        double[][] centred = new double[rows][columns];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < columns; c++) {
                centred[i][c] = values[i * columns + c] - mean[c];
            }
        }
        double[][] g = new double[rows][rows];
        for (int i = 0; i < rows; i++) {
            double[] x = centred[i];
            for (int j = i + 1; j < rows; j++) {
                double[] y = centred[j];
                double s = 0;
                for (int c = 0; c < columns; c++) {
                    s += x[c] * y[c];
                }
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        return g;
    }

    private static double offDiagonalMean(double[][] g) {
        double s = 0;
        int n = g.length;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s += g[i][j];
            }
        }
        return s / ((double) n * (n - 1) / 2);
    }

    private static double crossSum(double[][] ga, double[][] gb, double meanA, double meanB, int[] pi) {
        double s = 0;
        int n = ga.length;
        for (int i = 0; i < n; i++) {
            double[] rowB = gb[pi[i]];
            for (int j = i + 1; j < n; j++) {
                s += (ga[i][j] - meanA) * (rowB[pi[j]] - meanB);
            }
        }
        return s;
    }

    private static void shuffle(int[] v, SplittableRandom random) {
        for (int i = v.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    }
}
