package io.traittrace.probe.numbers.toy;

import io.traittrace.probe.lm.LanguageModel;
import io.traittrace.probe.lm.LayerCache;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;

/**
 * A small decoder-only transformer (subliminal-protocol.md §3b): token embedding tied to the output projection
 * (no output bias), learned positions, pre-LayerNorm blocks (causal multi-head self-attention, ReLU or GELU FFN),
 * a final LayerNorm; dropout 0. Weights are explicit NDArrays with {@code setRequiresGradient(true)}; a step runs
 * DJL's autograd ({@link Engine#newGradientCollector()}) and a hand-written Adam with PyTorch's update rule
 * (β1 0.9, β2 0.999, ε 1e-8, bias correction, no weight decay). No DJL Block or Trainer.
 *
 * <p>Init ({@link #initialWeights}, {@link Init}), drawn in Java from one seed so it is the same on CPU and GPU:
 * PyTorch's module defaults by default, GPT-2's as an option. Matrices are stored (in, out): a linear layer is
 * {@code x·W + b}.
 *
 * <p>Parameter order: token embedding V×d, positions L×d; per layer ln1 scale, ln1 shift, Wqkv d×3d, bqkv, Wo d×d,
 * bo, ln2 scale, ln2 shift, W1 d×f, b1, W2 f×d, b2; final LayerNorm scale, shift.
 */
public final class TinyTransformer implements LanguageModel {

    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPS = 1e-8f;
    static final float LN_EPS = 1e-5f;
    static final int PER_LAYER = 12;

    /** Sizes: §3b's are {@link #paper()}. */
    public record Config(int vocab, int layers, int dModel, int heads, int ffn, int maxLength, Init init, boolean gelu) {
        public Config {
            if (vocab < 1 || layers < 1 || dModel < 1 || heads < 1 || ffn < 1 || maxLength < 1 || dModel % heads != 0 || init == null) {
                throw new IllegalArgumentException("bad transformer config " + this);
            }
        }

        /** PyTorch's init and ReLU (nn.TransformerEncoderLayer's defaults). */
        public Config(int vocab, int layers, int dModel, int heads, int ffn, int maxLength) {
            this(vocab, layers, dModel, heads, ffn, maxLength, Init.PYTORCH, false);
        }

        public static Config paper() {
            return new Config(Vocab.SIZE, 2, 64, 4, 256, 32);
        }

        public Shape[] shapes() {
            List<Shape> s = new ArrayList<>();
            s.add(new Shape(vocab, dModel));
            s.add(new Shape(maxLength, dModel));
            for (int l = 0; l < layers; l++) {
                s.add(new Shape(dModel));
                s.add(new Shape(dModel));
                s.add(new Shape(dModel, 3L * dModel));
                s.add(new Shape(3L * dModel));
                s.add(new Shape(dModel, dModel));
                s.add(new Shape(dModel));
                s.add(new Shape(dModel));
                s.add(new Shape(dModel));
                s.add(new Shape(dModel, ffn));
                s.add(new Shape(ffn));
                s.add(new Shape(ffn, dModel));
                s.add(new Shape(dModel));
            }
            s.add(new Shape(dModel));
            s.add(new Shape(dModel));
            return s.toArray(Shape[]::new);
        }

        public long parameterCount() {
            long n = 0;
            for (Shape s : shapes()) {
                n += s.size();
            }
            return n;
        }

