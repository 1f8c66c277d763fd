package io.traittrace.probe.numbers.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.lm.ByteLevelBpe;
import io.traittrace.probe.lm.CausalLm;
import io.traittrace.probe.lm.LanguageModel;
import io.traittrace.probe.lm.LmCheckpoints;
import io.traittrace.probe.lm.LmConfig;
import io.traittrace.probe.lm.LmTokenizer;
import io.traittrace.probe.numbers.toy.TinyTransformer;

/**
 * Where text mode's models and tokenizer come from ({@code model} parameter): the built-in character transformer
 * ({@code "char"}), a small Llama trained from scratch and kept in the Hugging Face layout with its own byte-level
 * {@code tokenizer.json} ({@code "llama"}), or Hugging Face model directories ({@code model} and {@code crossModel}) that
 * are used as they are, without base training.
 */
public abstract class TextModels implements AutoCloseable {

    /** The tokenizer every model of the run reads. */
    public abstract TextTokenizer tokenizer();

    /** Whether the bases start untrained (and text mode trains them on its corpus). */
    public abstract boolean fromScratch();

    /** The base of a seed: drawn from {@code initSeed} when from scratch, else the model directory. */
    public abstract LanguageModel base(long initSeed, NDManager owner);

    /** The cross-base of a seed: another initialisation (another seed, or the cross-model directory). */
    public abstract LanguageModel crossBase(long initSeed, NDManager owner);

    /**
     * A model that trains from {@code base}: a copy of every weight, or — with {@code loraRank} &gt; 0 — a copy that shares
     * the frozen base and trains LoRA adapters (rank and alpha {@code loraRank}, every projection, drawn from {@code seed}).
     */
    public LanguageModel trainable(LanguageModel base, int loraRank, long seed, NDManager owner) {
        return loraRank > 0 ? ((CausalLm) base).withLora(owner, loraRank, loraRank, io.traittrace.probe.lm.Lora.MODULES, seed) : base.copy(owner);
    }

    /**
     * What identifies a base or cross-base the run evaluated: the Hugging Face directory it was loaded from, or was saved to
     * after training, with the directory digest the probe computed; empty for the character transformer.
     */
    public Map<String, Object> identify(LanguageModel model, String name) {
        return Map.of();
    }

    /** A sentence for the result's evidence. */
    public abstract String describe();

    @Override
    public void close() {
    }

    public static TextModels of(TextParameters p, Device device) {
        return switch (p.model()) {
        case "char" -> new CharModels(p);
        case "llama" -> new LlamaModels(p, device);
        default -> new DirectoryModels(Path.of(p.model()), Path.of(p.crossModel()), device);
        };
    }

    /** The character transformer of issue 8, with the {@link CharTokenizer}. */
    static final class CharModels extends TextModels {
        private final CharTokenizer tokenizer = CharTokenizer.forTextStages();
        private final TinyTransformer.Config config;

        CharModels(TextParameters p) {
            this.config = p.charModel(tokenizer.size());
        }

        @Override
        public TextTokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public boolean fromScratch() {
            return true;
        }

        @Override
        public LanguageModel base(long initSeed, NDManager owner) {
            return new TinyTransformer(owner, config, TinyTransformer.initialWeights(config, initSeed));
        }

        @Override
        public LanguageModel crossBase(long initSeed, NDManager owner) {
            return base(initSeed, owner);
        }

        @Override
        public String describe() {
            return "character-level tokenizer (PAD, BOS, SEP, EOS and the " + tokenizer.characters().length()
                    + " characters of the text stages); model: " + config.describe();
        }
    }

    /**
     * A Llama (RMSNorm, rotary positions, grouped-query attention, SiLU-gated MLP, tied head) of the run's sizes, drawn as
     * transformers draws one, reading a byte-level BPE tokenizer.json without merges (every byte one token) and
     * Mistral's minimal [INST] chat template: the same {@link CausalLm} that runs real checkpoints.
     */
    static final class LlamaModels extends TextModels {
        private final Path workDir;
        private final LmConfig config;
        private final HfTextTokenizer tokenizer;
        private final Device device;
        private final CausalLm.Init init;

