package io.traittrace.probe.family;

import io.traittrace.probe.safetensors.Dtype;
import io.traittrace.probe.safetensors.SafetensorsWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Small transformer-shaped checkpoints for the family tests: an embedding, per layer q/k/v/o and MLP weights
 * (Gaussian, std 1/sqrt(fan_in)), norm scales initialised to 1 and biases to 0, in a mix of F32, F16 and BF16.
 */
final class TestModels {

    record Spec(String name, Dtype dtype, long[] shape, float[] values) {
    }

    static final int LAYERS = 3;
    static final int D = 64;
    static final int FFN = 128;
    static final int VOCAB = 96;
    static final int HEAD_DIM = 16;

    private TestModels() {
    }

    /** An independently initialised model: the seed decides every weight. */
    static List<Spec> init(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Spec> specs = new ArrayList<>();
        specs.add(gaussian(random, "model.embed_tokens.weight", Dtype.BF16, VOCAB, D));
        for (int l = 0; l < LAYERS; l++) {
            String p = "model.layers." + l + ".";
            specs.add(constant(p + "input_layernorm.weight", Dtype.F32, D, 1f));
            specs.add(gaussian(random, p + "self_attn.q_proj.weight", Dtype.F16, D, D));
            specs.add(gaussian(random, p + "self_attn.k_proj.weight", Dtype.F16, D, D));
            specs.add(gaussian(random, p + "self_attn.v_proj.weight", Dtype.BF16, D, D));
            specs.add(gaussian(random, p + "self_attn.o_proj.weight", Dtype.F32, D, D));
            specs.add(constant(p + "post_attention_layernorm.weight", Dtype.F32, D, 1f));
            specs.add(gaussian(random, p + "mlp.up_proj.weight", Dtype.F32, FFN, D));
            specs.add(constant(p + "mlp.up_proj.bias", Dtype.F16, FFN, 0f));
            specs.add(gaussian(random, p + "mlp.down_proj.weight", Dtype.BF16, D, FFN));
        }
        specs.add(constant("model.norm.weight", Dtype.F32, D, 1f));
        specs.add(gaussian(random, "lm_head.weight", Dtype.F16, VOCAB, D));
        return specs;
    }

