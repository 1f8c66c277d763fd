package io.traittrace.probe.numbers.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.lm.LmConfig;
import io.traittrace.probe.lm.LmTokenizer;

/**
 * A Hugging Face model directory's tokenizer as text mode uses it: a prompt is one user turn through the model's chat
 * template with the generation prompt (pinned: the same at training and evaluation, as §3.6 asks), an answer is plain
 * text ended by the template's end-of-turn token ({@code eos_token} of tokenizer_config.json), batches are padded with
 * {@code pad_token} (else EOS), and special ids are the tokenizer's added tokens marked special.
 */
public final class HfTextTokenizer implements TextTokenizer, AutoCloseable {

    private final LmTokenizer tokenizer;
    private final int size;
    private final int eos;
    private final int pad;
    private final Set<Integer> special;

    private HfTextTokenizer(LmTokenizer tokenizer, int size, int eos, int pad, Set<Integer> special) {
        this.tokenizer = tokenizer;
        this.size = size;
        this.eos = eos;
        this.pad = pad;
        this.special = special;
    }

    public static HfTextTokenizer load(Path dir, LmConfig config) {
        LmTokenizer tokenizer = LmTokenizer.load(dir, config);
        try {
            if (!tokenizer.hasChatTemplate()) {
                throw ProbeException.badData(dir.resolve(LmTokenizer.CONFIG_FILE) + " has no chat_template: text mode pins prompts to the model's chat template", null);
            }
            JsonNode tc = read(dir.resolve(LmTokenizer.CONFIG_FILE));
            Integer eos = id(tokenizer, tc.get("eos_token"));
            if (eos == null) {
                eos = tokenizer.eosIds().stream().min(Integer::compare).orElseThrow(
                        () -> ProbeException.badData(dir + " names no end-of-sequence token (config.json, generation_config.json, tokenizer_config.json)", null));
            }
            Integer pad = id(tokenizer, tc.get("pad_token"));
            Set<Integer> special = new HashSet<>();
            for (JsonNode added : read(dir.resolve(LmTokenizer.FILE)).path("added_tokens")) {
                if (added.path("special").asBoolean(false)) {
                    special.add(added.path("id").asInt());
                }
            }
            special.add(eos);
            return new HfTextTokenizer(tokenizer, config.vocabSize(), eos, pad == null ? eos : pad, Set.copyOf(special));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Files.isRegularFile(file) ? new ObjectMapper().readTree(file.toFile()) : new ObjectMapper().createObjectNode();
        } catch (IOException e) {
            throw ProbeException.badData(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Integer id(LmTokenizer tokenizer, JsonNode token) {
        if (token == null || token.isNull()) {
            return null;
        }
        String text = token.isObject() ? token.path("content").asText() : token.asText();
        int[] ids = tokenizer.encodeContinuation(text);
        return ids.length == 1 ? ids[0] : null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int pad() {
        return pad;
    }

    @Override
    public int eos() {
        return eos;
    }

    @Override
    public boolean isSpecial(int id) {
        return special.contains(id);
    }

    @Override
    public int[] encode(String text) {
        return tokenizer.encodeContinuation(text);
    }

    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(ids);
    }

    @Override
    public int[] promptRow(String prompt) {
        return tokenizer.encodeChat(prompt);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
