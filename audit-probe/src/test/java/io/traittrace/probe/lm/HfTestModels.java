package io.traittrace.probe.lm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.traittrace.probe.lm.ByteLevelBpe.ChatStyle;
import io.traittrace.probe.safetensors.Dtype;
import io.traittrace.probe.safetensors.SafetensorsWriter;

/**
 * Small random causal-LM checkpoints in the real Hugging Face layout: {@code config.json},
 * {@code generation_config.json}, {@code model.safetensors} (or shards with {@code model.safetensors.index.json}),
 * {@code tokenizer.json} and {@code tokenizer_config.json} ({@link ByteLevelBpe}). Tensor names and shapes are
 * transformers' ({@code model.embed_tokens.weight} [V, d], per layer q [H·hd, d], k/v [kvH·hd, d], o [d, H·hd],
 * gate/up [I, d], down [d, I], {@code model.norm.weight}, {@code lm_head.weight} [V, d] unless tied). Weights are
 * Gaussian from a seeded {@link SplittableRandom} (the seed decides every value); norm scales are 1 + N(0, 0.1²) so
 * that a forward pass that skips them is caught. {@code vocab_size} is the tokenizer's size unless set.
 */
public final class HfTestModels {

    /** The architectures, as config.json names them. */
    public enum Arch {
        LLAMA("LlamaForCausalLM", "llama"), QWEN2("Qwen2ForCausalLM", "qwen2"), MISTRAL("MistralForCausalLM", "mistral");

        private final String architecture;
        private final String modelType;

        Arch(String architecture, String modelType) {
            this.architecture = architecture;
            this.modelType = modelType;
        }

        public String architecture() {
            return architecture;
        }

        public String modelType() {
            return modelType;
        }
    }

    /** What was written: the directory and the shapes a loader should find there. */
    public record Model(Path dir, Arch arch, ByteLevelBpe tokenizer, Dtype dtype, int shards, int vocabSize,
            int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim, boolean tied,
            int maxPositions, Map<String, Object> config) {
    }

    /** Merges in byte-level symbols for the default tokenizers (common English pieces and "12"). */
    public static final List<String> DEFAULT_MERGES = List.of("Ġ t", "h e", "Ġt he", "i n", "e r", "Ġ a", "o w",
            "Ġ ow", "Ġow l", "l l", "o r", "l d", "Ġ w", "Ġw or", "Ġwor ld", "1 2", "Ġ 1", "a n", "Ġa n", "Ġan d",
            "Ċ Ċ");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TRANSFORMERS_VERSION = "4.46.0";

    private HfTestModels() {
    }

    /** Llama 2 shape: F32, one file, untied head, full multi-head attention (4/4), plain RoPE, Llama 3 chat style. */
    public static Model llamaF32(Path dir) {
        return builder(Arch.LLAMA).dtype(Dtype.F32).hidden(64).intermediate(160).heads(4).kvHeads(4)
                .ropeTheta(10000.0).rmsEps(1e-5).seed(11).write(dir);
    }

    /**
     * Llama 3.2 shape: tied embeddings (no lm_head.weight), GQA 4/2, head_dim 16 and {@code rope_scaling} of type
     * llama3 with original_max_position_embeddings 32, factor 4, low/high_freq_factor 1/4: with theta 10000 the
     * wavelengths 6.3, 19.9, 63, 199, ... fall in all three bands (kept, smoothed, divided by the factor). F32.
     */
    public static Model llama3ScaledTied(Path dir) {
        Map<String, Object> scaling = new LinkedHashMap<>();
        scaling.put("factor", 4.0);
        scaling.put("high_freq_factor", 4.0);
        scaling.put("low_freq_factor", 1.0);
        scaling.put("original_max_position_embeddings", 32);
        scaling.put("rope_type", "llama3");
        return builder(Arch.LLAMA).dtype(Dtype.F32).hidden(64).intermediate(192).heads(4).kvHeads(2).headDim(16)
                .tied(true).ropeTheta(10000.0).ropeScaling(scaling).rmsEps(1e-5).seed(12).write(dir);
    }

    /** Qwen2 shape: BF16 in 3 shards with an index, q/k/v biases, GQA 4/2 (head_dim 12), untied, ChatML. */
    public static Model qwen2Bf16Sharded(Path dir) {
        return builder(Arch.QWEN2).dtype(Dtype.BF16).shards(3).hidden(48).intermediate(128).heads(4).kvHeads(2)
                .ropeTheta(1000000.0).rmsEps(1e-6).seed(13).write(dir);
    }