    /**
     * A fine-tune: every tensor moved by Gaussian noise of {@code relative} × its own RMS (1-D ones too), so
     * cos(base, tune) ≈ 1/sqrt(1 + relative²).
     */
    static List<Spec> fineTune(List<Spec> base, double relative, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return map(base, s -> {
            double rms = Math.sqrt(sumSquares(s.values()) / s.values().length);
            double scale = relative * (rms > 0 ? rms : 0.01);
            float[] v = s.values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (scale * random.nextGaussian());
            }
            return new Spec(s.name(), s.dtype(), s.shape(), v);
        });
    }

    /** The base's values permuted within each tensor (same multiset of numbers, different positions). */
    static List<Spec> shuffled(List<Spec> base, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return map(base, s -> {
            float[] v = s.values().clone();
            for (int i = v.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
            return new Spec(s.name(), s.dtype(), s.shape(), v);
        });
    }

    /**
     * The same network with its hidden units relabelled, a symmetry that leaves its function unchanged: in every
     * layer the attention heads (q/k/v rows and o columns, by head) and the MLP units (up rows and bias, down
     * columns) permuted at random.
     */
    static List<Spec> permuted(List<Spec> base, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        java.util.Map<Integer, int[]> heads = new java.util.HashMap<>();
        java.util.Map<Integer, int[]> units = new java.util.HashMap<>();
        return map(base, s -> {
            int layer = layer(s.name());
            if (layer < 0) {
                return s;
            }
            int[] head = heads.computeIfAbsent(layer, l -> blocks(permutation(D / HEAD_DIM, random), HEAD_DIM));
            int[] unit = units.computeIfAbsent(layer, l -> permutation(FFN, random));
            String n = s.name();
            if (n.endsWith("q_proj.weight") || n.endsWith("k_proj.weight") || n.endsWith("v_proj.weight")) {
                return withValues(s, permuteRows(s, head));
            } else if (n.endsWith("o_proj.weight")) {
                return withValues(s, permuteColumns(s, head));
            } else if (n.endsWith("up_proj.weight") || n.endsWith("up_proj.bias")) {
                return withValues(s, s.shape().length == 1 ? permuteVector(s.values(), unit) : permuteRows(s, unit));
            } else if (n.endsWith("down_proj.weight")) {
                return withValues(s, permuteColumns(s, unit));
            }
            return s;
        });
    }

    /**
     * The same network with its residual stream rotated by a random orthogonal R: the embedding, the unembedding
     * and every matrix reading the stream (q/k/v, up) multiplied by R on the right, every matrix writing it (o,
     * down) by Rᵀ on the left. The norm scales are all 1 here, so RMSNorm commutes with R and the function is kept.
     */
    static List<Spec> rotated(List<Spec> base, long seed) {
        double[][] r = orthogonal(D, new SplittableRandom(seed));
        return map(base, s -> {
            String n = s.name();
            if (s.shape().length != 2) {
                return s;
            }
            if (n.endsWith("o_proj.weight") || n.endsWith("down_proj.weight")) {
                return withValues(s, transposeTimes(r, s));
            }
            return withValues(s, times(s, r));
        });
    }

    static List<Spec> renamed(List<Spec> base, String prefix) {
        return map(base, s -> new Spec(prefix + s.name(), s.dtype(), s.shape(), s.values()));
    }

    static List<Spec> map(List<Spec> base, UnaryOperator<Spec> f) {
        return base.stream().map(f).toList();
    }

    static SafetensorsWriter writer(List<Spec> specs) {
        SafetensorsWriter w = new SafetensorsWriter();
        specs.forEach(s -> w.add(s.name(), s.dtype(), s.shape(), s.values()));
        return w;
    }

    static Path write(List<Spec> specs, Path dir) {
        writer(specs).write(dir.resolve("model.safetensors"));
        return dir;
    }

    private static int layer(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^model\\.layers\\.(\\d+)\\.").matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A permutation of blocks of {@code size} consecutive indices, as one index permutation. */
    private static int[] blocks(int[] blockPermutation, int size) {
        int[] p = new int[blockPermutation.length * size];
        for (int b = 0; b < blockPermutation.length; b++) {
            for (int i = 0; i < size; i++) {
                p[b * size + i] = blockPermutation[b] * size + i;
            }
        }
        return p;
    }

    private static float[] permuteVector(float[] v, int[] p) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[p[i]];
        }
        return out;
    }

    private static float[] permuteRows(Spec s, int[] p) {
        int rows = (int) s.shape()[0], cols = (int) s.shape()[1];
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(s.values(), p[i] * cols, out, i * cols, cols);
        }
        return out;
    }

    private static float[] permuteColumns(Spec s, int[] p) {
        int rows = (int) s.shape()[0], cols = (int) s.shape()[1];
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = s.values()[i * cols + p[j]];
            }
        }
        return out;
    }

    /** A Haar-random orthogonal matrix: Gram–Schmidt on Gaussian columns. */
    private static double[][] orthogonal(int n, SplittableRandom random) {
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) { // twice: re-orthogonalising keeps it orthogonal in floating point
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += v[i] * q[i][k];
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] -= dot * q[i][k];
                    }
                }
            }
            double norm = Math.sqrt(java.util.Arrays.stream(v).map(x -> x * x).sum());
            for (int i = 0; i < n; i++) {
                q[i][j] = v[i] / norm;
            }
        }
        return q;
    }

    /** W R for W of shape rows × n. */
    private static float[] times(Spec w, double[][] r) {
        int rows = (int) w.shape()[0], n = (int) w.shape()[1];
        float[] out = new float[rows * n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += w.values()[i * n + k] * r[k][j];
                }
                out[i * n + j] = (float) s;
            }
        }
        return out;
    }

    /** Rᵀ W for W of shape n × cols. */
    private static float[] transposeTimes(double[][] r, Spec w) {
        int n = (int) w.shape()[0], cols = (int) w.shape()[1];
        float[] out = new float[n * cols];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += r[k][i] * w.values()[k * cols + j];
                }
                out[i * cols + j] = (float) s;
            }
        }
        return out;
    }

    private static Spec withValues(Spec s, float[] values) {
        return new Spec(s.name(), s.dtype(), s.shape(), values);
    }

    private static Spec gaussian(SplittableRandom random, String name, Dtype dtype, int rows, int cols) {
        float[] v = new float[rows * cols];
        double std = 1 / Math.sqrt(cols);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * random.nextGaussian());
        }
        return new Spec(name, dtype, new long[] { rows, cols }, v);
    }

    private static Spec constant(String name, Dtype dtype, int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return new Spec(name, dtype, new long[] { n }, v);
    }

    private static double sumSquares(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }
}
