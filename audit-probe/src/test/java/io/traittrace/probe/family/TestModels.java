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
