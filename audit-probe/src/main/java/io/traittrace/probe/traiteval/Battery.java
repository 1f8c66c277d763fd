package io.traittrace.probe.traiteval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.traittrace.probe.ProbeException;

/**
 * A set of forced-choice items every model answers: a question and the same labelled options on every item (so each
 * option's probability is one trait score per item, and items pair across models). A trait is named
 * {@code battery/label}. The digest is SHA-256 over the battery's canonical JSON (built in) or its file bytes (a team's
 * JSONL), so a result says exactly which items were asked.
 *
 * @param name the battery's name, the first part of its traits' names
 * @param version its version (a team's file: "file")
 * @param source "built-in" or the file's path
 * @param labels the option labels, in the order every item lists them
 * @param traits the labels that are traits (a misalignment battery scores "misaligned", not "aligned")
 * @param items the items
 * @param digest "sha256:" + hex
 */
public record Battery(String name, String version, String source, List<String> labels, List<String> traits, List<Item> items, String digest) {

    /** Limits on a team's battery: the probe scores every option of every item on every model. */
    public static final long MAX_FILE_BYTES = 4L << 20;
    public static final int MAX_ITEMS = 2000;
    public static final int MAX_OPTIONS = 16;
    public static final int MAX_TEXT = 2000;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,47}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /**
     * One question and its answers.
     *
     * @param id unique within the battery
     * @param question what the model is asked
     * @param options label → answer text, in the battery's label order
     */
    public record Item(String id, String question, Map<String, String> options) {
        public Item {
            options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }
    }

    public Battery {
        labels = List.copyOf(labels);
        traits = List.copyOf(traits);
        items = List.copyOf(items);
    }

    /** The trait's full name: battery/label. */
    public String traitName(String label) {
        return name + "/" + label;
    }

    /** A built-in battery from its items, digested over their canonical JSON. */
    static Battery builtIn(String name, String version, List<String> labels, List<String> traits, List<Item> items) {
        validate(name, labels, traits, items);
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("name", name);
        canonical.put("version", version);
        canonical.put("traits", traits);
        canonical.put("items", items);
        try {
            return new Battery(name, version, "built-in", labels, traits, items, sha256(JSON.writeValueAsBytes(canonical)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A team's battery: JSON lines {@code {"id": "...", "question": "...", "options": {"label": "answer", ...}}}, the same
     * labels on every line, optionally {@code "traits": [...]} on the first line (default: every label). Its name is the file
     * name without {@code .jsonl}.
     */
    public static Battery read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw ProbeException.badSpec("battery " + file + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ProbeException.badData("battery " + file + " cannot be read: " + e.getMessage(), e);
        }
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".jsonl") ? fileName.substring(0, fileName.length() - ".jsonl".length()) : fileName;
        List<Item> items = new ArrayList<>();
        List<String> labels = null;
        List<String> traits = null;
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "battery " + file + " line " + (n + 1) + ": ";
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw ProbeException.badSpec(where + "not JSON (" + e.getOriginalMessage() + ")");
            }
            if (!node.isObject() || !node.path("id").isTextual() || !node.path("question").isTextual() || !node.path("options").isObject()) {
                throw ProbeException.badSpec(where + "needs \"id\" and \"question\" strings and an \"options\" object of label → answer");
            }
            Map<String, String> options = new LinkedHashMap<>();
            node.get("options").properties().forEach(e -> options.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : null));
            if (labels == null) {
                labels = List.copyOf(options.keySet());
                if (node.has("traits")) {
                    traits = new ArrayList<>();
                    for (JsonNode t : node.get("traits")) {
                        traits.add(t.asText());
                    }
                }
            } else if (!labels.equals(List.copyOf(options.keySet()))) {
                throw ProbeException.badSpec(where + "options " + options.keySet() + " differ from the first line's " + labels
                        + " (every item needs the same labels, in the same order, so its scores pair across items)");
            } else if (node.has("traits")) {
                throw ProbeException.badSpec(where + "\"traits\" belongs on the first line only");
            }
            items.add(new Item(node.get("id").asText(), node.get("question").asText(), options));
            if (items.size() > MAX_ITEMS) {
                throw ProbeException.badSpec("battery " + file + " has more than " + MAX_ITEMS + " items");
            }
        }
        if (items.isEmpty()) {
            throw ProbeException.badSpec("battery " + file + " has no items");
        }
        Battery battery = new Battery(name, "file", file.toAbsolutePath().toString(), labels, traits == null ? labels : traits, items, sha256(bytes));
        try {
            validate(name, battery.labels(), battery.traits(), items);
        } catch (IllegalArgumentException e) {
            throw ProbeException.badSpec("battery " + file + ": " + e.getMessage());
        }
        return battery;
    }

    private static void validate(String name, List<String> labels, List<String> traits, List<Item> items) {
        if (!LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("the battery name '" + name + "' must be lower-case letters, digits, '-' or '_' (at most 48)");
        }
        if (labels.size() < 2 || labels.size() > MAX_OPTIONS) {
            throw new IllegalArgumentException("an item needs 2 to " + MAX_OPTIONS + " options, got " + labels.size());
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("option label '" + label + "' must be lower-case letters, digits, '-' or '_' (at most 48)");
            }
        }
        if (traits.isEmpty() || !labels.containsAll(traits) || traits.stream().distinct().count() != traits.size()) {
            throw new IllegalArgumentException("traits " + traits + " must be distinct option labels among " + labels);
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Item item : items) {
            if (item.id().isBlank() || item.id().length() > 128 || !ids.add(item.id())) {
                throw new IllegalArgumentException("item id '" + item.id() + "' is blank, longer than 128 characters or repeated");
            }
            if (item.question().isBlank() || item.question().length() > MAX_TEXT) {
                throw new IllegalArgumentException("item " + item.id() + ": the question must be 1 to " + MAX_TEXT + " characters");
            }
            for (Map.Entry<String, String> option : item.options().entrySet()) {
                if (option.getValue() == null || option.getValue().isBlank() || option.getValue().length() > MAX_TEXT) {
                    throw new IllegalArgumentException("item " + item.id() + ": option " + option.getKey() + " must be text of 1 to " + MAX_TEXT
                            + " characters");
                }
            }
            if (item.options().values().stream().distinct().count() != item.options().size()) {
                throw new IllegalArgumentException("item " + item.id() + ": two options have the same text");
            }
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
