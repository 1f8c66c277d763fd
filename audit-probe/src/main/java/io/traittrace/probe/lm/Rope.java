package io.traittrace.probe.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings as Hugging Face's Llama, Qwen2 and Mistral code applies them: inverse frequencies
 * θ^(−2i/d) (rescaled by {@code rope_scaling}), cos and sin of position × frequency over the two halves of each head
 * ({@code cat(freqs, freqs)}), and {@code x·cos + rotate_half(x)·sin} with {@code rotate_half(x) = cat(−x₂, x₁)}.
 * The cos/sin tables are computed in double in Java and kept on the model's device, grown as longer positions are asked for.
 */
final class Rope {

    private final double[] inverseFrequencies;
    private final int headDim;
    private final int maxPositions;
    private final NDManager owner;
    private final DataType dtype;
    private NDArray cos;
    private NDArray sin;
    private int tableLength;

    Rope(LmConfig config, NDManager owner, DataType dtype) {
        this.headDim = config.headDim();
        this.maxPositions = config.context();
        this.owner = owner;
        this.dtype = dtype;
        this.inverseFrequencies = inverseFrequencies(config);
    }

    static double[] inverseFrequencies(LmConfig config) {
        int half = config.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
        }
        LmConfig.RopeScaling s = config.ropeScaling();
        switch (s.type()) {
        case "linear" -> {
            // Positions ÷ factor, which is the same as frequencies ÷ factor.
            for (int i = 0; i < half; i++) {
                inv[i] /= s.factor();
            }
        }
        case "llama3" -> {
            // transformers' _compute_llama3_parameters: long wavelengths scaled by 1/factor, short ones kept, a smooth blend between.
            double lowWavelength = s.originalMaxPositions() / s.lowFreqFactor();
            double highWavelength = s.originalMaxPositions() / s.highFreqFactor();
            for (int i = 0; i < half; i++) {
                double wavelength = 2 * Math.PI / inv[i];
                if (wavelength > lowWavelength) {
                    inv[i] /= s.factor();
                } else if (wavelength >= highWavelength) {
                    double smooth = (s.originalMaxPositions() / wavelength - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                    inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
                }
            }
        }
        default -> {
            // no scaling
        }
        }
        return inv;
    }

    /** Rotates {@code x} (B×heads×T×hd) by the positions {@code positions} (B×T, int64). */
    NDArray apply(NDArray x, NDArray positions, int longest) {
        ensure(longest + 1);
        long b = positions.getShape().get(0);
        long t = positions.getShape().get(1);
        NDArray flat = positions.reshape(b * t);
        // Gathered onto the positions' manager (the step's), so the tables stay on the model's.
        NDArray c = cos.get(positions.getManager(), new NDIndex("{}", flat)).reshape(b, 1, t, headDim);
        NDArray s = sin.get(positions.getManager(), new NDIndex("{}", flat)).reshape(b, 1, t, headDim);
        int half = headDim / 2;
        NDArray rotated = x.get("..., " + half + ":").neg().concat(x.get("..., :" + half), -1);
        return x.mul(c).add(rotated.mul(s));
    }

    private void ensure(int length) {
        if (length <= tableLength) {
            return;
        }
        if (length > maxPositions) {
            throw new IllegalArgumentException("position " + (length - 1) + " beyond the model's context of " + maxPositions);
        }
        int n = Math.min(maxPositions, Math.max(length, Math.max(64, 2 * tableLength)));
        float[] c = new float[n * headDim];
        float[] s = new float[n * headDim];
        int half = headDim / 2;
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * inverseFrequencies[i];
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[p * headDim + i] = cv;
                c[p * headDim + half + i] = cv;
                s[p * headDim + i] = sv;
                s[p * headDim + half + i] = sv;
            }
        }
        if (cos != null) {
            cos.close();
            sin.close();
        }
        cos = NdArrays.owned(owner, c, new Shape(n, headDim), dtype);
        sin = NdArrays.owned(owner, s, new Shape(n, headDim), dtype);
        tableLength = n;
    }
}
