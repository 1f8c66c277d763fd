package io.traittrace.probe.canary;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The canary's network, 784 → 256 → ReLU → 256 → ReLU → 10 + m, as explicit parameter arrays with a
 * hand-written backward pass and a hand-written Adam (PyTorch's update rule: β1 0.9, β2 0.999, ε 1e-8, bias
 * correction, no weight decay). No DJL Block, Trainer or initializer is involved, so the weights a network
 * starts from are exactly the arrays it was given (DJL's pitfalls: its default initializer is not PyTorch's,
 * and weights loaded after {@code trainer.initialize()} silently stop training).
 *
 * <p>Weights are stored (in, out), so a layer is {@code x·W + b}. Every training step runs under its own
 * sub-manager: the parameters and optimizer state are temporarily attached to it, and all temporaries die
 * with it, which keeps memory flat.
 */
final class Mlp implements AutoCloseable {

    static final int INPUT = ImageSet.PIXELS;
    static final int HIDDEN = 256;
    static final int DIGITS = 10;
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPS = 1e-8f;

    /** What a step minimises. */
    enum Loss {
        /** Cross-entropy on the 10 digit logits; target = one-hot labels (B×10). The aux logits get no gradient. */
        CROSS_ENTROPY_DIGITS,
        /** KL(teacher‖student) at T = 1 over the softmax of the m aux logits only; target = teacher's probabilities (B×m). */
        KL_AUX,
        /** KL(teacher‖student) at T = 1 over the softmax of all 10 + m logits; target = teacher's probabilities (B×(10+m)). */
        KL_ALL
    }

    private final NDManager manager;
    private final int outputs;
    /** w1, b1, w2, b2, w3, b3. */
    final NDArray[] params;
    private final NDArray[] m;
    private final NDArray[] v;
    private int steps;

