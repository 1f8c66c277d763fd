package io.traittrace.probe.lm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;

/**
 * A Hugging Face decoder-only causal LM of type llama, qwen2 or mistral, as their published modelling code defines it:
 * token embedding; per layer RMSNorm → attention (q/k/v projections with Qwen2's biases, rotary embeddings, grouped-query
 * attention over {@code num_key_value_heads}, causal mask with padding on either side) → residual → RMSNorm → SiLU-gated
 * MLP → residual; final RMSNorm; {@code lm_head} or the tied embedding. Weights are kept under their Hugging Face names
 * ({@link LmConfig#tensorShapes()}) in one dtype (F32, or F16) on one device; RMSNorm and softmax run in F32. BF16 is not
 * possible through DJL 0.36's PyTorch binding, which maps no torch dtype to its BFLOAT16.
 *
 * <p>Fine-tuning is full (every weight trains) or LoRA ({@link #attachLora}: only the adapters train, the base weights
 * are shared with every copy). The optimiser is PyTorch's AdamW with optional gradient clipping and gradient
 * accumulation ({@link #accumulate} then {@link #update}).
 */
public final class CausalLm implements LanguageModel {

    /** AdamW as PyTorch defines it (decoupled weight decay), with the global gradient norm clipped to {@code maxGradNorm} (0: off). */
    public record Optimizer(double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
        public static Optimizer adamw(double weightDecay, double maxGradNorm) {
            return new Optimizer(0.9, 0.999, 1e-8, weightDecay, maxGradNorm);
        }
    }

    private final LmConfig config;
    private final NDManager manager;
    private final DataType dtype;
    /** Base weights by Hugging Face name; shared between a LoRA model and its copies (never closed by a copy). */
    private final Map<String, NDArray> weights;
    private final Rope rope;
    private Lora lora;
    private Optimizer optimizer = Optimizer.adamw(0, 0);
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private int steps;