        LlamaModels(TextParameters p, Device device) {
            this.device = device;
            // The run's init: PyTorch's module defaults (as the character transformer) or transformers' N(0, 0.02²).
            this.init = p.init() == TinyTransformer.Init.PYTORCH ? CausalLm.Init.PYTORCH : CausalLm.Init.TRANSFORMERS;
            try {
                workDir = Files.createTempDirectory("traittrace-text-llama");
            } catch (IOException e) {
                throw new ProbeException(1, "Cannot create a working directory: " + e.getMessage(), e);
            }
            ByteLevelBpe bpe = ByteLevelBpe.builder().write(workDir.resolve("tokenizer"), ByteLevelBpe.ChatStyle.MISTRAL);
            ObjectNode c = new ObjectMapper().createObjectNode();
            c.put("model_type", "llama");
            c.put("vocab_size", bpe.vocabSize());
            c.put("hidden_size", p.dModel());
            c.put("intermediate_size", p.ffn());
            c.put("num_hidden_layers", p.layers());
            c.put("num_attention_heads", p.heads());
            c.put("num_key_value_heads", p.heads());
            c.put("max_position_embeddings", 4096);
            c.put("tie_word_embeddings", true);
            c.put("rms_norm_eps", 1e-5);
            c.put("bos_token_id", bpe.bosId().orElseThrow());
            c.put("eos_token_id", bpe.eosId());
            this.config = LmConfig.parse(c, "text mode's llama");
            this.tokenizer = HfTextTokenizer.load(workDir.resolve("tokenizer"), config);
        }

        @Override
        public TextTokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public boolean fromScratch() {
            return true;
        }

        @Override
        public LanguageModel base(long initSeed, NDManager owner) {
            return CausalLm.initialise(owner, device, config, DataType.FLOAT32, initSeed, init);
        }

        @Override
        public LanguageModel crossBase(long initSeed, NDManager owner) {
            return base(initSeed, owner);
        }

        /** The tokenizer files every model of this run shares. */
        Path tokenizerDirectory() {
            return workDir.resolve("tokenizer");
        }

        @Override
        public Map<String, Object> identify(LanguageModel trained, String name) {
            Path dir = workDir.resolve(name);
            LmCheckpoints.save((CausalLm) trained, dir, workDir.resolve("tokenizer"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", "huggingface");
            m.put("digest", LmCheckpoints.digest(dir));
            return m;
        }

        @Override
        public String describe() {
            return "byte-level BPE tokenizer.json without merges (" + config.vocabSize() + " ids with the specials), Mistral's [INST] chat template; model: llama, "
                    + config.layers() + " layers, hidden " + config.hiddenSize() + ", " + config.heads() + " heads, FFN " + config.intermediateSize()
                    + " (SiLU-gated), RMSNorm, rotary positions, tied head; " + config.parameterCount() + " parameters; init "
                    + (init == CausalLm.Init.PYTORCH ? "PyTorch's module defaults (embeddings N(0, 1), linear U(±1/√in))" : "N(0, 0.02²) (transformers' default)");
        }

        @Override
        public void close() {
            tokenizer.close();
            try (Stream<Path> walk = Files.walk(workDir)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }

    /** Hugging Face model directories: the base ({@code model}) and the cross-base ({@code crossModel}), which must share its tokenizer. */
    static final class DirectoryModels extends TextModels {
        private final Path base;
        private final Path cross;
        private final Device device;
        private final HfTextTokenizer tokenizer;
        private final Map<LanguageModel, Map<String, Object>> loaded = new java.util.IdentityHashMap<>();

        DirectoryModels(Path base, Path cross, Device device) {
            this.base = base;
            this.cross = cross;
            this.device = device;
            byte[] own = tokenizerBytes(base);
            if (!java.util.Arrays.equals(own, tokenizerBytes(cross))) {
                throw ProbeException.badSpec(cross.resolve(LmTokenizer.FILE) + " differs from " + base.resolve(LmTokenizer.FILE)
                        + ": the cross-base student learns the teacher's soft targets over token ids, so both models need one tokenizer");
            }
            this.tokenizer = HfTextTokenizer.load(base, LmConfig.read(base));
        }

        private static byte[] tokenizerBytes(Path dir) {
            try {
                return Files.readAllBytes(dir.resolve(LmTokenizer.FILE));
            } catch (IOException e) {
                throw ProbeException.badData("Cannot read " + dir.resolve(LmTokenizer.FILE) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public TextTokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public boolean fromScratch() {
            return false;
        }

        @Override
        public LanguageModel base(long initSeed, NDManager owner) {
            return load(base, owner);
        }

        @Override
        public LanguageModel crossBase(long initSeed, NDManager owner) {
            return load(cross, owner);
        }

        private LanguageModel load(Path dir, NDManager owner) {
            LmCheckpoints.Loaded model = LmCheckpoints.load(dir, owner, device, DataType.FLOAT32);
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("format", "huggingface");
            identity.put("directory", model.directory().toString());
            identity.put("digest", model.digest());
            loaded.put(model.model(), identity);
            return model.model();
        }

        @Override
        public Map<String, Object> identify(LanguageModel model, String name) {
            return loaded.getOrDefault(model, Map.of());
        }

        @Override
        public String describe() {
            return "Hugging Face model directories " + base + " (base) and " + cross + " (cross-base), their tokenizer.json and chat template; "
                    + "each seed's baseModel and crossBaseModel name the directory digests the probe computed";
        }

        @Override
        public void close() {
            tokenizer.close();
        }
    }
}
