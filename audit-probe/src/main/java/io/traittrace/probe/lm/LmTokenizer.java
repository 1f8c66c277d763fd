package io.traittrace.probe.lm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.traittrace.probe.ProbeException;

/**
 * A model directory's tokenizer as transformers applies it: {@code tokenizer.json} through Hugging Face's own tokenizers
 * library (DJL's binding, natives from its jar), {@code tokenizer_config.json} for the special tokens, {@code add_bos_token}
 * and the Jinja {@code chat_template}, rendered by Jinjava. A plain prompt is encoded with the tokenizer's special tokens
 * (its post-processor, with {@code add_bos_token} honoured); a chat prompt is the rendered template encoded without them
 * (the template writes them itself, as {@code apply_chat_template} does); a completion is encoded without them.
 */
public final class LmTokenizer implements AutoCloseable {

    public static final String FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "tokenizer_config.json";
    public static final String TEMPLATE_FILE = "chat_template.jinja";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final Path directory;
    private final String chatTemplate;
    private final String bosToken;
    private final String eosToken;
    private final Boolean addBos;
    private final Integer bosId;
    private final Set<Integer> eosIds;

    private LmTokenizer(HuggingFaceTokenizer tokenizer, Path directory, String chatTemplate, String bosToken, String eosToken, Boolean addBos, Integer bosId,
            Set<Integer> eosIds) {
        this.tokenizer = tokenizer;
        this.directory = directory;
        this.chatTemplate = chatTemplate;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.addBos = addBos;
        this.bosId = bosId;
        this.eosIds = eosIds;
    }

    /** Loads the tokenizer of {@code dir}; {@code config} supplies the model's own BOS and EOS ids. */
    public static LmTokenizer load(Path dir, LmConfig config) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw ProbeException.badData(file + " is missing: the probe reads Hugging Face tokenizers from tokenizer.json", null);
        }
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = Files.newInputStream(file)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw ProbeException.badData(file + " does not load as a Hugging Face tokenizer: " + e.getMessage(), e);
        }
        try {
            JsonNode tc = readJson(dir.resolve(CONFIG_FILE));
            String bos = tokenText(tc.get("bos_token"));
            String eos = tokenText(tc.get("eos_token"));
            Boolean addBos = tc.hasNonNull("add_bos_token") ? tc.get("add_bos_token").asBoolean() : null;
            String template = tc.hasNonNull("chat_template") && tc.get("chat_template").isTextual() ? tc.get("chat_template").asText() : readTemplate(dir);
            Integer bosId = config.bosTokenId() != null ? config.bosTokenId() : bos == null ? null : single(tokenizer, bos, dir);
            Set<Integer> eosIds = new LinkedHashSet<>(config.eosTokenIds());
            JsonNode generation = readJson(dir.resolve("generation_config.json")).get("eos_token_id");
            if (generation != null) {
                for (JsonNode id : generation.isArray() ? generation : JSON.createArrayNode().add(generation)) {
                    eosIds.add(id.asInt());
                }
            }
            if (eos != null) {
                eosIds.add(single(tokenizer, eos, dir));
            }
            for (int id : eosIds) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw ProbeException.badData(dir + ": end-of-sequence id " + id + " is outside the vocabulary of " + config.vocabSize(), null);
                }
            }
            return new LmTokenizer(tokenizer, dir, template, bos, eos, addBos, bosId, Set.copyOf(eosIds));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** Newer transformers save the template beside the config, as {@code chat_template.jinja}. */
    private static String readTemplate(Path dir) {
        Path file = dir.resolve(TEMPLATE_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw ProbeException.badData("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw ProbeException.badData(file + " is not a JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw ProbeException.badData(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** A special token as tokenizer_config writes it: a string, or an AddedToken object with {@code content}. */
    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? node.path("content").asText(null) : node.asText();
    }

    private static int single(HuggingFaceTokenizer tokenizer, String token, Path dir) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw ProbeException.badData(dir.resolve(CONFIG_FILE) + " names the special token '" + token + "', which " + FILE + " encodes as "
                    + ids.length + " tokens, not one", null);
        }
        return (int) ids[0];
    }

    /** A plain prompt: the tokenizer's own special tokens, with a BOS added or removed as {@code add_bos_token} says. */
    public int[] encodePrompt(String text) {
        int[] ids = ids(tokenizer.encode(text, true, false));
        if (addBos != null && bosId != null) {
            boolean has = ids.length > 0 && ids[0] == bosId;
            if (addBos && !has) {
                int[] with = new int[ids.length + 1];
                with[0] = bosId;
                System.arraycopy(ids, 0, with, 1, ids.length);
                return with;
            }
            if (!addBos && has) {
                return Arrays.copyOfRange(ids, 1, ids.length);
            }
        }
        return ids;
    }

    /** Text that continues a prompt: no special tokens. */
    public int[] encodeContinuation(String text) {
        return ids(tokenizer.encode(text, false, false));
    }

    /** One user turn through the chat template with the generation prompt, encoded without adding special tokens. */
    public int[] encodeChat(String userText) {
        return encodeContinuation(renderChat(List.of(Map.of("role", "user", "content", userText)), true));
    }

    public boolean hasChatTemplate() {
        return chatTemplate != null;
    }

    /** The chat template rendered as transformers' {@code apply_chat_template(..., tokenize=False)} does. */
    public String renderChat(List<Map<String, String>> messages, boolean addGenerationPrompt) {
        if (chatTemplate == null) {
            throw ProbeException.badData(directory.resolve(CONFIG_FILE) + " has no chat_template; run without --chat", null);
        }
        Jinjava jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", LmTokenizer.class, "raiseException", String.class));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", new ArrayList<>(messages));
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken == null ? "" : bosToken);
        context.put("eos_token", eosToken == null ? "" : eosToken);
        RenderResult result = jinja.renderForResult(chatTemplate, context);
        if (!result.getErrors().isEmpty()) {
            throw ProbeException.badData(directory.resolve(CONFIG_FILE) + ": the chat_template does not render: " + result.getErrors().get(0).getMessage(), null);
        }
        return result.getOutput();
    }

    /** Called by templates as {@code raise_exception('...')}. */
    public static String raiseException(String message) {
        throw new IllegalArgumentException("the chat template refused the conversation: " + message);
    }

    public String decode(int[] ids) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), false);
    }

    /** Ids that end a sampled completion: config.json's, generation_config.json's and tokenizer_config.json's EOS. */
    public Set<Integer> eosIds() {
        return eosIds;
    }

    private static int[] ids(Encoding encoding) {
        return Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