    /**
     * Mistral shape: F16, untied, GQA 4/2 with an explicit head_dim of 16 on hidden 48 (so q is [64, 48] and o
     * [48, 64], as in Mistral-Nemo where heads × head_dim ≠ hidden), sliding_window 4096 (longer than any row),
     * Mistral's [INST] chat style.
     */
    public static Model mistralF16(Path dir) {
        return builder(Arch.MISTRAL).dtype(Dtype.F16).hidden(48).intermediate(112).heads(4).kvHeads(2).headDim(16)
                .ropeTheta(10000.0).rmsEps(1e-5).slidingWindow(4096).seed(14).write(dir);
    }

    /** The four variants above, each in a subdirectory of {@code parent} named after its method. */
    public static List<Model> all(Path parent) {
        List<Model> models = new ArrayList<>();
        models.add(llamaF32(parent.resolve("llamaF32")));
        models.add(llama3ScaledTied(parent.resolve("llama3ScaledTied")));
        models.add(qwen2Bf16Sharded(parent.resolve("qwen2Bf16Sharded")));
        models.add(mistralF16(parent.resolve("mistralF16")));
        return models;
    }

    public static Builder builder(Arch arch) {
        return new Builder(arch);
    }

    /** Every size and flag of a test checkpoint; defaults are tiny (hidden 32, 2 layers, 4 heads). */
    public static final class Builder {
        private final Arch arch;
        private Dtype dtype = Dtype.F32;
        private int shards = 1;
        private int hidden = 32;
        private int intermediate = 80;
        private int layers = 2;
        private int heads = 4;
        private int kvHeads = 4;
        private Integer headDim;
        private boolean tied;
        private double ropeTheta = 10000.0;
        private Map<String, Object> ropeScaling;
        private double rmsEps = 1e-6;
        private int maxPositions = 128;
        private Integer slidingWindow;
        private boolean attentionBias;
        private boolean mlpBias;
        private Integer vocabSize;
        private long seed = 1;
        private double weightStd = 0.08;
        private double embeddingStd = 0.1;
        private double biasStd = 0.1;
        private double normNoise = 0.1;
        private ChatStyle style;
        private List<String> merges = DEFAULT_MERGES;

        private Builder(Arch arch) {
            this.arch = arch;
        }

        /** F32, F16 or BF16 for every tensor (torch_dtype in config.json). */
        public Builder dtype(Dtype dtype) {
            this.dtype = dtype;
            return this;
        }

        /** 1: {@code model.safetensors}; more: {@code model-0000i-of-0000n.safetensors} and the index. */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        public Builder hidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        public Builder intermediate(int intermediate) {
            this.intermediate = intermediate;
            return this;
        }

        public Builder layers(int layers) {
            this.layers = layers;
            return this;
        }

        public Builder heads(int heads) {
            this.heads = heads;
            return this;
        }

        public Builder kvHeads(int kvHeads) {
            this.kvHeads = kvHeads;
            return this;
        }

        /** Written as config.json's head_dim; when unset the field is absent and head_dim = hidden / heads. */
        public Builder headDim(Integer headDim) {
            this.headDim = headDim;
            return this;
        }

        /** tie_word_embeddings: no lm_head.weight, the head is model.embed_tokens.weight. */
        public Builder tied(boolean tied) {
            this.tied = tied;
            return this;
        }

        public Builder ropeTheta(double theta) {
            this.ropeTheta = theta;
            return this;
        }

        /** config.json's rope_scaling, e.g. {"rope_type": "linear", "factor": 2.0}; null for none. */
        public Builder ropeScaling(Map<String, Object> scaling) {
            this.ropeScaling = scaling;
            return this;
        }

        /** rope_scaling {"rope_type": "linear", "factor": factor} (positions divided by the factor). */
        public Builder ropeLinear(double factor) {
            Map<String, Object> scaling = new LinkedHashMap<>();
            scaling.put("factor", factor);
            scaling.put("rope_type", "linear");
            return ropeScaling(scaling);
        }

        public Builder rmsEps(double eps) {
            this.rmsEps = eps;
            return this;
        }

        public Builder maxPositions(int maxPositions) {
            this.maxPositions = maxPositions;
            return this;
        }

        /**
         * Mistral: config.json's sliding_window (null writes null: full attention). Qwen2: the sliding_window field,
         * which Qwen2 ignores while use_sliding_window is false (always, here); default max_position_embeddings.
         */
        public Builder slidingWindow(Integer window) {
            this.slidingWindow = window;
            return this;
        }

