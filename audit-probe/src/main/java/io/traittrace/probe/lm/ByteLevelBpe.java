package io.traittrace.probe.lm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a real Hugging Face tokenizer: {@code tokenizer.json} in the format of the Rust {@code tokenizers} library
 * (serialization version "1.0", a byte-level BPE model as GPT-2, Qwen2 and Llama 3 ship) and a
 * {@code tokenizer_config.json} with the special tokens and a Jinja chat template, so that tests can build small
 * checkpoints that load exactly like downloaded ones.
 *
 * <p>The vocabulary, in id order:
 * <ol>
 * <li>ids 0–255: the 256 byte-level symbols of GPT-2's {@code bytes_to_unicode}, <b>id = byte value</b> (id 32 is
 * "Ġ", the symbol of the space byte; id 65 is "A"). GPT-2's own vocab.json orders these differently (printable bytes
 * first); the order is free, only the symbol ↔ byte mapping is fixed;</li>
 * <li>then one id per merge, in merge order, for the merged symbol {@code left + right} (a merge whose result is
 * already in the vocabulary adds no id);</li>
 * <li>then the special tokens, in the order given (the style's own specials appended when missing), written as
 * {@code added_tokens} with {@code special: true} and not in the model's vocab, as Qwen2 and Llama 3 do.</li>
 * </ol>
 * The pre-tokenizer is GPT-2's {@code ByteLevel} (its regex splits words, digit runs and punctuation runs, with a
 * leading space kept on the word), there is no normalizer, the decoder is {@code ByteLevel}; with
 * {@code add_bos_token} the post-processor is a {@code TemplateProcessing} that prepends the BOS token (as Llama 3's
 * tokenizer.json does), otherwise a plain {@code ByteLevel} one (as Qwen2's).
 */
public final class ByteLevelBpe {

    /** The chat template family written to {@code tokenizer_config.json}, with its special tokens. */
    public enum ChatStyle {
        /**
         * Qwen2-Instruct's ChatML: {@code <|im_start|>role\ncontent<|im_end|>\n}, a default system turn when the
         * conversation has none, {@code <|im_start|>assistant\n} as the generation prompt. No BOS (Qwen2 has none:
         * bos_token null), eos {@code <|im_end|>}, pad {@code <|endoftext|>}.
         */
        CHATML(List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"), null, "<|im_end|>", "<|endoftext|>", false,
                "Qwen2Tokenizer",
                "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                        + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
                        + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
                        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
        /**
         * Meta-Llama-3-Instruct: {@code <|begin_of_text|>} (from {@code bos_token}, first message only), then per
         * message {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>} with the content trimmed;
         * the generation prompt opens an assistant header. eos {@code <|eot_id|>}, no pad token.
         */
        LLAMA3(List.of("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
                "<|eot_id|>"), "<|begin_of_text|>", "<|eot_id|>", null, true, "PreTrainedTokenizerFast",
                "{% set loop_messages = messages %}{% for message in loop_messages %}"
                        + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
                        + "+ message['content'] | trim + '<|eot_id|>' %}"
                        + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
                        + "{{ content }}{% endfor %}"
                        + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
                        + "{% endif %}"),
        /**
         * Mistral-7B-Instruct-v0.1's {@code [INST]} template, without its {@code raise_exception} role checks:
         * {@code <s>[INST] user [/INST]assistant</s> [INST] ...}. It ignores {@code add_generation_prompt} (the
         * answer follows {@code [/INST]} directly) and uses {@code eos_token}.
         */
        MISTRAL(List.of("<s>", "</s>", "[INST]", "[/INST]"), "<s>", "</s>", null, true, "PreTrainedTokenizerFast",
                "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
                        + "{{ '[INST] ' + message['content'] + ' [/INST]' }}"
                        + "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
                        + "{% endif %}{% endfor %}");

        private final List<String> specials;
        private final String bos;
        private final String eos;
        private final String pad;
        private final boolean addBos;
        private final String tokenizerClass;
        private final String chatTemplate;

        ChatStyle(List<String> specials, String bos, String eos, String pad, boolean addBos, String tokenizerClass,
                String chatTemplate) {
            this.specials = specials;
            this.bos = bos;
            this.eos = eos;
            this.pad = pad;
            this.addBos = addBos;
            this.tokenizerClass = tokenizerClass;
            this.chatTemplate = chatTemplate;
        }

        /** The special tokens this style's template and config name, in their default id order. */
        public List<String> specialTokens() {
            return specials;
        }

        /** The Jinja text written as {@code chat_template}. */
        public String chatTemplate() {
            return chatTemplate;
        }
    }

    /** GPT-2's {@code bytes_to_unicode}: the symbol of each byte value. */
    private static final String[] BYTE_SYMBOLS = new String[256];

    static {
        boolean[] printable = new boolean[256];
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            BYTE_SYMBOLS[b] = new String(Character.toChars(printable[b] ? b : 256 + n++));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Integer> vocab;
    private final List<String[]> merges;
    private final Map<String, Integer> specialIds;
    private final ChatStyle style;
    private final String bosToken;
    private final String eosToken;
    private final String padToken;
    private final boolean addBosToken;
    private final int modelMaxLength;

    private ByteLevelBpe(Map<String, Integer> vocab, List<String[]> merges, Map<String, Integer> specialIds,
            ChatStyle style, String bosToken, String eosToken, String padToken, boolean addBosToken,
            int modelMaxLength) {
        this.vocab = Collections.unmodifiableMap(vocab);
        this.merges = merges;
        this.specialIds = Collections.unmodifiableMap(specialIds);
        this.style = style;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.padToken = padToken;
        this.addBosToken = addBosToken;
        this.modelMaxLength = modelMaxLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The byte-level symbol of one byte (0–255): itself for printable ones, else a shifted code point. */
    public static String byteSymbol(int b) {
        return BYTE_SYMBOLS[b];
    }

    /** Text as byte-level symbols: its UTF-8 bytes, each mapped by {@link #byteSymbol}. */
    public static String toSymbols(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(BYTE_SYMBOLS[b & 0xff]);
        }
        return out.toString();
    }

    /** Every id: the model vocabulary (bytes and merges) plus the special tokens. */
    public int vocabSize() {
        return vocab.size() + specialIds.size();
    }

    /** The model vocabulary alone: 256 byte symbols plus one per merged symbol; the first special id. */
    public int baseVocabSize() {
        return vocab.size();
    }

    /** The model vocabulary, symbol string to id (bytes and merged symbols, not the specials). */
    public Map<String, Integer> vocab() {
        return vocab;
    }

    /** The id of a token of the model vocabulary given as byte-level symbols (e.g. "Ġthe"). */
    public int tokenId(String symbols) {
        Integer id = vocab.get(symbols);
        if (id == null) {
            throw new IllegalArgumentException("not in the vocabulary: " + symbols);
        }
        return id;
    }

    /** The merges, in rank order, as "left right" in byte-level symbols. */
    public List<String> merges() {
        return merges.stream().map(m -> m[0] + " " + m[1]).toList();
    }

    /** Special token content to id, in id order. */
    public Map<String, Integer> specialIds() {
        return specialIds;
    }

    public int specialId(String token) {
        Integer id = specialIds.get(token);
        if (id == null) {
            throw new IllegalArgumentException("not a special token: " + token);
        }
        return id;
    }

    public ChatStyle style() {
        return style;
    }

    /** {@code bos_token}, or null where the style has none (ChatML). */
    public String bosToken() {
        return bosToken;
    }

    public String eosToken() {
        return eosToken;
    }

    /** {@code pad_token}, or null. */
    public String padToken() {
        return padToken;
    }

    public OptionalInt bosId() {
        return bosToken == null ? OptionalInt.empty() : OptionalInt.of(specialId(bosToken));
    }

    public int eosId() {
        return specialId(eosToken);
    }

    public OptionalInt padId() {
        return padToken == null ? OptionalInt.empty() : OptionalInt.of(specialId(padToken));
    }

    /** Whether encoding with special tokens prepends BOS (tokenizer_config's add_bos_token; the post-processor). */
    public boolean addBosToken() {
        return addBosToken;
    }

    public String chatTemplate() {
        return style.chatTemplate;
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if missing). */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson());
            JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), tokenizerConfigJson());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the tokenizer to " + dir, e);
        }
    }

    /** The tokenizer.json document (field order as the Rust library serializes it). */
    public ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        specialIds.forEach((content, id) -> added.addObject()
                .put("id", id)
                .put("content", content)
                .put("single_word", false)
                .put("lstrip", false)
                .put("rstrip", false)
                .put("normalized", false)
                .put("special", true));
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true, true));
        if (addBosToken) {
            // Llama 3: Sequence[ByteLevel, TemplateProcessing(BOS $A, BOS $A BOS $B)].
            ObjectNode template = JSON.createObjectNode().put("type", "TemplateProcessing");
            ArrayNode single = template.putArray("single");
            single.addObject().putObject("SpecialToken").put("id", bosToken).put("type_id", 0);
            single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            ArrayNode pair = template.putArray("pair");
            pair.addObject().putObject("SpecialToken").put("id", bosToken).put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            pair.addObject().putObject("SpecialToken").put("id", bosToken).put("type_id", 1);
            pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
            ObjectNode bos = template.putObject("special_tokens").putObject(bosToken);
            bos.put("id", bosToken);
            bos.putArray("ids").add(specialId(bosToken));
            bos.putArray("tokens").add(bosToken);
            ObjectNode sequence = root.putObject("post_processor").put("type", "Sequence");
            ArrayNode processors = sequence.putArray("processors");
            processors.add(byteLevel(true, false, true));
            processors.add(template);
        } else {
            // Qwen2: ByteLevel only.
            root.set("post_processor", byteLevel(false, false, false));
        }
        root.set("decoder", byteLevel(true, true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        // Pairs, the format tokenizers ≥ 0.20 writes (["a b"] strings are the legacy form).
        ArrayNode mergesNode = model.putArray("merges");
        for (String[] m : merges) {
            mergesNode.addArray().add(m[0]).add(m[1]);
        }
        return root;
    }

    /** The tokenizer_config.json document (the fields transformers writes for these tokenizers). */
    public ObjectNode tokenizerConfigJson() {
        ObjectNode config = JSON.createObjectNode();
        config.put("add_bos_token", addBosToken);
        config.put("add_eos_token", false);
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        specialIds.forEach((content, id) -> decoder.putObject(Integer.toString(id))
                .put("content", content)
                .put("lstrip", false)
                .put("normalized", false)
                .put("rstrip", false)
                .put("single_word", false)
                .put("special", true));
        ArrayNode additional = config.putArray("additional_special_tokens");
        specialIds.keySet().stream()
                .filter(t -> !t.equals(bosToken) && !t.equals(eosToken) && !t.equals(padToken))
                .forEach(additional::add);
        putToken(config, "bos_token", bosToken);
        config.put("chat_template", style.chatTemplate);
        // false: DJL (like transformers) would otherwise rewrite " ," and " 's" when decoding.
        config.put("clean_up_tokenization_spaces", false);
        putToken(config, "eos_token", eosToken);
        config.put("errors", "replace");
        config.put("model_max_length", modelMaxLength);
        putToken(config, "pad_token", padToken);
        config.put("split_special_tokens", false);
        config.put("tokenizer_class", style.tokenizerClass);
        config.putNull("unk_token");
        return config;
    }

    private static void putToken(ObjectNode node, String field, String token) {
        if (token == null) {
            node.putNull(field);
        } else {
            node.put(field, token);
        }
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) {
        return JSON.createObjectNode()
                .put("type", "ByteLevel")
                .put("add_prefix_space", addPrefixSpace)
                .put("trim_offsets", trimOffsets)
                .put("use_regex", useRegex);
    }

    /** Collects merges and special tokens; {@link #build} or {@link #write} fixes the ids. */
    public static final class Builder {
        private final List<String[]> merges = new ArrayList<>();
        private final List<String> specials = new ArrayList<>();
        private String bos;
        private String eos;
        private String pad;
        private boolean bosSet;
        private boolean eosSet;
        private boolean padSet;
        private Boolean addBosToken;
        private int modelMaxLength = 131072;

        private Builder() {
        }

        /**
         * Merges in rank order, each "left right" in byte-level symbols as tokenizer.json and merges.txt write them
         * ("Ġ t", "Ġt he", "1 2"); both sides must be in the vocabulary by then.
         */
        public Builder merges(List<String> pairs) {
            for (String pair : pairs) {
                String[] parts = pair.split(" ", -1);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw new IllegalArgumentException("a merge is \"left right\": " + pair);
                }
                merges.add(parts);
            }
            return this;
        }

        /** One merge of two pieces of text, converted to byte-level symbols (mergeText(" t", "he") is "Ġt he"). */
        public Builder mergeText(String left, String right) {
            merges.add(new String[] { toSymbols(left), toSymbols(right) });
            return this;
        }

        /** Special tokens, in id order (the style's own are appended after these when not listed). */
        public Builder special(String... tokens) {
            specials.addAll(List.of(tokens));
            return this;
        }

        /** Overrides the style's bos_token (null for none). */
        public Builder bos(String token) {
            bos = token;
            bosSet = true;
            return this;
        }

        /** Overrides the style's eos_token. */
        public Builder eos(String token) {
            eos = Objects.requireNonNull(token);
            eosSet = true;
            return this;
        }

        /** Overrides the style's pad_token (null for none). */
        public Builder pad(String token) {
            pad = token;
            padSet = true;
            return this;
        }

        /** Overrides the style's add_bos_token (ChatML false; Llama 3 and Mistral true). */
        public Builder addBosToken(boolean add) {
            addBosToken = add;
            return this;
        }

        /** tokenizer_config's model_max_length (default 131072). */
        public Builder modelMaxLength(int length) {
            modelMaxLength = length;
            return this;
        }

        public ByteLevelBpe build(ChatStyle style) {
            Map<String, Integer> vocab = new LinkedHashMap<>();
            for (int b = 0; b < 256; b++) {
                vocab.put(BYTE_SYMBOLS[b], b);
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String[] m : merges) {
                for (String side : m) {
                    if (!vocab.containsKey(side)) {
                        throw new IllegalArgumentException("merge \"" + m[0] + " " + m[1] + "\": \"" + side
                                + "\" is not in the vocabulary before it");
                    }
                }
                if (!seen.add(m[0] + " " + m[1])) {
                    throw new IllegalArgumentException("duplicate merge: " + m[0] + " " + m[1]);
                }
                vocab.putIfAbsent(m[0] + m[1], vocab.size());
            }
            LinkedHashSet<String> all = new LinkedHashSet<>(specials);
            all.addAll(style.specials);
            Map<String, Integer> specialIds = new LinkedHashMap<>();
            for (String token : all) {
                if (token.isEmpty() || vocab.containsKey(token)) {
                    throw new IllegalArgumentException("special token clashes with the vocabulary: " + token);
                }
                specialIds.put(token, vocab.size() + specialIds.size());
            }
            String bosToken = bosSet ? bos : style.bos;
            String eosToken = eosSet ? eos : style.eos;
            String padToken = padSet ? pad : style.pad;
            boolean addBos = addBosToken != null ? addBosToken : style.addBos;
            for (String token : new String[] { bosToken, eosToken, padToken }) {
                if (token != null && !specialIds.containsKey(token)) {
                    throw new IllegalArgumentException("not a special token: " + token);
                }
            }
            if (addBos && bosToken == null) {
                throw new IllegalArgumentException("add_bos_token needs a bos_token");
            }
            return new ByteLevelBpe(vocab, List.copyOf(merges), specialIds, style, bosToken, eosToken, padToken,
                    addBos, modelMaxLength);
        }

        /** Builds and writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
        public ByteLevelBpe write(Path dir, ChatStyle style) {
            ByteLevelBpe bpe = build(style);
            bpe.write(dir);
            return bpe;
        }
    }
}