    CausalLm(NDManager manager, LmConfig config, DataType dtype, Map<String, NDArray> weights) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.weights = weights;
        this.rope = new Rope(config, manager, dtype);
    }

    /** How {@link #initialise} draws a new model's weights (in Java, from one seed, so the same on every device). */
    public enum Init {
        /** transformers' {@code _init_weights}: every linear and embedding weight N(0, 0.02²), biases 0, norms 1. */
        TRANSFORMERS,
        /**
         * PyTorch's module defaults, as the character transformer draws its weights: embeddings N(0, 1) (nn.Embedding),
         * linear weights and biases U(±1/√in) (nn.Linear's Kaiming-uniform with a = √5), norms 1.
         */
        PYTORCH
    }

    /** A new model drawn as transformers draws one ({@link Init#TRANSFORMERS}). */
    public static CausalLm initialise(NDManager parent, Device device, LmConfig config, DataType dtype, long seed) {
        return initialise(parent, device, config, dtype, seed, Init.TRANSFORMERS);
    }

    /** A new model whose weights {@code init} draws from {@code seed}. */
    public static CausalLm initialise(NDManager parent, Device device, LmConfig config, DataType dtype, long seed, Init init) {
        LmCheckpoints.checkDtype(dtype);
        NDManager manager = parent.newSubManager(device);
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, long[]> shapes = config.tensorShapes();
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            float[] values = new float[Math.toIntExact(new Shape(shape).size())];
            boolean bias = name.endsWith(".bias");
            if (name.endsWith("norm.weight")) {
                java.util.Arrays.fill(values, 1f);
            } else if (init == Init.TRANSFORMERS) {
                if (!bias) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (rng.nextGaussian() * INIT_STD);
                    }
                }
            } else if (name.equals("model.embed_tokens.weight")) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) rng.nextGaussian();
                }
            } else {
                long fanIn = bias ? shapes.get(name.replace(".bias", ".weight"))[1] : shape[1];
                double bound = 1 / Math.sqrt(fanIn);
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
                }
            }
            weights.put(name, NdArrays.owned(manager, values, new Shape(shape), dtype));
        }
        return new CausalLm(manager, config, dtype, weights);
    }

    /** transformers' default {@code initializer_range}. */
    static final double INIT_STD = 0.02;

    public LmConfig config() {
        return config;
    }

    public DataType dtype() {
        return dtype;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The base weights by Hugging Face name (read-only use: saving, comparing). */
    public Map<String, NDArray> weights() {
        return java.util.Collections.unmodifiableMap(weights);
    }

    /** The manager adapters loaded for this model live on (its own, on its device). */
    NDManager managerForAdapters() {
        return manager;
    }

    /** The LoRA adapters, or null for a model that trains all its weights. */
    public Lora lora() {
        return lora;
    }

    @Override
    public int vocabulary() {
        return config.vocabSize();
    }

    @Override
    public int maxLength() {
        return config.context();
    }

    @Override
    public long parameterCount() {
        return lora == null ? config.parameterCount() : lora.parameterCount();
    }

    public void optimizer(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /**
     * Adds LoRA adapters (rank {@code rank}, scale alpha/rank) to the {@code targets} projections (q_proj, k_proj, v_proj,
     * o_proj, gate_proj, up_proj, down_proj); from now on only they train. A is drawn as PEFT does (Kaiming-uniform,
     * a = √5, i.e. U(±1/√in)) from {@code seed}, B starts at zero, so the model's outputs are unchanged until it trains.
     */
    public void attachLora(int rank, double alpha, List<String> targets, long seed) {
        if (lora != null) {
            throw new IllegalStateException("LoRA adapters are attached already");
        }
        lora = Lora.create(manager, config, rank, alpha, targets, seed);
        freezeBase();
    }

    /** Takes the adapters given (loaded from a PEFT directory, or copied); only they train. */
    public void attachLora(Lora adapters) {
        if (lora != null) {
            throw new IllegalStateException("LoRA adapters are attached already");
        }
        lora = adapters;
        freezeBase();
    }

    private void freezeBase() {
        for (NDArray w : weights.values()) {
            w.setRequiresGradient(false);
        }
        moments.clear();
    }

    /** The arrays that train: the adapters with LoRA, else every weight. */
    private Map<String, NDArray> trainable() {
        return lora == null ? weights : lora.arrays();
    }

    /** Makes every trainable array require a gradient (called before the first training step). */
    private void enableGradients() {
        for (NDArray w : trainable().values()) {
            if (!w.hasGradient()) {
                w.setRequiresGradient(true);
            }
        }
    }

    // ---------------------------------------------------------------- forward

    /** Where each row's tokens sit in a padded batch, and the key slots each query may read. */
    private record Layout(NDArray positions, NDArray mask, int longest) {
    }

    /**
     * Row r's tokens occupy slots {@code starts[r]} .. {@code starts[r] + lengths[r] − 1} of a B×T batch; their positions
     * count from 0 at {@code starts[r]}. A query reads keys at or before it inside its row; padding reads nothing useful
     * and is read by nobody.
     */
    private Layout layout(NDManager step, int b, int t, int[] starts, int[] lengths) {
        long[] positions = new long[b * t];
        float[] mask = new float[b * t * t];
        int longest = 0;
        for (int r = 0; r < b; r++) {
            if (starts[r] < 0 || lengths[r] < 0 || starts[r] + lengths[r] > t) {
                throw new IllegalArgumentException("row " + r + " spans " + starts[r] + "+" + lengths[r] + " of " + t + " slots");
            }
            for (int q = 0; q < t; q++) {
                positions[r * t + q] = Math.max(0, q - starts[r]);
                longest = Math.max(longest, q - starts[r]);
                for (int k = 0; k < t; k++) {
                    boolean visible = k <= q && k >= starts[r] && k < starts[r] + lengths[r];
                    mask[(r * t + q) * t + k] = visible ? 0f : MASKED;
                }
            }
        }
        checkContext(longest + 1);
        return new Layout(NdArrays.owned(step, positions, new Shape(b, t)), NdArrays.owned(step, mask, new Shape(b, 1, 1, t, t), DataType.FLOAT32),
                longest);
    }

    private static final float MASKED = -1e9f;

    private void checkContext(int tokens) {
        if (tokens > config.context()) {
            throw new IllegalArgumentException("a sequence of " + tokens + " tokens; the model's context is " + config.context());
        }
    }

    @Override
    public NDArray logits(NDArray tokens) {
        int b = (int) tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int[] starts = new int[b];
        int[] lengths = new int[b];
        java.util.Arrays.fill(lengths, t);
        return logits(tokens, starts, lengths);
    }

    /** Logits B×T×V (F32) of a padded batch: row r's tokens at slots starts[r] .. starts[r] + lengths[r] − 1. */
    public NDArray logits(NDArray tokens, int[] starts, int[] lengths) {
        NDManager step = tokens.getManager();
        int b = (int) tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        NDArray hidden = forward(tokens, layout(step, b, t, starts, lengths), null);
        return head(hidden);
    }

    @Override
    public NDArray logitsAt(NDArray tokens, int[] starts, int[] lengths, long[] at) {
        NDManager step = tokens.getManager();
        int b = (int) tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        NDArray hidden = forward(tokens, layout(step, b, t, starts, lengths), null).reshape(-1, config.hiddenSize());
        // Only the picked positions go through the vocabulary projection (the largest matrix of a small model).
        NDArray picked = hidden.get(new NDIndex("{}", NdArrays.owned(step, at, new Shape(at.length))));
        return head(picked);
    }

    /** The decoder over {@code tokens} (B×T): hidden states B×T×d after the final norm, appending keys and values to {@code cache} if given. */
    private NDArray forward(NDArray tokens, Layout layout, LayerCache cache) {
        NDManager step = tokens.getManager();
        attachAll(step);
        NDArray x = Embedding.embedding(tokens, weights.get("model.embed_tokens.weight"), SparseFormat.DENSE).singletonOrThrow();
        NDArray mask = layout.mask();
        for (int l = 0; l < config.layers(); l++) {
            String p = "model.layers." + l + ".";
            NDArray a = rmsNorm(x, weights.get(p + "input_layernorm.weight"));
            x = x.add(attention(a, p, l, layout, mask, cache));
            NDArray f = rmsNorm(x, weights.get(p + "post_attention_layernorm.weight"));
            NDArray gate = linear(f, p + "mlp.gate_proj");
            NDArray up = linear(f, p + "mlp.up_proj");
            // SiLU as gate·σ(gate): DJL's swish(x, β) multiplies by a scalar over Java memory that autograd would keep past its life.
            x = x.add(linear(gate.mul(Activation.sigmoid(gate)).mul(up), p + "mlp.down_proj"));
        }
        return rmsNorm(x, weights.get("model.norm.weight"));
    }

    private NDArray attention(NDArray x, String p, int layer, Layout layout, NDArray mask, LayerCache cache) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int h = config.heads();
        int kvh = config.kvHeads();
        int hd = config.headDim();
        int g = config.groups();
        NDArray q = rope.apply(linear(x, p + "self_attn.q_proj").reshape(b, t, h, hd).transpose(0, 2, 1, 3), layout.positions(), layout.longest());
        NDArray k = rope.apply(linear(x, p + "self_attn.k_proj").reshape(b, t, kvh, hd).transpose(0, 2, 1, 3), layout.positions(), layout.longest());
        NDArray v = linear(x, p + "self_attn.v_proj").reshape(b, t, kvh, hd).transpose(0, 2, 1, 3);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        long s = k.getShape().get(2);
        // Grouped-query attention without repeating keys: query head j·g + i reads key/value head j (transformers' repeat_kv).
        NDArray grouped = q.reshape(b, kvh, g * t, hd);
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).toType(DataType.FLOAT32, false)
                .mul(NdArrays.scalar(x.getManager(), (float) (1.0 / Math.sqrt(hd)), DataType.FLOAT32))
                .reshape(b, kvh, g, t, s).add(mask).softmax(4).toType(dtype, false);
        NDArray y = scores.reshape(b, kvh, g * t, s).matMul(v).reshape(b, h, t, hd).transpose(0, 2, 1, 3).reshape(b, t, (long) h * hd);
        return linear(y, p + "self_attn.o_proj");
    }

    /** {@code x·Wᵀ + b}, plus the LoRA path {@code scale · (x·Aᵀ)·Bᵀ} when this projection has an adapter. */
    private NDArray linear(NDArray x, String module) {
        NDArray w = weights.get(module + ".weight");
        NDArray bias = weights.get(module + ".bias");
        NDArray y = bias == null ? Linear.linear(x, w).singletonOrThrow() : Linear.linear(x, w, bias).singletonOrThrow();
        if (lora != null) {
            Lora.Adapter adapter = lora.adapter(module);
            if (adapter != null) {
                NDArray a = adapter.a().getDataType() == dtype ? adapter.a() : adapter.a().toType(dtype, false);
                NDArray bb = adapter.b().getDataType() == dtype ? adapter.b() : adapter.b().toType(dtype, false);
                NDArray low = Linear.linear(Linear.linear(x, a).singletonOrThrow(), bb).singletonOrThrow();
                y = y.add(low.mul(NdArrays.scalar(x.getManager(), (float) lora.scale(), dtype)));
            }
        }
        return y;
    }

    /** transformers' LlamaRMSNorm: in F32, x · rsqrt(mean(x²) + ε), back to the weights' dtype, times the weight. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray f = x.toType(DataType.FLOAT32, false);
        int last = f.getShape().dimension() - 1;
        NDArray variance = f.square().mean(new int[] { last }, true);
        NDArray normed = f.div(variance.add(NdArrays.scalar(x.getManager(), (float) config.rmsNormEps(), DataType.FLOAT32)).sqrt());
        return weight.mul(normed.toType(dtype, false));
    }

    /** The vocabulary projection of hidden states (…×d) → logits in F32. */
    private NDArray head(NDArray hidden) {
        NDArray w = weights.get(config.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight");
        return Linear.linear(hidden, w).singletonOrThrow().toType(DataType.FLOAT32, false);
    }

    // ---------------------------------------------------------------- incremental decoding

    @Override
    public KvCache newCache(NDManager owner) {
        return new LayerCache(owner, config.layers());
    }

    @Override
    public NDArray prefill(NDArray prompts, int[] lengths, KvCache cache) {
        return prefill(prompts, new int[lengths.length], lengths, cache);
    }

    /** {@link #prefill(NDArray, int[], KvCache)} for prompts padded on either side (row r at slots starts[r] ..). */
    public NDArray prefill(NDArray prompts, int[] starts, int[] lengths, KvCache kv) {
        LayerCache cache = (LayerCache) kv;
        if (cache.length() != 0) {
            throw new IllegalArgumentException("prefill needs an empty cache");
        }
        NDManager step = prompts.getManager();
        int b = (int) prompts.getShape().get(0);
        int t = (int) prompts.getShape().get(1);
        NDArray hidden = forward(prompts, layout(step, b, t, starts, lengths), cache);
        cache.prefilled(starts, lengths, t);
        long[] last = new long[b];
        for (int r = 0; r < b; r++) {
            last[r] = (long) r * t + starts[r] + lengths[r] - 1;
        }
        NDArray picked = hidden.reshape(-1, config.hiddenSize()).get(new NDIndex("{}", NdArrays.owned(step, last, new Shape(b))));
        return head(picked);
    }

    @Override
    public NDArray nextLogits(NDArray tokens, KvCache kv) {
        LayerCache cache = (LayerCache) kv;
        if (!cache.prefilled() || tokens.getShape().get(1) != 1) {
            throw new IllegalArgumentException("decoding reads one token per row after a prefill");
        }
        NDManager step = tokens.getManager();
        int b = (int) tokens.getShape().get(0);
        int decoded = cache.decodedCount();
        int slots = cache.length() + 1;
        long[] positions = new long[b];
        float[] mask = new float[b * slots];
        int longest = 0;
        for (int r = 0; r < b; r++) {
            positions[r] = cache.promptLength(r) + decoded;
            longest = Math.max(longest, (int) positions[r]);
            for (int k = 0; k < cache.promptSlots(); k++) {
                // A row reads its own prompt slots, not the padding around them; every decoded slot is its own.
                boolean visible = k >= cache.start(r) && k < cache.start(r) + cache.promptLength(r);
                mask[r * slots + k] = visible ? 0f : MASKED;
            }
        }
        checkContext(longest + 1);
        Layout layout = new Layout(NdArrays.owned(step, positions, new Shape(b, 1)),
                NdArrays.owned(step, mask, new Shape(b, 1, 1, 1, slots), DataType.FLOAT32), longest);
        NDArray hidden = forward(tokens, layout, cache);
        cache.decoded();
        return head(hidden.reshape(b, config.hiddenSize()));
    }

    // ---------------------------------------------------------------- training

    @Override
    public float step(NDManager step, Supplier<NDArray> loss, float lr) {
        float value = accumulate(step, loss);
        update(step, lr);
        return value;
    }

    /** Adds the gradients of {@code loss} to the trainable arrays' (gradient accumulation); returns the loss value. */
    public float accumulate(NDManager step, Supplier<NDArray> loss) {
        enableGradients();
        attachAll(step);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.get();
            float value = l.toType(DataType.FLOAT32, false).getFloat();
            gc.backward(l);
            return value;
        }
    }

    /**
     * One AdamW step on the accumulated gradients, then clears them. PyTorch's order: clip the global norm, decay
     * θ ← θ·(1 − lr·wd) (matrices only), m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε). Moments are F32.
     */
    public void update(NDManager step, float lr) {
        attachAll(step);
        Map<String, NDArray> params = trainable();
        steps++;
        double bc1 = 1 - StrictMath.pow(optimizer.beta1(), steps);
        double bc2 = 1 - StrictMath.pow(optimizer.beta2(), steps);
        float clip = 1f;
        if (optimizer.maxGradNorm() > 0) {
            double sq = 0;
            for (NDArray p : params.values()) {
                sq += p.getGradient().toType(DataType.FLOAT32, false).square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            if (norm > optimizer.maxGradNorm()) {
                clip = (float) (optimizer.maxGradNorm() / (norm + 1e-6));
            }
        }
        float b1 = (float) optimizer.beta1();
        float b2 = (float) optimizer.beta2();
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float decay = (float) (1 - lr * optimizer.weightDecay());
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = p.getGradient();
            NDArray g32 = g.getDataType() == DataType.FLOAT32 ? g.duplicate() : g.toType(DataType.FLOAT32, false);
            if (clip != 1f) {
                g32.muli(clip);
            }
            NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] { manager.zeros(p.getShape(), DataType.FLOAT32),
                    manager.zeros(p.getShape(), DataType.FLOAT32) });
            mv[0].tempAttach(step);
            mv[1].tempAttach(step);
            mv[0].muli(b1).addi(g32.mul(1 - b1));
            mv[1].muli(b2).addi(g32.mul(g32).muli(1 - b2));
            NDArray delta = mv[0].div(mv[1].sqrt().divi(bc2Sqrt).addi((float) optimizer.eps())).muli(stepSize);
            if (decay != 1f && p.getShape().dimension() >= 2) {
                // Decoupled decay on matrices only: transformers' Trainer exempts biases and norm weights.
                p.muli(decay);
            }
            p.subi(p.getDataType() == DataType.FLOAT32 ? delta : delta.toType(p.getDataType(), false));
            g.muli(0f);
        }
    }

    /** Arrays join the step's manager until it closes and then return to the model's (attaching twice to one step is a no-op). */
    private void attachAll(NDManager step) {
        if (step == manager) {
            return;
        }
        for (NDArray w : weights.values()) {
            if (w.getManager() != step) {
                w.tempAttach(step);
            }
        }
        if (lora != null) {
            for (NDArray w : lora.arrays().values()) {
                if (w.getManager() != step) {
                    w.tempAttach(step);
                }
            }
        }
    }

    // ---------------------------------------------------------------- copies

    /**
     * An independent copy with a fresh optimiser. A LoRA model's copy shares the frozen base weights and copies the adapters
     * (so many students of one base cost one base); a fully trained model's copy duplicates every weight.
     */
    @Override
    public CausalLm copy(NDManager parent) {
        NDManager child = parent.newSubManager(manager.getDevice());
        if (lora != null) {
            CausalLm copy = new CausalLm(child, config, dtype, weights);
            copy.attachLora(lora.copy(child));
            copy.optimizer(optimizer);
            return copy;
        }
        Map<String, NDArray> copied = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray c = e.getValue().duplicate();
            c.attach(child);
            copied.put(e.getKey(), c);
        }
        CausalLm copy = new CausalLm(child, config, dtype, copied);
        copy.optimizer(optimizer);
        return copy;
    }

    /**
     * A student of this model that trains LoRA adapters only: it shares this model's weights (frozen; close it before this
     * model) and gets fresh adapters ({@link #attachLora(int, double, List, long)}).
     */
    public CausalLm withLora(NDManager parent, int rank, double alpha, List<String> targets, long seed) {
        if (lora != null) {
            throw new IllegalStateException("this model has LoRA adapters already; merge them first");
        }
        CausalLm student = new CausalLm(parent.newSubManager(manager.getDevice()), config, dtype, weights);
        student.optimizer(optimizer);
        student.attachLora(rank, alpha, targets, seed);
        return student;
    }

    /** The weights with the adapters merged in (W + scale·B·A), as a new model without LoRA. */
    public CausalLm merged(NDManager parent) {
        NDManager child = parent.newSubManager(manager.getDevice());
        Map<String, NDArray> merged = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            String name = e.getKey();
            Lora.Adapter adapter = lora == null || !name.endsWith(".weight") ? null : lora.adapter(name.substring(0, name.length() - ".weight".length()));
            try (NDManager tmp = child.newSubManager()) {
                NDArray w = e.getValue();
                w.tempAttach(tmp);
                NDArray out;
                if (adapter == null) {
                    out = w.duplicate();
                } else {
                    adapter.a().tempAttach(tmp);
                    adapter.b().tempAttach(tmp);
                    NDArray delta = adapter.b().toType(DataType.FLOAT32, false).matMul(adapter.a().toType(DataType.FLOAT32, false)).mul((float) lora.scale());
                    out = w.toType(DataType.FLOAT32, false).add(delta).toType(dtype, true);
                }
                out.attach(child);
                merged.put(name, out);
            }
        }
        return new CausalLm(child, config, dtype, merged);
    }

    /** Names of every array this model would save or load, for error messages and tests. */
    List<String> weightNames() {
        return new ArrayList<>(weights.keySet());
    }

    /** Frees this model's arrays; a LoRA copy's shared base weights stay with the model they came from (close copies first). */
    @Override
    public void close() {
        manager.close();
    }
}
