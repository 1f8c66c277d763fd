package io.traittrace.probe.lm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * LoRA adapters as PEFT defines them: for each targeted projection W (out×in), A (rank×in) and B (out×rank), and the layer
 * computes {@code W·x + (alpha/rank)·B·A·x}. Kept in F32 whatever the base's dtype. Saved and loaded in PEFT's layout
 * ({@link LmCheckpoints#saveAdapter}), so other tools can load what the probe trains.
 */
public final class Lora {

    /** The projections an adapter may target, by the module name PEFT's {@code target_modules} uses. */
    public static final List<String> MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    private static final Set<String> MLP_MODULES = Set.of("gate_proj", "up_proj", "down_proj");

    /** One adapter: A rank×in, B out×rank. */
    public record Adapter(NDArray a, NDArray b) {
    }

    private final int rank;
    private final double alpha;
    private final List<String> targets;
    /** By module path, e.g. {@code model.layers.0.self_attn.q_proj}. */
    private final Map<String, Adapter> adapters;

    Lora(int rank, double alpha, List<String> targets, Map<String, Adapter> adapters) {
        this.rank = rank;
        this.alpha = alpha;
        this.targets = List.copyOf(targets);
        this.adapters = adapters;
    }

    static Lora create(NDManager manager, LmConfig config, int rank, double alpha, List<String> targets, long seed) {
        check(rank, alpha, targets);
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Adapter> adapters = new LinkedHashMap<>();
        Map<String, long[]> shapes = config.tensorShapes();
        for (String module : modulePaths(config, targets)) {
            long[] w = shapes.get(module + ".weight");
            int in = Math.toIntExact(w[1]);
            int out = Math.toIntExact(w[0]);
            float[] a = new float[rank * in];
            double bound = 1 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            adapters.put(module, new Adapter(NdArrays.owned(manager, a, new Shape(rank, in), DataType.FLOAT32),
                    manager.zeros(new Shape(out, rank), DataType.FLOAT32)));
        }
        return new Lora(rank, alpha, targets, adapters);
    }

    static void check(int rank, double alpha, List<String> targets) {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, not " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be positive, not " + alpha);
        }
        if (targets.isEmpty() || !Set.copyOf(MODULES).containsAll(targets)) {
            throw new IllegalArgumentException("LoRA targets must be among " + MODULES + ", not " + targets);
        }
    }

    /** Every projection of every layer that {@code targets} names, in layer order. */
    static List<String> modulePaths(LmConfig config, List<String> targets) {
        List<String> paths = new java.util.ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            for (String m : MODULES) {
                if (targets.contains(m)) {
                    String block = MLP_MODULES.contains(m) ? ".mlp." : ".self_attn.";
                    paths.add("model.layers." + l + block + m);
                }
            }
        }
        return paths;
    }

    public int rank() {
        return rank;
    }

    public double alpha() {
        return alpha;
    }

    public double scale() {
        return alpha / rank;
    }

    public List<String> targets() {
        return targets;
    }

    Adapter adapter(String module) {
        return adapters.get(module);
    }

    /** The adapters by module path. */
    public Map<String, Adapter> adapters() {
        return java.util.Collections.unmodifiableMap(adapters);
    }

    /** Every trainable array by its PEFT tensor name suffix ({@code <module>.lora_A.weight}, {@code .lora_B.weight}). */
    Map<String, NDArray> arrays() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        adapters.forEach((module, a) -> {
            m.put(module + ".lora_A.weight", a.a());
            m.put(module + ".lora_B.weight", a.b());
        });
        return m;
    }

    long parameterCount() {
        long n = 0;
        for (NDArray a : arrays().values()) {
            n += a.size();
        }
        return n;
    }

    Lora copy(NDManager manager) {
        Map<String, Adapter> copied = new LinkedHashMap<>();
        adapters.forEach((module, a) -> {
            NDArray ca = a.a().duplicate();
            NDArray cb = a.b().duplicate();
            ca.attach(manager);
            cb.attach(manager);
            copied.put(module, new Adapter(ca, cb));
        });
        return new Lora(rank, alpha, targets, copied);
    }
}
