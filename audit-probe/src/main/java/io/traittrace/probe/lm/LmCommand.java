package io.traittrace.probe.lm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.JsonFiles;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/probe lm logprobs|generate}: a Hugging Face causal LM (llama, qwen2, mistral) scored or sampled by hand. */
@Command(name = "lm", mixinStandardHelpOptions = true, description = "Run a Hugging Face causal LM directory (llama, qwen2, mistral): score or sample.",
        subcommands = { LmCommand.Logprobs.class, LmCommand.Generate.class })
public final class LmCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return ProbeException.BAD_SPEC;
    }

    /** What both commands read: the model, the prompt, the device settings. */
    static final class ModelOptions {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory in the Hugging Face layout.")
        Path model;

        @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The prompt text.")
        String prompt;

        @Option(names = "--chat", description = "Wrap the prompt as one user turn in the model's chat template (tokenizer_config.json).")
        boolean chat;

        @Option(names = "--threads", paramLabel = "N", description = "PyTorch intra-op threads (default ${DEFAULT-VALUE}).")
        int threads = 1;

        @Option(names = "--dtype", paramLabel = "TYPE", description = "f32, f16 or auto (f32; bf16 is not available: DJL's PyTorch binding has no "
                + "bfloat16 tensor type) (default ${DEFAULT-VALUE}).")
        String dtype = "auto";

        /** Loads model and tokenizer, encodes the prompt, and hands them to {@code work}. */
        <T> T run(String command, Work<T> work) {
            Progress progress = new Progress(System.err, "lm " + command);
            Device device = DjlRuntime.prepare(Engine.getInstance(), threads);
            // BF16 would abort the JVM: DJL's PyTorch JNI maps no torch dtype to its BFLOAT16 (see LmCheckpoints.load).
            DataType type = switch (dtype) {
            case "f32", "auto" -> DataType.FLOAT32;
            case "f16" -> DataType.FLOAT16;
            case "bf16" -> throw ProbeException.badSpec("--dtype bf16 is not available: DJL's PyTorch binding has no bfloat16 tensor type; use f32 or f16");
            default -> throw ProbeException.badSpec("--dtype must be f32, f16 or auto, not '" + dtype + "'");
            };
            try (NDManager root = NDManager.newBaseManager(device)) {
                LmCheckpoints.Loaded loaded = LmCheckpoints.load(model, root, device, type);
                progress.line("%s model (%d layers, hidden %d, vocabulary %d, %d parameters) on %s in %s; digest %s", loaded.model().config().modelType(),
                        loaded.model().config().layers(), loaded.model().config().hiddenSize(), loaded.model().config().vocabSize(),
                        loaded.model().config().parameterCount(), device, type, loaded.digest());
                loaded.notes().forEach(n -> progress.line("note: %s", n));
                try (CausalLm lm = loaded.model(); LmTokenizer tokenizer = LmTokenizer.load(loaded.directory(), lm.config())) {
                    if (chat && !tokenizer.hasChatTemplate()) {
                        throw ProbeException.badSpec("--chat: " + loaded.directory().resolve(LmTokenizer.CONFIG_FILE)
                                + " has no chat_template (a base model?); run without --chat");
                    }
                    int[] promptIds = chat ? tokenizer.encodeChat(prompt) : tokenizer.encodePrompt(prompt);
                    if (promptIds.length == 0) {
                        throw ProbeException.badSpec("--prompt encodes to no tokens");
                    }
                    Map<String, Object> modelJson = new LinkedHashMap<>();
                    modelJson.put("type", lm.config().modelType());
                    modelJson.put("digest", loaded.digest());
                    modelJson.put("directory", loaded.directory().toString());
                    modelJson.put("dtype", type == DataType.FLOAT32 ? "f32" : "f16");
                    modelJson.put("device", device.toString());
                    return work.run(lm, tokenizer, promptIds, modelJson, root);
                } catch (IllegalArgumentException e) {
                    // The model's own limits (context length) refusing the input.
                    throw ProbeException.badSpec(model.resolve(LmConfig.FILE) + ": " + e.getMessage());
                }
            }
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run(CausalLm model, LmTokenizer tokenizer, int[] promptIds, Map<String, Object> modelJson, NDManager root);
    }

    @Command(name = "logprobs", mixinStandardHelpOptions = true,
            description = "Teacher-forced log-probabilities of a completion after a prompt: one natural-log probability per completion token.")
    static final class Logprobs implements Callable<Integer> {
        @Mixin
        ModelOptions options;

        @Option(names = "--completion", required = true, paramLabel = "TEXT", description = "The completion to score (encoded without special tokens).")
        String completion;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the JSON.")
        Path out;

        @Override
        public Integer call() {
            Map<String, Object> result = options.run("logprobs", (lm, tokenizer, promptIds, modelJson, root) -> {
                int[] completionIds = tokenizer.encodeContinuation(completion);
                if (completionIds.length == 0) {
                    throw ProbeException.badSpec("--completion encodes to no tokens");
                }
                double[] lp = Scorer.logprobs(lm, List.of(new Scorer.Row(promptIds, completionIds)), 1, root).get(0);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model", modelJson);
                m.put("promptIds", promptIds);
                m.put("completionIds", completionIds);
                m.put("logprobs", lp);
                m.put("total", Arrays.stream(lp).sum());
                return m;
            });
            JsonFiles.write(result, out);
            System.err.println("lm logprobs: " + ((double[]) result.get("logprobs")).length + " completion tokens, total " + result.get("total") + "; written to "
                    + out);
            return 0;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Sample completions with a KV cache: seeded and reproducible; stops at the model's end-of-sequence ids.")
    static final class Generate implements Callable<Integer> {
        @Mixin
        ModelOptions options;

        @Option(names = "--n", paramLabel = "N", description = "Completions to sample (default ${DEFAULT-VALUE}).")
        int n = 1;

        @Option(names = "--temperature", paramLabel = "T", description = "Softmax temperature; 0 is greedy (default ${DEFAULT-VALUE}).")
        double temperature = 1.0;

        @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling mass (default ${DEFAULT-VALUE}: off).")
        double topP = 1.0;

        @Option(names = "--max-tokens", paramLabel = "M", description = "New tokens at most (default ${DEFAULT-VALUE}).")
        int maxTokens = 64;

        @Option(names = "--seed", paramLabel = "S", description = "Sampling seed (default ${DEFAULT-VALUE}).")
        long seed = 1;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the JSON here instead of standard output.")
        Path out;

        @Override
        public Integer call() {
            if (n < 1) {
                throw ProbeException.badSpec("--n must be at least 1, not " + n);
            }
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw ProbeException.badSpec("--temperature must be a number ≥ 0 (0: greedy), not " + temperature);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw ProbeException.badSpec("--top-p must be in (0, 1], not " + topP);
            }
            if (maxTokens < 1) {
                throw ProbeException.badSpec("--max-tokens must be at least 1, not " + maxTokens);
            }
            Sampler.Options sampling;
            try {
                sampling = new Sampler.Options(temperature, topP, maxTokens, java.util.Set.of(), seed);
            } catch (IllegalArgumentException e) {
                throw ProbeException.badSpec(e.getMessage());
            }
            Map<String, Object> result = options.run("generate", (lm, tokenizer, promptIds, modelJson, root) -> {
                Sampler.Options withStops = new Sampler.Options(sampling.temperature(), sampling.topP(), sampling.maxTokens(), tokenizer.eosIds(), sampling.seed());
                List<int[]> prompts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    prompts.add(promptIds);
                }
                List<Sampler.Completion> completions = Sampler.sample(lm, prompts, withStops, Math.min(n, 64), root);
                List<Map<String, Object>> samples = new ArrayList<>();
                for (Sampler.Completion c : completions) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("text", tokenizer.decode(c.tokens()));
                    s.put("ids", c.tokens());
                    s.put("finished", c.finished());
                    samples.add(s);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model", modelJson);
                m.put("promptIds", promptIds);
                m.put("sampling", Map.of("n", n, "temperature", temperature, "topP", topP, "maxTokens", maxTokens, "seed", seed));
                m.put("samples", samples);
                return m;
            });
            if (out != null) {
                JsonFiles.write(result, out);
            } else {
                try {
                    System.out.println(JsonFiles.JSON.writeValueAsString(result));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return 0;
        }
    }
}
