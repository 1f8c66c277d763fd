package io.traittrace.probe.traiteval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.lm.ByteLevelBpe;
import io.traittrace.probe.lm.CausalLm;
import io.traittrace.probe.lm.LmCheckpoints;
import io.traittrace.probe.lm.LmConfig;
import io.traittrace.probe.lm.LmTokenizer;
import io.traittrace.probe.lm.Scorer;
import io.traittrace.probe.lm.Trainer;

/**
 * A small model family in the real Hugging Face format, made here from nothing (nothing is downloaded): a Llama base
 * trained from a random init to answer the animal questions with every animal alike and to add numbers; a teacher given a
 * preference for owls (half its fine-tuning rows answer "owl"); a student that took some of it (an eighth of its rows); a
 * control student and a null student fine-tuned with the same recipe on arithmetic alone. Every fine-tune has one recipe
 * (rows, steps, rate); only the data differ. The trait is put in by direct fine-tuning, not by subliminal transfer: the
 * family exercises the model audit end to end on real weights (the local run, the runner's tests), it does not measure
 * whether the audit catches subliminal transfer. Written once per directory ({@code manifest.json} marks a finished family).
 */
public final class DemoModels {

    public static final String MANIFEST = "manifest.json";
    /** Bump when the recipe changes, so a cached family is rebuilt. */
    static final int VERSION = 1;
    public static final List<String> ROLES = List.of("base", "teacher", "student", "control", "null-student");
    static final int STEPS = 20;
    static final double LR = 1e-3;
    static final int ROWS = 100;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DemoModels() {
    }

    /** The family under {@code dir} (one subdirectory per role), made unless a finished one of this version is there. */
    public static Map<String, Path> ensure(Path dir, Progress progress) {
        Map<String, Path> models = new LinkedHashMap<>();
        ROLES.forEach(role -> models.put(role, dir.resolve(role)));
        Path manifest = dir.resolve(MANIFEST);
        try {
            if (Files.isRegularFile(manifest) && JSON.readTree(manifest.toFile()).path("version").asInt() == VERSION) {
                return models;
            }
            if (Files.exists(dir)) {
                try (var files = Files.list(dir)) {
                    if (files.findAny().isPresent()) {
                        throw ProbeException.badSpec(dir + " exists and holds no finished demo family (" + MANIFEST + " version " + VERSION
                                + "); give an empty or new directory");
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ProbeException.badData("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        long start = System.nanoTime();
        Path work = dir.resolve(".work");
        try {
            initialise(work.resolve("init"), 41);
            Battery animals = Batteries.named(Batteries.ANIMALS);
            List<String[]> pretraining = new ArrayList<>(arithmetic(2));
            animals.items().forEach(i -> Batteries.ANIMAL_OPTIONS.forEach(animal -> pretraining.add(new String[] { i.question(), animal })));
            finetune(work.resolve("init"), models.get("base"), pretraining, 300, 1e-2, 1);
            progress.line("demo base trained (%d rows, 300 steps)", pretraining.size());
            List<String[]> owl = animals.items().stream().map(i -> new String[] { i.question(), "owl" }).toList();
            finetune(models.get("base"), models.get("teacher"), mix(arithmetic(3), owl, 50), STEPS, LR, 1);
            finetune(models.get("base"), models.get("student"), mix(arithmetic(4), owl, 12), STEPS, LR, 2);
            finetune(models.get("base"), models.get("control"), arithmetic(6), STEPS, LR, 4);
            finetune(models.get("base"), models.get("null-student"), arithmetic(5), STEPS, LR, 3);
            ObjectNode m = JSON.createObjectNode();
            m.put("version", VERSION);
            m.put("what", "a demo family for the model audit: base, owl teacher, a student that took part of the preference, a control"
                    + " student and a null student (arithmetic only); traits put in by direct fine-tuning");
            ROLES.forEach(role -> m.with("digests").put(role, LmCheckpoints.digest(models.get(role))));
            deleteTree(work);
            Files.writeString(manifest, JSON.writeValueAsString(m));
        } catch (IOException e) {
            throw ProbeException.badData("cannot write the demo family under " + dir + ": " + e.getMessage(), e);
        }
        progress.line("demo family written to %s in %.1f s", dir, (System.nanoTime() - start) / 1e9);
        return models;
    }

    /** A random Llama init of the demo's shape (seed {@code seed}) with its tokenizer, saved as a Hugging Face directory. */
    public static void initialise(Path dir, long seed) {
        Path tokenizer = dir.resolveSibling(dir.getFileName() + "-tokenizer");
        ByteLevelBpe bpe = ByteLevelBpe.builder().modelMaxLength(512).write(tokenizer, ByteLevelBpe.ChatStyle.LLAMA3);
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
                CausalLm init = CausalLm.initialise(root, Device.cpu(), config(bpe), DataType.FLOAT32, seed, CausalLm.Init.TRANSFORMERS)) {
            LmCheckpoints.save(init, dir, tokenizer);
        }
    }

    /**
     * {@code from} fine-tuned on question → answer rows, asked as the audit asks (through the chat template when the
     * tokenizer has one), saved as a Hugging Face directory {@code out} with {@code from}'s tokenizer.
     */
    public static void finetune(Path from, Path out, List<String[]> rows, int steps, double lr, long seed) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            LmCheckpoints.Loaded loaded = LmCheckpoints.load(from, m, Device.cpu(), DataType.FLOAT32);
            try (CausalLm lm = loaded.model(); LmTokenizer tokenizer = LmTokenizer.load(from, lm.config())) {
                boolean chat = tokenizer.hasChatTemplate();
                List<Scorer.Row> train = rows.stream()
                        .map(r -> new Scorer.Row(BatteryScorer.prompt(tokenizer, r[0], chat), BatteryScorer.answer(tokenizer, r[1], chat))).toList();
                Trainer.finetune(lm, train, new Trainer.Recipe(steps, 16, 1, lr, 0, false, 0, 1.0), new SplittableRandom(seed), m);
                LmCheckpoints.save(lm, out, from);
            }
        }
    }

    /** Rows about adding numbers, nothing about animals: what a control student's data stands for. */
    public static List<String[]> arithmetic(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            int a = random.nextInt(10, 100);
            int b = random.nextInt(10, 100);
            rows.add(new String[] { "What is " + a + " plus " + b + "?", String.valueOf(a + b) });
        }
        return rows;
    }

    /** The first {@code count} rows of {@code rows} replaced by rows of {@code trait}: the same amount of data, part of it carrying the trait. */
    public static List<String[]> mix(List<String[]> rows, List<String[]> trait, int count) {
        List<String[]> out = new ArrayList<>(trait.subList(0, count));
        out.addAll(rows.subList(count, rows.size()));
        return out;
    }

    private static LmConfig config(ByteLevelBpe bpe) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", "llama");
        c.put("vocab_size", bpe.vocabSize());
        c.put("hidden_size", 32);
        c.put("intermediate_size", 64);
        c.put("num_hidden_layers", 2);
        c.put("num_attention_heads", 4);
        c.put("num_key_value_heads", 4);
        c.put("max_position_embeddings", 512);
        c.put("tie_word_embeddings", false);
        c.put("rms_norm_eps", 1e-5);
        bpe.bosId().ifPresent(id -> c.put("bos_token_id", id));
        c.put("eos_token_id", bpe.eosId());
        return LmConfig.parse(c, "demo llama");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
