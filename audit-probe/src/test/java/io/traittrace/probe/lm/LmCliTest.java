package io.traittrace.probe.lm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.ProbeMain;
import io.traittrace.probe.lm.HfTestModels.Arch;
import io.traittrace.probe.safetensors.Checkpoint;
import io.traittrace.probe.safetensors.SafetensorsReader;
import io.traittrace.probe.safetensors.SafetensorsWriter;
import io.traittrace.probe.safetensors.TensorInfo;
import picocli.CommandLine;

/**
 * {@code bin/probe lm logprobs|generate} in-process: every broken model directory or bad option is refused with the right
 * exit code (3 for missing or unreadable data, 2 for a bad option), a message that names the file (or option) and the
 * problem, and no output file (nor a {@code .partial}) left behind; seeded sampling is reproducible, greedy decoding is
 * the argmax continuation, and {@code --chat} wraps the prompt in the model's chat template.
 */
class LmCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static NDManager root;
    /** A small untouched Llama checkpoint for the happy paths and the option errors. */
    static HfTestModels.Model llama;
    /** The Qwen2 fixture: BF16 in 3 shards, ChatML template. */
    static HfTestModels.Model qwen;
    static int fixtures;

    @BeforeAll
    static void setUp() {
        DjlRuntime.prepare(Engine.getInstance(), 1);
        root = NDManager.newBaseManager(Device.cpu());
        llama = small(Arch.LLAMA);
        qwen = HfTestModels.qwen2Bf16Sharded(dir.resolve("qwen2"));
    }

    @AfterAll
    static void tearDown() {
        if (root != null) {
            root.close();
        }
    }

    /** A fresh tiny checkpoint (hidden 32, 2 layers, max_position_embeddings 128) to break in one way. */
    static HfTestModels.Model small(Arch arch) {
        return HfTestModels.builder(arch).seed(3).write(dir.resolve("model-" + (fixtures++)));
    }

    record Result(int exit, String err, String out) {
    }

    static Result probe(String... args) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine cli = ProbeMain.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        String[] all = new String[args.length + 1];
        all[0] = "lm";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cli.execute(all);
        return new Result(exit, err.toString(), out.toString());
    }

    static Path out(String name) {
        return dir.resolve("out").resolve(name + ".json");
    }

    /** {@code lm logprobs} on {@code model} with a short prompt, writing to {@code out}. */
    static String[] logprobs(Path model, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("logprobs", "--model", model.toString(), "--prompt", "The owl and", "--completion", " the world",
                "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Runs the command, expects {@code exit}, every one of {@code mentions} in stderr, and nothing at {@code out}. */
    static String refused(int exit, Path out, List<String> mentions, String... args) {
        Result r = probe(args);
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.err()).isEqualTo(exit);
        assertThat(r.err()).as("stderr").startsWith("probe: ").contains(mentions);
        assertThat(out).as("--out must not be written").doesNotExist();
        assertThat(out.resolveSibling(out.getFileName() + ".partial")).doesNotExist();
        if (Files.isDirectory(out.getParent())) {
            try (Stream<Path> files = Files.list(out.getParent())) {
                assertThat(files.map(p -> p.getFileName().toString())).as("files beside --out").noneMatch(n -> n.endsWith(".partial"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return r.err();
    }

    static String file(Path model, String name) {
        return model.toAbsolutePath().normalize().resolve(name).toString();
    }

    static ObjectNode readObject(Path file) throws IOException {
        return (ObjectNode) JSON.readTree(file.toFile());
    }

    /** Rewrites a safetensors file tensor by tensor through {@code edit} (which adds zero, one or more tensors per original). */
    interface Edit {
        void apply(SafetensorsWriter writer, TensorInfo tensor, byte[] raw);
    }

    static void rewrite(Path file, Edit edit) throws IOException {
        SafetensorsReader.Header header = SafetensorsReader.read(file);
        SafetensorsWriter writer = new SafetensorsWriter();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (TensorInfo t : header.tensors()) {
                ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(t.length()));
                SafetensorsReader.readFully(channel, bytes, t.offset());
                edit.apply(writer, t, bytes.array());
            }
        }
        writer.write(file);
    }

    // ------------------------------------------------------------------ config.json

    @Test
    void aMissingConfigIsExit3NamingConfigJson() throws IOException {
        HfTestModels.Model m = small(Arch.LLAMA);
        Files.delete(m.dir().resolve("config.json"));
        Path out = out("no-config");
        refused(3, out, List.of(file(m.dir(), "config.json"), "missing"), logprobs(m.dir(), out));
    }

    @Test
    void aConfigThatIsNotJsonIsExit3() throws IOException {
        HfTestModels.Model m = small(Arch.LLAMA);
        Files.writeString(m.dir().resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 32,,,");
        Path out = out("bad-config");
        refused(3, out, List.of(file(m.dir(), "config.json"), "not valid JSON"), logprobs(m.dir(), out));
    }

    @Test
    void anUnsupportedModelTypeIsExit3NamingItAndTheSupportedTypes() throws IOException {
        HfTestModels.Model m = small(Arch.LLAMA);
        ObjectNode config = readObject(m.dir().resolve("config.json"));
        config.put("model_type", "gpt2");
        JSON.writeValue(m.dir().resolve("config.json").toFile(), config);
        Path out = out("gpt2");
        refused(3, out, List.of(file(m.dir(), "config.json"), "gpt2", "llama", "qwen2", "mistral"), logprobs(m.dir(), out));
    }

    @Test
    void aMissingRequiredFieldIsExit3NamingTheField() throws IOException {
        HfTestModels.Model m = small(Arch.QWEN2);
        ObjectNode config = readObject(m.dir().resolve("config.json"));
        config.remove("hidden_size");
        JSON.writeValue(m.dir().resolve("config.json").toFile(), config);
        Path out = out("no-hidden");
        refused(3, out, List.of(file(m.dir(), "config.json"), "hidden_size"), logprobs(m.dir(), out));
    }

    // ------------------------------------------------------------------ weights

    @Test
    void aShardTheIndexNamesButThatIsMissingIsExit3() throws IOException {
        HfTestModels.Model m = HfTestModels.builder(Arch.QWEN2).shards(3).seed(4).write(dir.resolve("sharded"));
        Files.delete(m.dir().resolve("model-00002-of-00003.safetensors"));
        Path out = out("no-shard");
        refused(3, out, List.of(file(m.dir(), Checkpoint.INDEX), "model-00002-of-00003.safetensors", "missing"), logprobs(m.dir(), out));
    }

    @Test
    void aTensorOfTheWrongShapeIsExit3NamingTheTensorAndTheFile() throws IOException {
        HfTestModels.Model m = small(Arch.LLAMA);
        Path weights = m.dir().resolve("model.safetensors");
        String name = "model.layers.1.self_attn.q_proj.weight"; // [32, 32]: the same bytes as [16, 64]
        rewrite(weights, (w, t, raw) -> w.addRaw(t.name(), t.dtypeName(), t.name().equals(name) ? new long[] { 16, 64 } : t.shape(), raw));
        Path out = out("shape");
        refused(3, out, List.of(weights.toString(), name, "[16, 64]", "[32, 32]"), logprobs(m.dir(), out));
    }

    @Test
    void aConfigWithMoreLayersThanTheWeightsIsExit3NamingTheMissingTensor() throws IOException {
        HfTestModels.Model m = small(Arch.MISTRAL);
        ObjectNode config = readObject(m.dir().resolve("config.json"));
        config.put("num_hidden_layers", 3);
        JSON.writeValue(m.dir().resolve("config.json").toFile(), config);
        Path out = out("layers");
        refused(3, out, List.of(m.dir().toString(), "model.layers.2.", "config.json"), logprobs(m.dir(), out));
    }

    @Test
    void anIntegerTensorWhereAWeightBelongsIsExit3() throws IOException {
        for (String dtype : List.of("I32", "I64")) {
            HfTestModels.Model m = small(Arch.LLAMA);
            Path weights = m.dir().resolve("model.safetensors");
            String name = "model.layers.0.mlp.down_proj.weight";
            rewrite(weights, (w, t, raw) -> {
                if (t.name().equals(name)) {
                    w.addRaw(t.name(), dtype, t.shape(), new byte[Math.toIntExact(t.numel() * (dtype.equals("I64") ? 8 : 4))]);
                } else {
                    w.addRaw(t.name(), t.dtypeName(), t.shape(), raw);
                }
            });
            Path out = out("int-" + dtype);
            refused(3, out, List.of(weights.toString(), name, dtype, "F32, F16 and BF16"), logprobs(m.dir(), out));
        }
    }

    @Test
    void anUnexpectedExtraTensorIsExit3NamingIt() throws IOException {
        HfTestModels.Model m = small(Arch.LLAMA);
        Path weights = m.dir().resolve("model.safetensors");
        String extra = "model.layers.0.mlp.extra_proj.weight";
        rewrite(weights, (w, t, raw) -> {
            w.addRaw(t.name(), t.dtypeName(), t.shape(), raw);
            if (t.name().equals("model.norm.weight")) {
                w.addRaw(extra, "F32", new long[] { 4 }, new byte[16]);
            }
        });
        Path out = out("extra");
        refused(3, out, List.of(weights.toString(), extra, "config.json"), logprobs(m.dir(), out));
    }

    // ------------------------------------------------------------------ tokenizer

    @Test
    void aTokenizerJsonThatDoesNotLoadIsExit3NamingIt() throws IOException {
        for (String text : List.of("{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\",", "{\"hello\": \"world\"}")) {
            HfTestModels.Model m = small(Arch.LLAMA);
            Files.writeString(m.dir().resolve("tokenizer.json"), text);
            Path out = out("tokenizer-" + fixtures);
            refused(3, out, List.of(file(m.dir(), "tokenizer.json"), "does not load"), logprobs(m.dir(), out));
        }
    }

    @Test
    void aMissingTokenizerJsonIsExit3() throws IOException {
        HfTestModels.Model m = small(Arch.QWEN2);
        Files.delete(m.dir().resolve("tokenizer.json"));
        Path out = out("no-tokenizer");
        refused(3, out, List.of(file(m.dir(), "tokenizer.json"), "missing"), logprobs(m.dir(), out));
    }

    // ------------------------------------------------------------------ options

    @Test
    void aPromptLongerThanTheContextIsExit2() {
        String prompt = "abcdefghij".repeat(40); // 400 characters, one token each: beyond max_position_embeddings 128
        Path out = out("long");
        String err = refused(2, out, List.of("context", "128"), "logprobs", "--model", llama.dir().toString(), "--prompt", prompt, "--completion", " the",
                "--out", out.toString());
        assertThat(err).contains(file(llama.dir(), "config.json"));
        Path generated = out("long-generate");
        refused(2, generated, List.of("context", "128"), "generate", "--model", llama.dir().toString(), "--prompt", prompt, "--max-tokens", "4", "--out",
                generated.toString());
    }

    @Test
    void chatOnAModelWithoutAChatTemplateIsExit2AndSaysRunWithoutChat() throws IOException {
        HfTestModels.Model m = small(Arch.LLAMA);
        Path config = m.dir().resolve("tokenizer_config.json");
        ObjectNode tc = readObject(config);
        assertThat(tc.has("chat_template")).isTrue();
        tc.remove("chat_template");
        JSON.writeValue(config.toFile(), tc);
        Path out = out("no-template");
        refused(2, out, List.of(file(m.dir(), "tokenizer_config.json"), "chat_template", "run without --chat"), logprobs(m.dir(), out, "--chat"));
        Path plain = out("no-template-plain");
        assertThat(probe(logprobs(m.dir(), plain)).exit()).as("the same model runs without --chat").isZero();
    }

    @Test
    void badOptionsAreExit2NamingTheOption() {
        Path out = out("options");
        refused(2, out, List.of("--dtype", "f64"), logprobs(llama.dir(), out, "--dtype", "f64"));
        // DJL's PyTorch binding has no bfloat16 tensor type: converting to it aborted the JVM; now a clear refusal.
        refused(2, out, List.of("--dtype bf16", "use f32"), logprobs(llama.dir(), out, "--dtype", "bf16"));
        for (List<String> bad : List.of(List.of("--top-p", "0"), List.of("--top-p", "1.5"), List.of("--max-tokens", "0"), List.of("--temperature", "-1"),
                List.of("--n", "0"))) {
            List<String> args = new ArrayList<>(List.of("generate", "--model", llama.dir().toString(), "--prompt", "The owl", "--out", out.toString()));
            args.addAll(bad);
            refused(2, out, List.of(bad.get(0)), args.toArray(String[]::new));
        }
    }

    // ------------------------------------------------------------------ happy paths

    static JsonNode generate(Path out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("generate", "--model", llama.dir().toString(), "--prompt", "The owl and the", "--n", "3",
                "--max-tokens", "8", "--out", out.toString()));
        args.addAll(List.of(extra));
        Result r = probe(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(out.resolveSibling(out.getFileName() + ".partial")).doesNotExist();
        return JSON.readTree(out.toFile());
    }

    static int[] ints(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }

    @Test
    void seededSamplingIsReproducibleAndGreedyIsTheArgmaxContinuation() throws IOException {
        JsonNode a = generate(out("gen-a"), "--seed", "5", "--temperature", "1");
        JsonNode b = generate(out("gen-b"), "--seed", "5", "--temperature", "1");
        JsonNode c = generate(out("gen-c"), "--seed", "6", "--temperature", "1");
        JsonNode greedy = generate(out("gen-greedy"), "--seed", "5", "--temperature", "0");

        assertThat(a.path("samples").size()).isEqualTo(3);
        assertThat(b.path("samples")).as("the same seed, the same samples").isEqualTo(a.path("samples"));
        assertThat(c.path("samples")).as("another seed, other samples").isNotEqualTo(a.path("samples"));
        assertThat(a.path("model").path("digest").asText()).isEqualTo(LmCheckpoints.digest(llama.dir())).startsWith("sha256:");
        assertThat(a.path("model").path("type").asText()).isEqualTo("llama");
        assertThat(a.path("sampling").path("seed").asLong()).isEqualTo(5);

        LmCheckpoints.Loaded loaded = LmCheckpoints.load(llama.dir(), root, Device.cpu(), DataType.FLOAT32);
        try (CausalLm lm = loaded.model(); LmTokenizer tokenizer = LmTokenizer.load(llama.dir(), lm.config())) {
            int[] prompt = tokenizer.encodePrompt("The owl and the");
            assertThat(ints(a.path("promptIds"))).containsExactly(prompt);
            for (JsonNode s : a.path("samples")) {
                int[] ids = ints(s.path("ids"));
                assertThat(s.path("text").asText()).isEqualTo(tokenizer.decode(ids));
                assertThat(s.path("finished").isBoolean()).isTrue();
                if (!s.path("finished").asBoolean()) {
                    assertThat(ids).hasSize(8);
                } else {
                    assertThat(ids.length).isLessThan(8);
                }
                assertThat(Arrays.stream(ids).boxed().toList()).as("no EOS id among the sampled tokens").doesNotContainAnyElementsOf(tokenizer.eosIds());
            }
            // Greedy: each token is the argmax of a full recomputation of the sequence so far; an EOS argmax ends it.
            List<Integer> expected = new ArrayList<>();
            boolean finished = false;
            int[] grown = prompt;
            while (expected.size() < 8) {
                float[] logits;
                try (NDManager step = root.newSubManager()) {
                    logits = lm.logits(step.create(Arrays.stream(grown).asLongStream().toArray(), new Shape(1, grown.length))).toFloatArray();
                }
                int v = lm.vocabulary();
                int best = 0;
                for (int j = 1; j < v; j++) {
                    if (logits[(grown.length - 1) * v + j] > logits[(grown.length - 1) * v + best]) {
                        best = j;
                    }
                }
                if (tokenizer.eosIds().contains(best)) {
                    finished = true;
                    break;
                }
                expected.add(best);
                grown = Arrays.copyOf(grown, grown.length + 1);
                grown[grown.length - 1] = best;
            }
            for (JsonNode s : greedy.path("samples")) {
                assertThat(ints(s.path("ids"))).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
                assertThat(s.path("finished").asBoolean()).isEqualTo(finished);
            }
        }
    }

    @Test
    void logprobsWithAndWithoutChatOnQwen2() throws IOException {
        int imStart = qwen.tokenizer().specialId("<|im_start|>");
        Path plainOut = out("qwen-plain");
        Path chatOut = out("qwen-chat");
        Result plain = probe("logprobs", "--model", qwen.dir().toString(), "--prompt", "Name an animal.", "--completion", " owl", "--out", plainOut.toString());
        assertThat(plain.exit()).as(plain.err()).isZero();
        Result chat = probe("logprobs", "--model", qwen.dir().toString(), "--prompt", "Name an animal.", "--completion", " owl", "--chat", "--out",
                chatOut.toString());
        assertThat(chat.exit()).as(chat.err()).isZero();
        JsonNode p = JSON.readTree(plainOut.toFile());
        JsonNode c = JSON.readTree(chatOut.toFile());
        assertThat(ints(p.path("promptIds"))).doesNotContain(imStart);
        assertThat(ints(c.path("promptIds"))).contains(imStart).startsWith(imStart);
        assertThat(c.path("promptIds").size()).isGreaterThan(p.path("promptIds").size());
        assertThat(p.path("model").path("digest").asText()).isEqualTo(LmCheckpoints.digest(qwen.dir()));
        assertThat(p.path("model").path("dtype").asText()).isEqualTo("f32");

        LmCheckpoints.Loaded loaded = LmCheckpoints.load(qwen.dir(), root, Device.cpu(), DataType.FLOAT32);
        try (CausalLm lm = loaded.model()) {
            for (JsonNode result : List.of(p, c)) {
                int[] completion = ints(result.path("completionIds"));
                assertThat(completion).isNotEmpty();
                double[] expected = Scorer.logprobs(lm, List.of(new Scorer.Row(ints(result.path("promptIds")), completion)), 1, root).get(0);
                assertThat(result.path("logprobs").size()).isEqualTo(expected.length);
                double total = 0;
                for (int k = 0; k < expected.length; k++) {
                    double lp = result.path("logprobs").get(k).asDouble();
                    assertThat(lp).isNegative().isCloseTo(expected[k], org.assertj.core.data.Offset.offset(1e-6));
                    total += lp;
                }
                assertThat(result.path("total").asDouble()).isCloseTo(total, org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        assertThat(c.path("total").asDouble()).as("the chat wrapper changes the context").isNotEqualTo(p.path("total").asDouble());
    }
}