    /**
     * Initial weights drawn from {@code seed}: every weight N(0, std 1/√fan_in), every bias 0 (the authors'
     * script). Java-side draws, so an init is the same on CPU and GPU and can be re-created from its seed.
     */
    static float[][] initialWeights(long seed, int outputs) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] shapes = { { INPUT, HIDDEN }, { HIDDEN, HIDDEN }, { HIDDEN, outputs } };
        float[][] init = new float[6][];
        for (int layer = 0; layer < 3; layer++) {
            int fanIn = shapes[layer][0];
            double std = 1.0 / Math.sqrt(fanIn);
            float[] w = new float[shapes[layer][0] * shapes[layer][1]];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rng.nextGaussian() * std);
            }
            init[2 * layer] = w;
            init[2 * layer + 1] = new float[shapes[layer][1]];
        }
        return init;
    }

    Mlp(NDManager parent, float[][] init, int outputs) {
        this.manager = parent.newSubManager();
        this.outputs = outputs;
        Shape[] shapes = shapes(outputs);
        params = new NDArray[6];
        m = new NDArray[6];
        v = new NDArray[6];
        for (int i = 0; i < 6; i++) {
            if (init[i].length != shapes[i].size()) {
                throw new IllegalArgumentException("init array " + i + " has " + init[i].length + " values, expected " + shapes[i]);
            }
            params[i] = manager.create(init[i], shapes[i]);
            m[i] = manager.zeros(shapes[i], DataType.FLOAT32);
            v[i] = manager.zeros(shapes[i], DataType.FLOAT32);
        }
    }

    static Shape[] shapes(int outputs) {
        return new Shape[] { new Shape(INPUT, HIDDEN), new Shape(HIDDEN), new Shape(HIDDEN, HIDDEN), new Shape(HIDDEN),
                new Shape(HIDDEN, outputs), new Shape(outputs) };
    }

    int outputs() {
        return outputs;
    }

    /** The parameters as Java arrays (tests: init copying). */
    float[][] snapshot() {
        float[][] out = new float[6][];
        for (int i = 0; i < 6; i++) {
            out[i] = params[i].toFloatArray();
        }
        return out;
    }

    /** Logits (B×(10+m)) for {@code x} (B×784), owned by {@code x}'s manager. */
    NDArray forward(NDArray x) {
        NDManager step = x.getManager();
        attachAll(step);
        NDArray a1 = Activation.relu(x.matMul(params[0]).addi(params[1]));
        NDArray a2 = Activation.relu(a1.matMul(params[2]).addi(params[3]));
        return a2.matMul(params[4]).addi(params[5]);
    }

    /**
     * One Adam step on the batch {@code x} (B×784) and its {@code target}, both owned by the step's sub-manager
     * (which must be closed by the caller after the step). Returns the batch loss when {@code wantLoss}, else NaN.
     */
    float step(NDArray x, Loss loss, NDArray target, float lr, boolean wantLoss) {
        float[] lossValue = new float[1];
        NDArray[] grads = gradients(x, loss, target, wantLoss ? lossValue : null);
        adam(grads, lr);
        return wantLoss ? lossValue[0] : Float.NaN;
    }

    /**
     * The gradient of the per-example mean loss for every parameter (w1, b1, w2, b2, w3, b3), by hand:
     * d loss / d logits = softmax − target on the supervised logits (0 on the others), then back through the
     * three layers. Writes the loss into {@code lossOut[0]} when given.
     */
    NDArray[] gradients(NDArray x, Loss loss, NDArray target, float[] lossOut) {
        NDManager step = x.getManager();
        attachAll(step);
        long batch = x.getShape().get(0);
        // Forward, keeping what the backward pass needs.
        NDArray z1 = x.matMul(params[0]).addi(params[1]);
        NDArray a1 = Activation.relu(z1);
        NDArray z2 = a1.matMul(params[2]).addi(params[3]);
        NDArray a2 = Activation.relu(z2);
        NDArray out = a2.matMul(params[4]).addi(params[5]);

        NDArray dOut;
        NDArray logits = switch (loss) {
        case CROSS_ENTROPY_DIGITS -> out.get(":, :" + DIGITS);
        case KL_AUX -> out.get(":, " + DIGITS + ":");
        case KL_ALL -> out;
        };
        NDArray g = logits.softmax(1).subi(target).divi(batch);
        dOut = switch (loss) {
        case CROSS_ENTROPY_DIGITS -> NDArrays.concat(new NDList(g, step.zeros(new Shape(batch, outputs - DIGITS))), 1);
        case KL_AUX -> NDArrays.concat(new NDList(step.zeros(new Shape(batch, DIGITS)), g), 1);
        case KL_ALL -> g;
        };

        NDArray[] grads = new NDArray[6];
        grads[4] = a2.transpose().matMul(dOut);
        grads[5] = dOut.sum(new int[] { 0 });
        NDArray dz2 = dOut.matMul(params[4].transpose()).muli(z2.gt(0).toType(DataType.FLOAT32, false));
        grads[2] = a1.transpose().matMul(dz2);
        grads[3] = dz2.sum(new int[] { 0 });
        NDArray dz1 = dz2.matMul(params[2].transpose()).muli(z1.gt(0).toType(DataType.FLOAT32, false));
        grads[0] = x.transpose().matMul(dz1);
        grads[1] = dz1.sum(new int[] { 0 });

        if (lossOut != null) {
            // Cross-entropy: −Σ y·log p; KL: Σ p_t·(log p_t − log p_s); both averaged per example.
            NDArray logProbs = logits.logSoftmax(1);
            NDArray perExample = loss == Loss.CROSS_ENTROPY_DIGITS
                    ? target.mul(logProbs).neg()
                    : target.mul(target.maximum(1e-30f).log().subi(logProbs));
            lossOut[0] = perExample.sum().getFloat() / batch;
        }
        return grads;
    }

    /** PyTorch's Adam: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε). */
    private void adam(NDArray[] grads, float lr) {
        steps++;
        double bc1 = 1 - Math.pow(BETA1, steps);
        double bc2 = 1 - Math.pow(BETA2, steps);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (int i = 0; i < 6; i++) {
            NDArray g = grads[i];
            m[i].muli(BETA1).addi(g.mul(1 - BETA1));
            v[i].muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
            NDArray denom = v[i].sqrt().divi(bc2Sqrt).addi(EPS);
            params[i].subi(m[i].div(denom).muli(stepSize));
        }
    }

    /** Parameters and optimizer state join the step's manager until it closes, so temporaries made from them die with it. */
    private void attachAll(NDManager step) {
        if (step == manager) {
            return;
        }
        for (int i = 0; i < 6; i++) {
            params[i].tempAttach(step);
            m[i].tempAttach(step);
            v[i].tempAttach(step);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
