package io.traittrace.probe.lm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.traittrace.digest.ModelDirectoryDigest;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.safetensors.Checkpoint;
import io.traittrace.probe.safetensors.Dtype;
import io.traittrace.probe.safetensors.SafetensorsWriter;
import io.traittrace.probe.safetensors.TensorInfo;

/**
 * Hugging Face model directories in and out: {@code config.json} and the safetensors weights (one file, or shards with
 * their index) loaded into a {@link CausalLm} on a device; a model saved back in the same layout; LoRA adapters saved and
 * loaded in PEFT's layout ({@code adapter_config.json} + {@code adapter_model.safetensors}). Every tensor the config
 * implies must be there with its shape and a float dtype; every problem names the file. Weights are read through
 * memory-mapped windows straight into native arrays, never copied whole into the Java heap. Saving writes into a
 * sibling directory and renames it into place, so a reader never sees half a model.
 */
public final class LmCheckpoints {

    public static final String ADAPTER_CONFIG = "adapter_config.json";
    public static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
    /** PEFT's prefix for adapter tensors of a causal LM ({@code PeftModelForCausalLM.base_model.model}). */
    static final String PEFT_PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Files of a model directory that describe the tokenizer and generation, copied along when a model is saved. */
    static final List<String> COMPANION_FILES = List.of("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json",
            "generation_config.json");

    private LmCheckpoints() {
    }

    /** A loaded model and what identifies it. */
    public record Loaded(CausalLm model, String digest, Path directory, List<String> notes) {
    }

