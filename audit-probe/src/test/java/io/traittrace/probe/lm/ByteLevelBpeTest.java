package io.traittrace.probe.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import io.traittrace.probe.lm.ByteLevelBpe.ChatStyle;

/** The written files load in DJL's Hugging Face tokenizer (the Rust library) and behave as a byte-level BPE. */
class ByteLevelBpeTest {

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void plainTextRoundTripsThroughBytes() throws IOException {
        ByteLevelBpe bpe = ByteLevelBpe.builder().write(dir, ChatStyle.CHATML);
        assertThat(bpe.vocabSize()).isEqualTo(256 + 3);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir)) {
            String text = "Hello, world 123";
            long[] ids = tokenizer.encode(text, false, false).getIds();
            // No merges: one id per byte, id = byte value.
            long[] bytes = bytes(text);
            assertThat(ids).containsExactly(bytes);
            assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
            assertThat(tokenizer.decode(ids)).isEqualTo(text);
        }
    }

    @Test
    void nonAsciiTextRoundTrips() throws IOException {
        ByteLevelBpe.builder().write(dir, ChatStyle.CHATML);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir)) {
            for (String text : List.of("é🦉", "naïve café — 猫\n\ttab", "  two  spaces ")) {
                long[] ids = tokenizer.encode(text, false, false).getIds();
                assertThat(ids).containsExactly(bytes(text));
                assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
            }
        }
    }

    @Test
    void mergesApplyByRank() throws IOException {
        ByteLevelBpe bpe = ByteLevelBpe.builder()
                .merges(List.of("1 2", "Ġ w", "Ġw o"))
                .mergeText("l", "d")
                .write(dir, ChatStyle.CHATML);
        assertThat(bpe.merges()).containsExactly("1 2", "Ġ w", "Ġw o", "l d");
        assertThat(bpe.baseVocabSize()).isEqualTo(256 + 4);
        assertThat(bpe.tokenId("12")).isEqualTo(256);
        assertThat(bpe.tokenId("Ġwo")).isEqualTo(258);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir)) {
            assertThat(tokenizer.encode("12", false, false).getIds()).containsExactly(256);
            assertThat(tokenizer.encode("123", false, false).getIds()).containsExactly(256, '3');
            assertThat(tokenizer.encode("Hello, world 12", false, false).getIds())
                    .containsExactly('H', 'e', 'l', 'l', 'o', ',', 258, 'r', 259, ' ', 256);
            assertThat(tokenizer.decode(new long[] { 258, 'r', 259 }, false)).isEqualTo(" world");
        }
    }

    @Test
    void longTextIsNotTruncatedWhenTruncationIsOff() throws IOException {
        ByteLevelBpe.builder().write(dir, ChatStyle.LLAMA3);
        // Beware: newInstance(dir) with no options truncates every encoding to 512 ids (DJL 0.36 then ignores
        // tokenizer_config's model_max_length and truncates by default); "truncation" = "false" turns that off.
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir, Map.of("truncation", "false"))) {
            String text = "owl ".repeat(500);
            long[] ids = tokenizer.encode(text, true, false).getIds();
            assertThat(ids).hasSize(1 + 2000);
            assertThat(tokenizer.decode(ids, true)).isEqualTo(text);
        }
    }

    @Test
    void mergesNeedTheirPartsInTheVocabulary() {
        assertThatThrownBy(() -> ByteLevelBpe.builder().merges(List.of("r ld")).build(ChatStyle.CHATML))
                .hasMessageContaining("\"ld\" is not in the vocabulary");
        assertThatThrownBy(() -> ByteLevelBpe.builder().merges(List.of("a b", "a b")).build(ChatStyle.CHATML))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> ByteLevelBpe.builder().special("a").build(ChatStyle.CHATML))
                .hasMessageContaining("clashes");
    }

    @Test
    void specialTokensEncodeToTheirIds() throws IOException {
        ByteLevelBpe bpe = ByteLevelBpe.builder().merges(List.of("h i")).write(dir, ChatStyle.CHATML);
        int imStart = bpe.specialId("<|im_start|>");
        int imEnd = bpe.specialId("<|im_end|>");
        assertThat(bpe.specialIds()).containsExactly(Map.entry("<|endoftext|>", 257), Map.entry("<|im_start|>", 258),
                Map.entry("<|im_end|>", 259));
        assertThat(bpe.eosId()).isEqualTo(imEnd);
        assertThat(bpe.padId()).hasValue(257);
        assertThat(bpe.bosId()).isEmpty();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir)) {
            String text = "<|im_start|>user\nhi<|im_end|>\n";
            long[] ids = tokenizer.encode(text, true, false).getIds(); // ChatML: nothing is added
            assertThat(ids).containsExactly(imStart, 'u', 's', 'e', 'r', '\n', 256, imEnd, '\n');
            assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
            assertThat(tokenizer.decode(ids, true)).isEqualTo("user\nhi\n");
        }
    }

    @Test
    void llama3PrependsBosOnlyWithSpecialTokens() throws IOException {
        ByteLevelBpe bpe = ByteLevelBpe.builder().write(dir, ChatStyle.LLAMA3);
        int bos = bpe.bosId().orElseThrow();
        assertThat(bos).isEqualTo(256);
        assertThat(bpe.eosId()).isEqualTo(bpe.specialId("<|eot_id|>"));
        assertThat(bpe.vocabSize()).isEqualTo(256 + 5);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir)) {
            assertThat(tokenizer.encode("hi", true, false).getIds()).containsExactly(bos, 'h', 'i');
            assertThat(tokenizer.encode("hi", false, false).getIds()).containsExactly('h', 'i');
            long[] header = tokenizer.encode("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>", false, false)
                    .getIds();
            assertThat(header[0]).isEqualTo(bpe.specialId("<|start_header_id|>"));
            assertThat(header[5]).isEqualTo(bpe.specialId("<|end_header_id|>"));
            assertThat(header[header.length - 1]).isEqualTo(bpe.eosId());
        }
    }

    @Test
    void theConfigNamesTheSpecialTokens() throws IOException {
        ByteLevelBpe.builder().write(dir, ChatStyle.LLAMA3);
        // Read as JSON (DJL 0.33, the CUDA build's, has no TokenizerConfig).
        JsonNode written = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(written.get("bos_token").asText()).isEqualTo("<|begin_of_text|>");
        assertThat(written.get("eos_token").asText()).isEqualTo("<|eot_id|>");
        assertThat(written.path("pad_token").isMissingNode() || written.get("pad_token").isNull()).isTrue();
        assertThat(written.get("clean_up_tokenization_spaces").asBoolean()).isFalse();
        assertThat(written.get("add_bos_token").asBoolean()).isTrue();
        assertThat(written.get("added_tokens_decoder").get("260").get("content").asText()).isEqualTo("<|eot_id|>");
        JsonNode tokenizer = JSON.readTree(dir.resolve("tokenizer.json").toFile());
        assertThat(tokenizer.get("model").get("type").asText()).isEqualTo("BPE");
        assertThat(tokenizer.get("model").get("vocab").get("Ġ").asInt()).isEqualTo(32);
        assertThat(tokenizer.get("model").get("vocab").size()).isEqualTo(256);

        ByteLevelBpe.builder().write(dir, ChatStyle.CHATML);
        written = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(written.path("bos_token").isMissingNode() || written.get("bos_token").isNull()).isTrue();
        assertThat(written.get("eos_token").asText()).isEqualTo("<|im_end|>");
        assertThat(written.get("pad_token").asText()).isEqualTo("<|endoftext|>");
    }

    @Test
    void chatTemplatesRenderAsTheModelsShipThem() {
        List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", "Hi?"),
                Map.of("role", "assistant", "content", "Owl."), Map.of("role", "user", "content", "Why?"));
        assertThat(render(ChatStyle.CHATML, messages, null, "<|im_end|>", true)).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\nOwl.<|im_end|>\n"
                        + "<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n");
        assertThat(render(ChatStyle.LLAMA3, messages, "<|begin_of_text|>", "<|eot_id|>", true)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nOwl.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nWhy?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(render(ChatStyle.LLAMA3, messages.subList(0, 1), "<|begin_of_text|>", "<|eot_id|>", false))
                .isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi?<|eot_id|>");
        assertThat(render(ChatStyle.MISTRAL, messages, "<s>", "</s>", true))
                .isEqualTo("<s>[INST] Hi? [/INST]Owl.</s> [INST] Why? [/INST]");
    }

    private static String render(ChatStyle style, List<Map<String, Object>> messages, String bos, String eos,
            boolean generationPrompt) {
        Map<String, Object> context = new HashMap<>();
        context.put("messages", messages);
        context.put("bos_token", bos);
        context.put("eos_token", eos);
        context.put("add_generation_prompt", generationPrompt);
        return new Jinjava().render(style.chatTemplate(), context);
    }

    private static long[] bytes(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        long[] out = new long[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = raw[i] & 0xff;
        }
        return out;
    }

    @Test
    void symbolsFollowGpt2() {
        assertThat(ByteLevelBpe.byteSymbol(' ')).isEqualTo("Ġ");
        assertThat(ByteLevelBpe.byteSymbol('\n')).isEqualTo("Ċ");
        assertThat(ByteLevelBpe.byteSymbol('A')).isEqualTo("A");
        assertThat(ByteLevelBpe.byteSymbol(0)).isEqualTo("Ā");
        assertThat(ByteLevelBpe.byteSymbol(0xAD)).isEqualTo("Ń");
        assertThat(ByteLevelBpe.toSymbols(" é")).isEqualTo("ĠÃ©");
    }
}
