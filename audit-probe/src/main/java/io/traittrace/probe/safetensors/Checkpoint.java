package io.traittrace.probe.safetensors;

import io.traittrace.digest.ModelDirectoryDigest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.traittrace.probe.ProbeException;

/**
 * A checkpoint in the Hugging Face layout: a directory of one or more {@code *.safetensors} shards, with
 * {@code model.safetensors.index.json} when sharded (or a single {@code .safetensors} file given directly).
 * With an index, exactly the shards its {@code weight_map} names are read (repositories such as Mistral's
 * also ship a {@code consolidated.safetensors} holding the same tensors, which would otherwise collide);
 * without one, every {@code *.safetensors} in the directory. A tensor name in two shards read is an error.
 */
public final class Checkpoint {

    public static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final List<Path> files;
    private final Map<String, TensorInfo> tensors;
    private final List<String> notes;

    private Checkpoint(Path path, List<Path> files, Map<String, TensorInfo> tensors, List<String> notes) {
        this.path = path;
        this.files = files;
        this.tensors = tensors;
        this.notes = notes;
    }

    public static Checkpoint open(Path given) {
        Path path = given.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw ProbeException.badData("No checkpoint at " + path, null);
        }
        if (Files.isRegularFile(path)) {
            return fromShards(path, List.of(path), null, new ArrayList<>());
        }
        if (!Files.isDirectory(path)) {
            throw ProbeException.badData("Not a checkpoint directory or file: " + path, null);
        }
        List<String> notes = new ArrayList<>();
        List<Path> all;
        try (Stream<Path> listing = Files.list(path)) {
            all = listing.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw ProbeException.badData("Cannot list " + path + ": " + e.getMessage(), e);
        }
        Path index = path.resolve(INDEX);
        Map<String, String> weightMap = null;
        List<Path> shards = all;
        if (Files.isRegularFile(index)) {
            weightMap = readIndex(index);
            List<Path> named = weightMap.values().stream().distinct().sorted().map(path::resolve).toList();
            for (Path shard : named) {
                if (!Files.isRegularFile(shard)) {
                    throw ProbeException.badData(index + " names the shard " + path.relativize(shard) + ", which is missing", null);
                }
            }
            for (Path other : all) {
                if (!named.contains(other)) {
                    notes.add(path.relativize(other) + " is not in " + INDEX + " and was not read");
                }
            }
            shards = named;
        }
        if (shards.isEmpty()) {
            throw ProbeException.badData("No *.safetensors files in " + path, null);
        }
        List<Path> read = new ArrayList<>(shards);
        Checkpoint checkpoint = fromShards(path, read, weightMap, notes);
        if (weightMap != null) {
            List<Path> withIndex = new ArrayList<>(read);
            withIndex.add(index);
            return new Checkpoint(path, List.copyOf(withIndex), checkpoint.tensors, checkpoint.notes);
        }
        return checkpoint;
    }

    private static Checkpoint fromShards(Path path, List<Path> shards, Map<String, String> weightMap, List<String> notes) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Path shard : shards) {
            SafetensorsReader.Header header = SafetensorsReader.read(shard);
            for (TensorInfo t : header.tensors()) {
                TensorInfo previous = tensors.putIfAbsent(t.name(), t);
                if (previous != null) {
                    throw ProbeException.badData("Tensor '" + t.name() + "' is in two shards of " + path + ": "
                            + previous.file().getFileName() + " and " + shard.getFileName(), null);
                }
            }
        }
        if (weightMap != null) {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                TensorInfo t = tensors.get(e.getKey());
                if (t == null || !t.file().getFileName().toString().equals(Path.of(e.getValue()).getFileName().toString())) {
                    throw ProbeException.badData(INDEX + " in " + path + " maps '" + e.getKey() + "' to " + e.getValue()
                            + ", but that shard " + (t == null ? "does not hold it" : "does not; it is in " + t.file().getFileName()), null);
                }
            }
            long unlisted = tensors.keySet().stream().filter(n -> !weightMap.containsKey(n)).count();
            if (unlisted > 0) {
                notes.add(unlisted + " tensor(s) in the shards are not in " + INDEX + "'s weight_map (compared anyway)");
            }
        }
        return new Checkpoint(path, List.copyOf(shards), tensors, notes);
    }

    private static Map<String, String> readIndex(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw ProbeException.badData("Cannot parse " + index + ": " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw ProbeException.badData(index + " has no weight_map object", null);
        }
        Map<String, String> weightMap = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            Path p = Path.of(shard);
            if (!e.getValue().isTextual() || p.isAbsolute() || p.getNameCount() != 1) {
                throw ProbeException.badData(index + " maps '" + e.getKey() + "' to '" + shard + "', not a file name in its directory", null);
            }
            weightMap.put(e.getKey(), shard);
        }
        return weightMap;
    }

    public Path path() {
        return path;
    }

    /** The files read: shards, and the index when there is one. */
    public List<Path> files() {
        return files;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public List<String> notes() {
        return notes;
    }

    public long totalBytes() {
        long sum = 0;
        for (Path f : files) {
            try {
                sum += Files.size(f);
            } catch (IOException e) {
                throw ProbeException.badData("Cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return sum;
    }

    /** The model-directory digest (OpenSSF model-signing convention) of the directory this checkpoint is in. */
    public ModelDirectoryDigest.Result digest() {
        try {
            return ModelDirectoryDigest.of(path);
        } catch (IOException e) {
            throw ProbeException.badData("Cannot read " + path + " to digest it: " + e.getMessage(), e);
        }
    }
}