        public String describe() {
            return "decoder-only transformer: vocab " + vocab + ", " + layers + " layers, d_model " + dModel + ", " + heads + " heads, FFN " + ffn
                    + (gelu ? " (GELU)" : " (ReLU)") + ", pre-LayerNorm, dropout 0, learned positions (" + maxLength + "), final LayerNorm, embedding tied to the "
                    + "output projection without bias; " + parameterCount() + " parameters; init " + init.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How the weights are drawn (in Java, from one seed). */
    public enum Init {
        /**
         * PyTorch's defaults for the same modules (nn.Embedding, nn.TransformerEncoderLayer with norm_first, nn.LayerNorm):
         * token and position embeddings N(0, 1); Wqkv Xavier-uniform over the 3d×d in-projection, U(±√(6/(4d))), its bias 0;
         * Wo U(±1/√d) (kaiming-uniform a = √5), bias 0; W1 U(±1/√d), b1 U(±1/√d); W2 U(±1/√f), b2 U(±1/√f);
         * LayerNorm scale 1, shift 0.
         */
        PYTORCH,
        /** GPT-2: matrices and embeddings N(0, 0.02²), residual projections N(0, (0.02/√(2·layers))²), biases 0, LayerNorm 1/0. */
        GPT2
    }

    /** The init of {@code seed} under {@link Config#init()}; parameters drawn in parameter order from one generator. */
    public static float[][] initialWeights(Config c, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Shape[] shapes = c.shapes();
        float[][] w = new float[shapes.length][];
        boolean torch = c.init() == Init.PYTORCH;
        double residualStd = 0.02 / Math.sqrt(2.0 * c.layers());
        double d = c.dModel();
        for (int i = 0; i < shapes.length; i++) {
            float[] a = new float[Math.toIntExact(shapes[i].size())];
            int role = i < 2 ? -1 : i >= 2 + PER_LAYER * c.layers() ? 100 + (i - 2 - PER_LAYER * c.layers()) : (i - 2) % PER_LAYER;
            switch (role) {
            case -1 -> gaussian(a, rng, torch ? 1.0 : 0.02);
            case 2 -> {
                if (torch) {
                    uniform(a, rng, Math.sqrt(6.0 / (4 * d)));
                } else {
                    gaussian(a, rng, 0.02);
                }
            }
            case 4 -> {
                if (torch) {
                    uniform(a, rng, 1 / Math.sqrt(d));
                } else {
                    gaussian(a, rng, residualStd);
                }
            }
            case 8 -> {
                if (torch) {
                    uniform(a, rng, 1 / Math.sqrt(d));
                } else {
                    gaussian(a, rng, 0.02);
                }
            }
            case 9 -> {
                if (torch) {
                    uniform(a, rng, 1 / Math.sqrt(d));
                }
            }
            case 10 -> {
                if (torch) {
                    uniform(a, rng, 1 / Math.sqrt(c.ffn()));
                } else {
                    gaussian(a, rng, residualStd);
                }
            }
            case 11 -> {
                if (torch) {
                    uniform(a, rng, 1 / Math.sqrt(c.ffn()));
                }
            }
            case 0, 6, 100 -> java.util.Arrays.fill(a, 1f);
            default -> {
                // qkv and out-projection biases and LayerNorm shifts stay 0
            }
            }
            w[i] = a;
        }
        return w;
    }

    private static void uniform(float[] a, SplittableRandom rng, double bound) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    private static void gaussian(float[] a, SplittableRandom rng, double std) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextGaussian() * std);
        }
    }

    private final Config config;
    private final NDManager manager;
    final NDArray[] params;
    private final NDArray[] m;
    private final NDArray[] v;
    private int steps;

    public TinyTransformer(NDManager parent, Config config, float[][] init) {
        this.config = config;
        this.manager = parent.newSubManager();
        Shape[] shapes = config.shapes();
        if (init.length != shapes.length) {
            throw new IllegalArgumentException("init has " + init.length + " arrays, expected " + shapes.length);
        }
        params = new NDArray[shapes.length];
        m = new NDArray[shapes.length];
        v = new NDArray[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            if (init[i].length != shapes[i].size()) {
                throw new IllegalArgumentException("init array " + i + " has " + init[i].length + " values, expected " + shapes[i]);
            }
            params[i] = nativeCopy(manager.create(init[i], shapes[i]));
            params[i].setRequiresGradient(true);
            m[i] = manager.zeros(shapes[i], DataType.FLOAT32);
            v[i] = manager.zeros(shapes[i], DataType.FLOAT32);
        }
    }

    public Config config() {
        return config;
    }

    @Override
    public int vocabulary() {
        return config.vocab();
    }

    @Override
    public int maxLength() {
        return config.maxLength();
    }

    @Override
    public long parameterCount() {
        return config.parameterCount();
    }

    /** The weights as Java arrays, in parameter order. */
    public float[][] snapshot() {
        float[][] out = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            out[i] = params[i].toFloatArray();
        }
        return out;
    }

    @Override
    public TinyTransformer copy(NDManager parent) {
        return new TinyTransformer(parent, config, snapshot());
    }

    @Override
    public NDArray logits(NDArray tokens) {
        NDManager step = tokens.getManager();
        attachAll(step);
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        if (t > config.maxLength()) {
            throw new IllegalArgumentException("sequence of " + t + " tokens, the model takes at most " + config.maxLength());
        }
        int d = config.dModel();
        int h = config.heads();
        int dh = d / h;
        NDArray embedding = params[0];
        NDArray x = tokens.oneHot(config.vocab()).matMul(embedding).add(params[1].get("0:" + t));
        NDArray mask = causalMask(step, (int) t);
        float scale = (float) (1.0 / Math.sqrt(dh));
        for (int l = 0; l < config.layers(); l++) {
            int o = 2 + PER_LAYER * l;
            NDArray a = layerNorm(x, params[o], params[o + 1]);
            NDArray qkv = a.matMul(params[o + 2]).add(params[o + 3]);
            NDArray q = heads(qkv.get(":, :, 0:" + d), b, t, h, dh);
            NDArray k = heads(qkv.get(":, :, " + d + ":" + 2 * d), b, t, h, dh);
            NDArray vv = heads(qkv.get(":, :, " + 2 * d + ":"), b, t, h, dh);
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(scalar(step, scale)).add(mask).softmax(3);
            NDArray y = att.matMul(vv).transpose(0, 2, 1, 3).reshape(b, t, d);
            x = x.add(y.matMul(params[o + 4]).add(params[o + 5]));
            NDArray f = layerNorm(x, params[o + 6], params[o + 7]);
            NDArray up = f.matMul(params[o + 8]).add(params[o + 9]);
            f = (config.gelu() ? Activation.gelu(up) : Activation.relu(up)).matMul(params[o + 10]).add(params[o + 11]);
            x = x.add(f);
        }
        int last = 2 + PER_LAYER * config.layers();
        x = layerNorm(x, params[last], params[last + 1]);
        return x.matMul(embedding.transpose());
    }

    @Override
    public KvCache newCache(NDManager owner) {
        return new LayerCache(owner, config.layers());
    }

    @Override
    public NDArray prefill(NDArray prompts, int[] lengths, KvCache kv) {
        LayerCache cache = (LayerCache) kv;
        if (cache.length() != 0) {
            throw new IllegalArgumentException("prefill needs an empty cache");
        }
        NDManager step = prompts.getManager();
        attachAll(step);
        int b = (int) prompts.getShape().get(0);
        int t = (int) prompts.getShape().get(1);
        if (t > config.maxLength()) {
            throw new IllegalArgumentException("prompts of " + t + " tokens, the model takes at most " + config.maxLength());
        }
        NDArray x = prompts.oneHot(config.vocab()).matMul(params[0]).add(params[1].get("0:" + t));
        // Padding sits after each row's prompt, so the causal mask keeps it out of every real position.
        x = blocks(x, causalMask(step, t), cache, b, t);
        cache.prefilled(new int[b], lengths, t);
        float[] last = new float[b * t];
        for (int i = 0; i < b; i++) {
            last[i * t + lengths[i] - 1] = 1;
        }
        NDArray pick = nativeCopy(step.create(last, new Shape(b, 1, t)));
        return head(pick.matMul(x).reshape(b, config.dModel()));
    }

    @Override
    public NDArray nextLogits(NDArray tokens, KvCache kv) {
        LayerCache cache = (LayerCache) kv;
        if (!cache.prefilled() || tokens.getShape().get(1) != 1) {
            throw new IllegalArgumentException("decoding reads one token per row after a prefill");
        }
        NDManager step = tokens.getManager();
        attachAll(step);
        int b = (int) tokens.getShape().get(0);
        int decoded = cache.decodedCount();
        int slots = cache.length() + 1;
        float[] position = new float[b * config.maxLength()];
        float[] mask = new float[b * slots];
        for (int i = 0; i < b; i++) {
            int at = cache.promptLength(i) + decoded;
            if (at >= config.maxLength()) {
                throw new IllegalArgumentException("position " + at + " beyond the model's " + config.maxLength());
            }
            position[i * config.maxLength() + at] = 1;
            // A row's padding slots (after its prompt, before the decoded tokens) are not read.
            for (int j = cache.promptLength(i); j < cache.promptSlots(); j++) {
                mask[i * slots + j] = -1e9f;
            }
        }
        NDArray positions = nativeCopy(step.create(position, new Shape(b, config.maxLength()))).matMul(params[1]).reshape(b, 1, config.dModel());
        NDArray x = tokens.oneHot(config.vocab()).matMul(params[0]).add(positions);
        x = blocks(x, nativeCopy(step.create(mask, new Shape(b, 1, 1, slots))), cache, b, 1);
        cache.decoded();
        return head(x.reshape(b, config.dModel()));
    }

    /** The layers over {@code x} (B×t×d), appending this call's keys and values to the cache. */
    private NDArray blocks(NDArray x, NDArray mask, LayerCache cache, int b, int t) {
        NDManager step = x.getManager();
        int d = config.dModel();
        int h = config.heads();
        int dh = d / h;
        float scale = (float) (1.0 / Math.sqrt(dh));
        for (int l = 0; l < config.layers(); l++) {
            int o = 2 + PER_LAYER * l;
            NDArray a = layerNorm(x, params[o], params[o + 1]);
            NDArray qkv = a.matMul(params[o + 2]).add(params[o + 3]);
            NDArray q = heads(qkv.get(":, :, 0:" + d), b, t, h, dh);
            NDArray[] kv = cache.append(l, heads(qkv.get(":, :, " + d + ":" + 2 * d), b, t, h, dh), heads(qkv.get(":, :, " + 2 * d + ":"), b, t, h, dh));
            NDArray y;
            if (t == 1) {
                // One query per row: broadcast products and sums beat B·h batched matrix products of a single row each.
                NDArray att = q.mul(kv[0]).sum(new int[] { 3 }, true).mul(scalar(step, scale)).add(mask.reshape(b, 1, -1, 1)).softmax(2);
                y = att.mul(kv[1]).sum(new int[] { 2 }).reshape(b, 1, d);
            } else {
                NDArray att = q.matMul(kv[0].transpose(0, 1, 3, 2)).mul(scalar(step, scale)).add(mask).softmax(3);
                y = att.matMul(kv[1]).transpose(0, 2, 1, 3).reshape(b, t, d);
            }
            x = x.add(y.matMul(params[o + 4]).add(params[o + 5]));
            NDArray f = layerNorm(x, params[o + 6], params[o + 7]);
            NDArray up = f.matMul(params[o + 8]).add(params[o + 9]);
            f = (config.gelu() ? Activation.gelu(up) : Activation.relu(up)).matMul(params[o + 10]).add(params[o + 11]);
            x = x.add(f);
        }
        return x;
    }

    /** Final LayerNorm and the tied output projection of B×d states. */
    private NDArray head(NDArray x) {
        int last = 2 + PER_LAYER * config.layers();
        return layerNorm(x, params[last], params[last + 1]).matMul(params[0].transpose());
    }

    private static NDArray heads(NDArray x, long b, long t, int h, int dh) {
        return x.reshape(b, t, h, dh).transpose(0, 2, 1, 3);
    }

    /** T×T additive mask: 0 on and below the diagonal, −1e9 above (position i sees 0..i). */
    static NDArray causalMask(NDManager manager, int t) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = -1e9f;
            }
        }
        return nativeCopy(manager.create(mask, new Shape(t, t)));
    }

    /**
     * A copy in memory the native library owns. {@code NDManager.create(javaArray)} wraps a direct ByteBuffer
     * (torch::from_blob); a tensor that lives in Java-managed memory made runs differ depending on when the
     * garbage collector ran (seen as a first-run-only divergence after a few steps), so every array made from
     * Java data is copied and the wrapper closed at once.
     */
    /**
     * A scalar for use inside a differentiated expression. {@code x.mul(2f)} would make a temporary scalar over a
     * Java buffer that DJL closes at once while autograd keeps it for the backward pass, which then reads memory
     * the garbage collector may have freed.
     */
    static NDArray scalar(NDManager manager, float value) {
        return nativeCopy(manager.create(value));
    }

    static NDArray nativeCopy(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }

    private static NDArray layerNorm(NDArray x, NDArray scale, NDArray shift) {
        int axis = x.getShape().dimension() - 1;
        NDArray centred = x.sub(x.mean(new int[] { axis }, true));
        NDArray var = centred.square().mean(new int[] { axis }, true);
        return centred.div(var.add(scalar(x.getManager(), LN_EPS)).sqrt()).mul(scale).add(shift);
    }

    @Override
    public float step(NDManager step, Supplier<NDArray> loss, float lr) {
        attachAll(step);
        float value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.get();
            value = l.getFloat();
            gc.backward(l);
        }
        adam(lr);
        return value;
    }

    /** PyTorch's Adam: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε). */
    private void adam(float lr) {
        steps++;
        // StrictMath: Math.pow may differ by an ulp once the JIT intrinsifies it, which Adam amplifies into a different run.
        double bc1 = 1 - StrictMath.pow(BETA1, steps);
        double bc2 = 1 - StrictMath.pow(BETA2, steps);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (int i = 0; i < params.length; i++) {
            NDArray g = params[i].getGradient();
            m[i].muli(BETA1).addi(g.mul(1 - BETA1));
            v[i].muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
            NDArray denom = v[i].sqrt().divi(bc2Sqrt).addi(EPS);
            params[i].subi(m[i].div(denom).muli(stepSize));
            g.muli(0f);
        }
    }

    /**
     * Parameters and optimiser state join the step's manager until it closes (and then return to the model's).
     * Attaching twice to the same step would make the step their "original" manager, so a second call is a no-op.
     */
    private void attachAll(NDManager step) {
        if (step == manager || params[0].getManager() == step) {
            return;
        }
        for (int i = 0; i < params.length; i++) {
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