    /**
     * Loads {@code dir} onto {@code device} in {@code dtype} (F32 or F16) under {@code parent}. BF16 checkpoints load (widened
     * exactly), but not into BF16 arrays: DJL's PyTorch JNI (0.36) maps no torch dtype to DJL's BFLOAT16, and any conversion
     * to it ends the JVM with "terminate called without an active exception"; refused here instead.
     */
    public static Loaded load(Path dir, NDManager parent, Device device, DataType dtype) {
        checkDtype(dtype);
        Path directory = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw ProbeException.badData("No model directory at " + directory, null);
        }
        LmConfig config = LmConfig.read(directory);
        Checkpoint checkpoint = Checkpoint.open(directory);
        if (checkpoint.files().isEmpty() || checkpoint.tensors().isEmpty()) {
            throw ProbeException.badData(directory + " has no safetensors weights (model.safetensors, or shards with " + Checkpoint.INDEX + ")", null);
        }
        List<String> notes = new ArrayList<>(checkpoint.notes());
        Map<String, long[]> expected = config.tensorShapes();
        for (TensorInfo t : checkpoint.tensors().values()) {
            if (!expected.containsKey(t.name())) {
                if (t.name().endsWith("rotary_emb.inv_freq")) {
                    notes.add("ignored " + t.name() + " (a buffer the probe recomputes from config.json)");
                } else if (t.name().equals("lm_head.weight") && config.tiedEmbeddings()) {
                    notes.add("ignored lm_head.weight: tie_word_embeddings is true, so the head is the embedding");
                } else {
                    throw ProbeException.badData(t.file() + " holds " + t.name() + ", which a " + config.modelType() + " model with this "
                            + LmConfig.FILE + " does not have (" + config.layers() + " layers" + (config.tiedEmbeddings() ? ", tied head" : "")
                            + "): config and weights disagree", null);
                }
            }
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorInfo t = checkpoint.tensors().get(e.getKey());
            if (t == null) {
                throw ProbeException.badData(directory + " lacks the tensor " + e.getKey() + " that " + LmConfig.FILE + " implies", null);
            }
            if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                throw ProbeException.badData(t.file() + ": " + t.name() + " has shape " + t.shapeText() + ", " + LmConfig.FILE + " implies "
                        + java.util.Arrays.toString(e.getValue()), null);
            }
            if (t.dtype() != Dtype.F32 && t.dtype() != Dtype.F16 && t.dtype() != Dtype.BF16) {
                throw ProbeException.badData(t.file() + ": " + t.name() + " is " + t.dtypeName() + "; the probe loads F32, F16 and BF16 weights", null);
            }
        }
        NDManager manager = parent.newSubManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (String name : expected.keySet()) {
                weights.put(name, read(checkpoint.tensors().get(name), manager, dtype));
            }
            String digest = digest(directory);
            return new Loaded(new CausalLm(manager, config, dtype, weights), digest, directory, List.copyOf(notes));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Refuses a compute dtype the probe cannot hold weights in (before any native call can abort the JVM). */
    static void checkDtype(DataType dtype) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("cannot hold a model in " + dtype + ": the probe computes in FLOAT32 or FLOAT16"
                    + (dtype == DataType.BFLOAT16 ? " (DJL's PyTorch binding has no bfloat16 tensor type; converting to it aborts the JVM)" : ""));
        }
    }

    /** The model-directory digest certificates name (OpenSSF model-signing convention). */
    public static String digest(Path directory) {
        try {
            return ModelDirectoryDigest.of(directory).digest();
        } catch (IOException e) {
            throw ProbeException.badData("Cannot read " + directory + " to digest it: " + e.getMessage(), e);
        }
    }

    /**
     * One tensor: its bytes mapped from the file and wrapped without a copy (F32, F16), then converted once into a native
     * array on the device. BF16 bytes cannot be wrapped (DJL's PyTorch binding has no BF16 buffer type), so they are widened
     * to F32 in an off-heap buffer first — exact, BF16 being the upper half of an F32.
     */
    static NDArray read(TensorInfo t, NDManager manager, DataType dtype) {
        Shape shape = new Shape(t.shape());
        try (FileChannel channel = FileChannel.open(t.file(), StandardOpenOption.READ);
                NDManager cpu = manager.newSubManager(Device.cpu())) {
            MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, t.offset(), t.length());
            bytes.order(ByteOrder.LITTLE_ENDIAN);
            NDArray wrapped = switch (t.dtype()) {
            case F32 -> cpu.create(bytes, shape, DataType.FLOAT32);
            case F16 -> cpu.create(bytes, shape, DataType.FLOAT16);
            case BF16 -> cpu.create(widenBf16(bytes, t.numel()), shape, DataType.FLOAT32);
            default -> throw new IllegalStateException(t.dtypeName());
            };
            // torch's to() returns the tensor itself when nothing changes, which would alias the mapping; duplicate() always copies.
            NDArray onDevice = wrapped.toDevice(manager.getDevice(), false);
            NDArray converted = onDevice.getDataType() == dtype ? onDevice.duplicate() : onDevice.toType(dtype, false);
            converted.attach(manager);
            return converted;
        } catch (IOException e) {
            throw ProbeException.badData("Cannot read " + t.name() + " from " + t.file() + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer widenBf16(ByteBuffer bf16, long numel) {
        ByteBuffer f32 = ByteBuffer.allocateDirect(Math.toIntExact(numel * 4)).order(ByteOrder.nativeOrder());
        java.nio.ShortBuffer in = bf16.asShortBuffer();
        java.nio.IntBuffer out = f32.asIntBuffer();
        for (int i = 0; i < numel; i++) {
            out.put(i, (in.get(i) & 0xFFFF) << 16);
        }
        return f32;
    }

    /** The safetensors dtype a model saves its weights in. */
    static Dtype storedAs(DataType dtype) {
        if (dtype == DataType.FLOAT32) {
            return Dtype.F32;
        }
        if (dtype == DataType.BFLOAT16) {
            return Dtype.BF16;
        }
        if (dtype == DataType.FLOAT16) {
            return Dtype.F16;
        }
        throw new IllegalArgumentException("cannot save weights of type " + dtype);
    }

    /**
     * Saves {@code model} (its base weights, with any LoRA adapters merged first by the caller if wanted) as a Hugging Face
     * model directory {@code dir}: config.json, model.safetensors, and the tokenizer and generation files copied from
     * {@code companions} when given. {@code dir} must not exist yet.
     */
    public static void save(CausalLm model, Path dir, Path companions) {
        writeAtomically(dir, tmp -> {
            SafetensorsWriter writer = new SafetensorsWriter();
            Dtype as = storedAs(model.dtype());
            model.weights().forEach((name, array) -> writer.add(name, as, array.getShape().getShape(), windows(array)));
            writer.write(tmp.resolve("model.safetensors"));
            ObjectNode config = model.config().toJson();
            config.put("torch_dtype", as == Dtype.F32 ? "float32" : as == Dtype.BF16 ? "bfloat16" : "float16");
            JSON.writeValue(tmp.resolve(LmConfig.FILE).toFile(), config);
            if (companions != null) {
                for (String file : COMPANION_FILES) {
                    Path from = companions.resolve(file);
                    if (Files.isRegularFile(from)) {
                        Files.copy(from, tmp.resolve(file));
                    }
                }
            }
        });
    }

    /**
     * Saves the model's LoRA adapters in PEFT's layout: {@code adapter_config.json} (peft_type LORA, r, lora_alpha,
     * target_modules, base_model_name_or_path) and {@code adapter_model.safetensors} with tensors
     * {@code base_model.model.<module>.lora_A.weight} (rank×in) and {@code .lora_B.weight} (out×rank), F32.
     */
    public static void saveAdapter(CausalLm model, Path dir, String baseModel) {
        Lora lora = model.lora();
        if (lora == null) {
            throw new IllegalArgumentException("the model has no LoRA adapters to save");
        }
        writeAtomically(dir, tmp -> {
            SafetensorsWriter writer = new SafetensorsWriter();
            lora.arrays().forEach((name, array) -> writer.add(PEFT_PREFIX + name, Dtype.F32, array.getShape().getShape(), windows(array)));
            writer.write(tmp.resolve(ADAPTER_WEIGHTS));
            ObjectNode c = JSON.createObjectNode();
            c.put("peft_type", "LORA");
            c.put("task_type", "CAUSAL_LM");
            c.put("base_model_name_or_path", baseModel);
            c.put("r", lora.rank());
            c.put("lora_alpha", lora.alpha());
            lora.targets().forEach(c.putArray("target_modules")::add);
            c.put("lora_dropout", 0.0);
            c.put("bias", "none");
            c.put("fan_in_fan_out", false);
            c.put("use_rslora", false);
            c.put("use_dora", false);
            c.put("init_lora_weights", true);
            c.put("inference_mode", true);
            c.putNull("modules_to_save");
            JSON.writeValue(tmp.resolve(ADAPTER_CONFIG).toFile(), c);
        });
    }

    /** Reads a PEFT LoRA adapter directory for {@code model}'s architecture and attaches it. */
    public static void loadAdapter(CausalLm model, Path dir) {
        Path configFile = dir.resolve(ADAPTER_CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw ProbeException.badData(configFile + " is missing: a PEFT adapter directory has an adapter_config.json", null);
        }
        JsonNode c;
        try {
            c = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw ProbeException.badData(configFile + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!"LORA".equals(c.path("peft_type").asText()) || !c.path("r").canConvertToInt() || !c.path("lora_alpha").isNumber()
                || !c.path("target_modules").isArray()) {
            throw ProbeException.badData(configFile + " is not a LoRA adapter config (peft_type LORA, r, lora_alpha, target_modules)", null);
        }
        if (c.path("use_dora").asBoolean(false) || c.path("use_rslora").asBoolean(false) || c.path("fan_in_fan_out").asBoolean(false)) {
            throw ProbeException.badData(configFile + " asks for DoRA, rsLoRA or fan_in_fan_out, which the probe does not implement", null);
        }
        List<String> targets = new ArrayList<>();
        c.path("target_modules").forEach(t -> targets.add(t.asText()));
        int rank = c.path("r").asInt();
        double alpha = c.path("lora_alpha").asDouble();
        try {
            Lora.check(rank, alpha, targets);
        } catch (IllegalArgumentException e) {
            throw ProbeException.badData(configFile + ": " + e.getMessage(), e);
        }
        Checkpoint weights = Checkpoint.open(dir.resolve(ADAPTER_WEIGHTS));
        NDManager manager = model.managerForAdapters();
        Map<String, Lora.Adapter> adapters = new LinkedHashMap<>();
        Map<String, long[]> shapes = model.config().tensorShapes();
        for (String module : Lora.modulePaths(model.config(), targets)) {
            long[] w = shapes.get(module + ".weight");
            NDArray a = adapterTensor(weights, module + ".lora_A.weight", new long[] { rank, w[1] }, manager);
            NDArray b = adapterTensor(weights, module + ".lora_B.weight", new long[] { w[0], rank }, manager);
            adapters.put(module, new Lora.Adapter(a, b));
        }
        if (weights.tensors().size() != 2 * adapters.size()) {
            throw ProbeException.badData(dir.resolve(ADAPTER_WEIGHTS) + " holds " + weights.tensors().size() + " tensors; " + configFile
                    + " implies " + 2 * adapters.size(), null);
        }
        model.attachLora(new Lora(rank, alpha, targets, adapters));
    }

    private static NDArray adapterTensor(Checkpoint weights, String name, long[] shape, NDManager manager) {
        TensorInfo t = weights.tensors().get(PEFT_PREFIX + name);
        if (t == null) {
            throw ProbeException.badData(weights.path() + " lacks " + PEFT_PREFIX + name, null);
        }
        if (!java.util.Arrays.equals(t.shape(), shape) || !t.readable()) {
            throw ProbeException.badData(weights.path() + ": " + t.name() + " is " + t.dtypeName() + " " + t.shapeText() + ", expected a float tensor of shape "
                    + java.util.Arrays.toString(shape), null);
        }
        return read(t, manager, DataType.FLOAT32);
    }

    /** Streams a native array to the writer one window at a time (F32 on the CPU), never the whole array in the heap. */
    private static SafetensorsWriter.Source windows(NDArray array) {
        return (start, out, n) -> {
            try (NDManager tmp = array.getManager().newSubManager(Device.cpu())) {
                NDArray flat = array.reshape(-1);
                flat.tempAttach(tmp);
                NDArray window = flat.get(start + ":" + (start + n)).toDevice(Device.cpu(), false).toType(DataType.FLOAT32, false);
                window.tempAttach(tmp);
                float[] values = window.toFloatArray();
                System.arraycopy(values, 0, out, 0, n);
            }
        };
    }

    @FunctionalInterface
    private interface DirectoryWriter {
        void write(Path tmp) throws IOException;
    }

    private static void writeAtomically(Path dir, DirectoryWriter writer) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw ProbeException.badSpec(target + " exists already; the probe writes a model into a new directory");
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".partial");
        try {
            Files.createDirectories(target.getParent());
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
            writer.write(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                deleteRecursively(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ProbeException p) {
                throw p;
            }
            throw new ProbeException(1, "Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
