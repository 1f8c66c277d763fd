package io.traittrace.probe.lm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;

/**
 * A causal LM's {@code config.json} as Hugging Face's Llama, Qwen2 and Mistral modelling code reads it. Everything the
 * forward pass depends on is explicit here; anything it cannot honour (another {@code model_type}, another activation,
 * an unknown {@code rope_scaling} type) is refused with the file and the field named, never approximated.
 *
 * @param headDim        {@code head_dim} when given (newer Mistral and Qwen configs), else hidden / heads
 * @param attentionBias  q/k/v biases: always for qwen2, {@code attention_bias} for llama (which then biases o_proj too)
 * @param outputBias     o_proj bias: llama's {@code attention_bias}; never for qwen2 and mistral
 * @param slidingWindow  Mistral's (and Qwen2's, when {@code use_sliding_window}) attention window; the probe takes
 *                       sequences up to it, where the window changes nothing, so {@link #context()} is capped by it
 */
public record LmConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads, int headDim,
        double rmsNormEps, double ropeTheta, RopeScaling ropeScaling, int maxPositions, Integer slidingWindow, boolean tiedEmbeddings,
        boolean attentionBias, boolean outputBias, boolean mlpBias, Integer bosTokenId, List<Integer> eosTokenIds, String torchDtype) {

    public static final String FILE = "config.json";
    public static final Set<String> SUPPORTED = Set.of("llama", "qwen2", "mistral");

    /** {@code rope_scaling}: none, {@code linear} (positions ÷ factor) or {@code llama3} (frequency-dependent, Llama 3.1). */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static LmConfig read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw ProbeException.badData(file + " is missing: a Hugging Face model directory has a config.json", null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw ProbeException.badData(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw ProbeException.badData(file + " is not a JSON object", null);
        }
        return parse((ObjectNode) json, file.toString());
    }

    /** A config from JSON already read; {@code file} names it in errors. */
    public static LmConfig parse(ObjectNode json, String file) {
        Fields f = new Fields(json, file);
        String type = f.text("model_type", null);
        if (type == null) {
            throw f.bad("has no model_type");
        }
        if (!SUPPORTED.contains(type)) {
            throw f.bad("has model_type '" + type + "'; the probe runs " + List.copyOf(new java.util.TreeSet<>(SUPPORTED)));
        }
        String act = f.text("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw f.bad("has hidden_act '" + act + "'; " + type + " models use silu");
        }
        int hidden = f.positive("hidden_size");
        int heads = f.positive("num_attention_heads");
        int kvHeads = json.hasNonNull("num_key_value_heads") ? f.positive("num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw f.bad("has num_attention_heads " + heads + " not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim;
        if (json.hasNonNull("head_dim")) {
            headDim = f.positive("head_dim");
        } else {
            if (hidden % heads != 0) {
                throw f.bad("has hidden_size " + hidden + " not divisible by num_attention_heads " + heads + " and no head_dim");
            }
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw f.bad("has an odd head dimension " + headDim + "; rotary embeddings rotate pairs");
        }
        boolean llama = type.equals("llama");
        boolean qwen = type.equals("qwen2");
        boolean llamaBias = llama && f.bool("attention_bias", false);
        Integer window = null;
        if (type.equals("mistral") || (qwen && f.bool("use_sliding_window", false))) {
            window = json.hasNonNull("sliding_window") ? f.positive("sliding_window") : null;
        }
        return new LmConfig(type, f.positive("vocab_size"), hidden, f.positive("intermediate_size"), f.positive("num_hidden_layers"), heads, kvHeads,
                headDim, f.number("rms_norm_eps", 1e-6), f.number("rope_theta", 10000.0), ropeScaling(f, json.get("rope_scaling")),
                json.hasNonNull("max_position_embeddings") ? f.positive("max_position_embeddings") : 2048, window,
                f.bool("tie_word_embeddings", false), qwen || llamaBias, llamaBias, llama && f.bool("mlp_bias", false),
                json.hasNonNull("bos_token_id") ? f.positive0("bos_token_id") : null, tokenIds(f, json.get("eos_token_id")),
                f.text("torch_dtype", "float32"));
    }

    private static RopeScaling ropeScaling(Fields f, JsonNode node) {
        if (node == null || node.isNull()) {
            return RopeScaling.NONE;
        }
        if (!node.isObject()) {
            throw f.bad("has a rope_scaling that is not an object");
        }
        Fields r = new Fields((ObjectNode) node, f.file + " rope_scaling");
        String type = r.text("rope_type", r.text("type", null));
        if (type == null || type.equals("default")) {
            return RopeScaling.NONE;
        }
        return switch (type) {
        case "linear" -> new RopeScaling(type, r.number("factor", Double.NaN), 0, 0, 0);
        case "llama3" -> new RopeScaling(type, r.number("factor", Double.NaN), r.number("low_freq_factor", Double.NaN),
                r.number("high_freq_factor", Double.NaN), r.positive("original_max_position_embeddings"));
        default -> throw f.bad("has rope_scaling type '" + type + "'; the probe implements linear and llama3");
        };
    }

    private static List<Integer> tokenIds(Fields f, JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        for (JsonNode id : node.isArray() ? node : JSON.createArrayNode().add(node)) {
            if (!id.canConvertToInt() || id.asInt() < 0) {
                throw f.bad("has an eos_token_id that is not a token id: " + id);
            }
            ids.add(id.asInt());
        }
        return List.copyOf(ids);
    }

    /** The longest sequence the probe runs: the trained positions, and no longer than a sliding window. */
    public int context() {
        return slidingWindow == null ? maxPositions : Math.min(maxPositions, slidingWindow);
    }

    /** Query heads per key/value head (grouped-query attention). */
    public int groups() {
        return heads / kvHeads;
    }

    /** Every weight tensor the architecture reads, by its Hugging Face name, with its shape [out, in] as torch stores it. */
    public Map<String, long[]> tensorShapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        long q = (long) heads * headDim;
        long kv = (long) kvHeads * headDim;
        s.put("model.embed_tokens.weight", new long[] { vocabSize, hiddenSize });
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            s.put(p + "input_layernorm.weight", new long[] { hiddenSize });
            s.put(p + "self_attn.q_proj.weight", new long[] { q, hiddenSize });
            s.put(p + "self_attn.k_proj.weight", new long[] { kv, hiddenSize });
            s.put(p + "self_attn.v_proj.weight", new long[] { kv, hiddenSize });
            if (attentionBias) {
                s.put(p + "self_attn.q_proj.bias", new long[] { q });
                s.put(p + "self_attn.k_proj.bias", new long[] { kv });
                s.put(p + "self_attn.v_proj.bias", new long[] { kv });
            }
            s.put(p + "self_attn.o_proj.weight", new long[] { hiddenSize, q });
            if (outputBias) {
                s.put(p + "self_attn.o_proj.bias", new long[] { hiddenSize });
            }
            s.put(p + "post_attention_layernorm.weight", new long[] { hiddenSize });
            s.put(p + "mlp.gate_proj.weight", new long[] { intermediateSize, hiddenSize });
            s.put(p + "mlp.up_proj.weight", new long[] { intermediateSize, hiddenSize });
            s.put(p + "mlp.down_proj.weight", new long[] { hiddenSize, intermediateSize });
            if (mlpBias) {
                s.put(p + "mlp.gate_proj.bias", new long[] { intermediateSize });
                s.put(p + "mlp.up_proj.bias", new long[] { intermediateSize });
                s.put(p + "mlp.down_proj.bias", new long[] { hiddenSize });
            }
        }
        s.put("model.norm.weight", new long[] { hiddenSize });
        if (!tiedEmbeddings) {
            s.put("lm_head.weight", new long[] { vocabSize, hiddenSize });
        }
        return s;
    }

    /** Trainable scalars of the full model. */
    public long parameterCount() {
        long n = 0;
        for (long[] shape : tensorShapes().values()) {
            long size = 1;
            for (long d : shape) {
                size *= d;
            }
            n += size;
        }
        return n;
    }

    /** The config as Hugging Face writes it for this architecture (what {@link #read} takes back). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(switch (modelType) {
        case "llama" -> "LlamaForCausalLM";
        case "qwen2" -> "Qwen2ForCausalLM";
        default -> "MistralForCausalLM";
        });
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", layers);
        o.put("num_attention_heads", heads);
        o.put("num_key_value_heads", kvHeads);
        o.put("head_dim", headDim);
        o.put("hidden_act", "silu");
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling.type().equals("default")) {
            o.putNull("rope_scaling");
        } else {
            ObjectNode r = o.putObject("rope_scaling");
            r.put("rope_type", ropeScaling.type());
            r.put("factor", ropeScaling.factor());
            if (ropeScaling.type().equals("llama3")) {
                r.put("low_freq_factor", ropeScaling.lowFreqFactor());
                r.put("high_freq_factor", ropeScaling.highFreqFactor());
                r.put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
            }
        }
        o.put("max_position_embeddings", maxPositions);
        if (slidingWindow != null) {
            o.put("sliding_window", slidingWindow);
            if (modelType.equals("qwen2")) {
                o.put("use_sliding_window", true);
            }
        }
        o.put("tie_word_embeddings", tiedEmbeddings);
        if (modelType.equals("llama")) {
            o.put("attention_bias", outputBias);
            o.put("mlp_bias", mlpBias);
        }
        if (bosTokenId != null) {
            o.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            eosTokenIds.forEach(o.putArray("eos_token_id")::add);
        }
        o.put("torch_dtype", torchDtype);
        return o;
    }

    /** Reads typed fields of one JSON object and names the file in every complaint. */
    private static final class Fields {
        private final ObjectNode json;
        private final String file;

        Fields(ObjectNode json, String file) {
            this.json = json;
            this.file = file;
        }

        ProbeException bad(String what) {
            return ProbeException.badData(file + " " + what, null);
        }

        String text(String name, String fallback) {
            JsonNode v = json.get(name);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isTextual()) {
                throw bad("has " + name + " = " + v + ", expected a string");
            }
            return v.asText();
        }

        int positive(String name) {
            int v = positive0(name);
            if (v == 0) {
                throw bad("has " + name + " = 0, expected a positive integer");
            }
            return v;
        }

        int positive0(String name) {
            JsonNode v = json.get(name);
            if (v == null || v.isNull()) {
                throw bad("has no " + name);
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                throw bad("has " + name + " = " + v + ", expected a non-negative integer");
            }
            return v.asInt();
        }

        double number(String name, double fallback) {
            JsonNode v = json.get(name);
            if (v == null || v.isNull()) {
                if (Double.isNaN(fallback)) {
                    throw bad("has no " + name);
                }
                return fallback;
            }
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() <= 0) {
                throw bad("has " + name + " = " + v + ", expected a positive number");
            }
            return v.asDouble();
        }

        boolean bool(String name, boolean fallback) {
            JsonNode v = json.get(name);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw bad("has " + name + " = " + v + ", expected true or false");
            }
            return v.asBoolean();
        }
    }
}