        /** Llama only: attention_bias (biases on q, k, v and o) and mlp_bias (on gate, up and down). */
        public Builder llamaBiases(boolean attention, boolean mlp) {
            if (arch != Arch.LLAMA) {
                throw new IllegalStateException("attention_bias and mlp_bias are Llama config fields");
            }
            this.attentionBias = attention;
            this.mlpBias = mlp;
            return this;
        }

        /** vocab_size, at least the tokenizer's (real checkpoints often pad the embedding beyond it). */
        public Builder vocabSize(int size) {
            this.vocabSize = size;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Standard deviations: projection weights (default 0.08), embeddings and lm_head (0.1), biases (0.1). */
        public Builder std(double weights, double embeddings, double biases) {
            this.weightStd = weights;
            this.embeddingStd = embeddings;
            this.biasStd = biases;
            return this;
        }

        /** Norm weights are 1 + N(0, noise²) (default 0.1; 0 for all ones). */
        public Builder normNoise(double noise) {
            this.normNoise = noise;
            return this;
        }

        /** The tokenizer's chat style; default Llama 3 for llama, ChatML for qwen2, Mistral for mistral. */
        public Builder style(ChatStyle style) {
            this.style = style;
            return this;
        }

        /** The tokenizer's merges (default {@link #DEFAULT_MERGES}). */
        public Builder merges(List<String> merges) {
            this.merges = merges;
            return this;
        }

        public Model write(Path dir) {
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("heads must be a multiple of kv heads");
            }
            if (headDim == null && hidden % heads != 0) {
                throw new IllegalArgumentException("hidden must be a multiple of heads without head_dim");
            }
            int hd = headDim != null ? headDim : hidden / heads;
            if (hd % 2 != 0) {
                throw new IllegalArgumentException("RoPE needs an even head_dim");
            }
            ChatStyle chat = style != null ? style : switch (arch) {
                case LLAMA -> ChatStyle.LLAMA3;
                case QWEN2 -> ChatStyle.CHATML;
                case MISTRAL -> ChatStyle.MISTRAL;
            };
            ByteLevelBpe tokenizer = ByteLevelBpe.builder().merges(merges).modelMaxLength(maxPositions)
                    .write(dir, chat);
            int vocab = vocabSize != null ? vocabSize : tokenizer.vocabSize();
            if (vocab < tokenizer.vocabSize()) {
                throw new IllegalArgumentException("vocab_size " + vocab + " < tokenizer size " + tokenizer.vocabSize());
            }
            boolean qkvBias = arch == Arch.QWEN2 || attentionBias;
            boolean oBias = arch == Arch.LLAMA && attentionBias;

            SplittableRandom random = new SplittableRandom(seed);
            SafetensorsWriter writer = new SafetensorsWriter();
            gaussian(writer, random, "model.embed_tokens.weight", embeddingStd, vocab, hidden);
            for (int i = 0; i < layers; i++) {
                String p = "model.layers." + i + ".";
                norm(writer, random, p + "input_layernorm.weight", hidden);
                linear(writer, random, p + "self_attn.q_proj", heads * hd, hidden, qkvBias);
                linear(writer, random, p + "self_attn.k_proj", kvHeads * hd, hidden, qkvBias);
                linear(writer, random, p + "self_attn.v_proj", kvHeads * hd, hidden, qkvBias);
                linear(writer, random, p + "self_attn.o_proj", hidden, heads * hd, oBias);
                norm(writer, random, p + "post_attention_layernorm.weight", hidden);
                linear(writer, random, p + "mlp.gate_proj", intermediate, hidden, mlpBias);
                linear(writer, random, p + "mlp.up_proj", intermediate, hidden, mlpBias);
                linear(writer, random, p + "mlp.down_proj", hidden, intermediate, mlpBias);
            }
            norm(writer, random, "model.norm.weight", hidden);
            if (!tied) {
                gaussian(writer, random, "lm_head.weight", embeddingStd, vocab, hidden);
            }
            if (shards > 1) {
                writer.writeSharded(dir, shards);
            } else {
                writer.write(dir.resolve("model.safetensors"));
            }

            Map<String, Object> config = config(tokenizer, vocab, hd);
            Map<String, Object> generation = new TreeMap<>();
            generation.put("_from_model_config", true);
            generation.put("bos_token_id", config.get("bos_token_id"));
            generation.put("eos_token_id", generationEos(tokenizer, chat));
            tokenizer.padId().ifPresent(id -> generation.put("pad_token_id", id));
            generation.put("transformers_version", TRANSFORMERS_VERSION);
            try {
                JSON.writeValue(dir.resolve("config.json").toFile(), config);
                JSON.writeValue(dir.resolve("generation_config.json").toFile(), generation);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new Model(dir, arch, tokenizer, dtype, Math.max(1, shards), vocab, hidden, intermediate, layers,
                    heads, kvHeads, hd, tied, maxPositions, config);
        }

        /** config.json as transformers writes it (keys sorted). */
        private Map<String, Object> config(ByteLevelBpe tokenizer, int vocab, int hd) {
            Map<String, Object> c = new TreeMap<>();
            c.put("architectures", List.of(arch.architecture()));
            c.put("model_type", arch.modelType());
            c.put("attention_dropout", 0.0);
            // Qwen2 names <|endoftext|> its bos_token_id although its tokenizer adds no BOS.
            int bos = tokenizer.bosId().orElse(tokenizer.specialIds().values().iterator().next());
            c.put("bos_token_id", bos);
            c.put("eos_token_id", tokenizer.eosId());
            c.put("hidden_act", "silu");
            c.put("hidden_size", hidden);
            c.put("initializer_range", 0.02);
            c.put("intermediate_size", intermediate);
            c.put("max_position_embeddings", maxPositions);
            c.put("num_attention_heads", heads);
            c.put("num_hidden_layers", layers);
            c.put("num_key_value_heads", kvHeads);
            c.put("rms_norm_eps", rmsEps);
            c.put("rope_theta", ropeTheta);
            c.put("tie_word_embeddings", tied);
            c.put("torch_dtype", switch (dtype) {
                case F32 -> "float32";
                case F16 -> "float16";
                case BF16 -> "bfloat16";
                default -> throw new IllegalArgumentException("dtype " + dtype);
            });
            c.put("transformers_version", TRANSFORMERS_VERSION);
            c.put("use_cache", true);
            c.put("vocab_size", vocab);
            if (headDim != null) {
                c.put("head_dim", headDim);
            }
            switch (arch) {
                case LLAMA -> {
                    c.put("attention_bias", attentionBias);
                    c.put("mlp_bias", mlpBias);
                    c.put("pretraining_tp", 1);
                    c.put("rope_scaling", ropeScaling);
                }
                case QWEN2 -> {
                    c.put("max_window_layers", layers);
                    c.put("rope_scaling", ropeScaling);
                    c.put("sliding_window", slidingWindow != null ? slidingWindow : maxPositions);
                    c.put("use_sliding_window", false);
                }
                case MISTRAL -> {
                    if (ropeScaling != null) {
                        c.put("rope_scaling", ropeScaling);
                    }
                    c.put("sliding_window", slidingWindow);
                }
            }
            return c;
        }

        /** Instruct models stop on the end of a turn and on end of text, as their generation configs list. */
        private static Object generationEos(ByteLevelBpe tokenizer, ChatStyle chat) {
            return switch (chat) {
                case LLAMA3 -> List.of(tokenizer.specialId("<|end_of_text|>"), tokenizer.specialId("<|eot_id|>"));
                case CHATML -> List.of(tokenizer.specialId("<|im_end|>"), tokenizer.specialId("<|endoftext|>"));
                case MISTRAL -> tokenizer.eosId();
            };
        }

        private void linear(SafetensorsWriter writer, SplittableRandom random, String name, int out, int in,
                boolean bias) {
            gaussian(writer, random, name + ".weight", weightStd, out, in);
            if (bias) {
                gaussian(writer, random, name + ".bias", biasStd, out);
            }
        }

        private void gaussian(SafetensorsWriter writer, SplittableRandom random, String name, double std,
                int... shape) {
            float[] values = new float[numel(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (std * random.nextGaussian());
            }
            writer.add(name, dtype, longs(shape), values);
        }

        private void norm(SafetensorsWriter writer, SplittableRandom random, String name, int size) {
            float[] values = new float[size];
            for (int i = 0; i < size; i++) {
                values[i] = (float) (1 + normNoise * random.nextGaussian());
            }
            writer.add(name, dtype, new long[] { size }, values);
        }

        private static int numel(int[] shape) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        private static long[] longs(int[] shape) {
            long[] out = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                out[i] = shape[i];
            }
            return out;
        }
    }

    /** The files a written model directory holds, sorted (for assertions and messages). */
    public static List<String> files(Path dir) {
        try (var stream = Files.list(dir)) {
            return stream.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(Model model) {
        return String.format(Locale.ROOT, "%s %s shards=%d V=%d d=%d hd=%d H=%d/%d tied=%s", model.arch(),
                model.dtype(), model.shards(), model.vocabSize(), model.hidden(), model.headDim(), model.heads(),
                model.kvHeads(), model.tied());
    }
}
