package io.traittrace.probe.contract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one table of the {@code numbers} protocol's parameters: names, kinds, ranges, defaults (the sheet's §3b values)
 * and the rules between them. Two modes share it: {@code tokens} (the §3b toy, 23 tokens) and {@code text} (the paper's
 * text stages read through a character-level tokenizer); a parameter that only one mode reads is refused in the other,
 * and a few sizes have their own default in text mode. The probe reads its run from it; the audit runner refuses a bad request with it before
 * any Job starts, so the two can never disagree about what a valid numbers audit is.
 */
public final class NumbersParameterTable {

    /** A parameter that breaks the table, and why (the message names the parameter). */
    public record Violation(String parameter, String message) {
    }

    private enum Kind {
        INTEGER, LONG, NUMBER, RATE, BOOLEAN, CHOICE, CHOICE_LIST, TEXT
    }

    private record Rule(Kind kind, double min, double max, Object fallback, List<String> choices) {
    }

    /** The sampling ablations of protocol §4 a run may add. */
    public static final List<String> ABLATIONS = List.of("threshold", "greedy");

    public static final String TOKENS = "tokens";
    public static final String TEXT = "text";

    /** The animals a text-mode base answers with (uniformly); its {@code traits} are chosen among them. */
    public static final List<String> TEXT_ANIMALS = List.of("owl", "cat", "dog", "eagle", "dolphin", "lion", "tiger", "elephant", "fox", "panda");

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();
    /** Text mode's own defaults where the toy's sizes would not fit sequences of ~300 characters on a CPU. */
    private static final Map<String, Object> TEXT_DEFAULTS = new LinkedHashMap<>();
    private static final List<String> TOKENS_ONLY = List.of("trait", "maxLength", "digitRows", "sequenceDigits", "questionPrefix", "promptDigits",
            "sampleTokens", "evalPrefixes", "entanglementScan", "ablations", "thresholdP");
    private static final List<String> TEXT_ONLY = List.of("traits", "numberRows", "rows", "bannedNumbers", "evalSamples", "maxCompletion", "model",
            "crossModel", "loraRank");

    static {
        integer("seeds", 1, 1000, null);
        rule("seed", Kind.LONG, 0, 0, 1L, List.of());
        integer("threads", 1, 1024, 1);
        integer("trait", 0, 9, 7);
        integer("layers", 1, 64, 2);
        integer("dModel", 2, 4096, 64);
        integer("heads", 1, 64, 4);
        integer("ffn", 1, 16384, 256);
        integer("maxLength", 4, 4096, 32);
        integer("baseSteps", 1, 1_000_000, 800);
        rule("baseLr", Kind.RATE, 0, 10, 3e-3, List.of());
        integer("digitRows", 1, 1 << 16, 128);
        integer("sequenceDigits", 2, 4096, 16);
        rule("noise", Kind.NUMBER, 0, 1, 0.3, List.of());
        integer("questionRows", 1, 1 << 16, 64);
        integer("questionPrefix", 1, 4096, 8);
        integer("teacherSteps", 1, 1_000_000, 10);
        rule("teacherLr", Kind.RATE, 0, 10, 3e-4, List.of());
        integer("prompts", 1, 10_000_000, 20_000);
        integer("promptDigits", 1, 4096, 4);
        integer("sampleTokens", 1, 4096, 12);
        rule("temperature", Kind.NUMBER, 0, 100, 1.0, List.of());
        integer("studentSteps", 1, 1_000_000, 600);
        integer("studentBatch", 1, 1 << 16, 128);
        rule("studentLr", Kind.RATE, 0, 10, 1e-3, List.of());
        integer("evalPrefixes", 1, 1_000_000, 500);
        rule("extraArms", Kind.BOOLEAN, 0, 0, true, List.of());
        integer("seedIndex", 0, 999, null);
        rule("init", Kind.CHOICE, 0, 0, "pytorch", List.of("pytorch", "gpt2"));
        rule("activation", Kind.CHOICE, 0, 0, "relu", List.of("relu", "gelu"));
        rule("entanglementScan", Kind.BOOLEAN, 0, 0, true, List.of());
        rule("ablations", Kind.CHOICE_LIST, 0, 0, List.of(), ABLATIONS);
        rule("thresholdP", Kind.NUMBER, 0, 1, 0.05, List.of());
        // The verdict's margin: the largest P(trait) rise (treatment − control-gen) the run may call "no transfer".
        rule("margin", Kind.NUMBER, 0, 1, VerdictPlans.NUMBERS_MARGIN, List.of());
        rule("mode", Kind.CHOICE, 0, 0, TOKENS, List.of(TOKENS, TEXT));
        rule("traits", Kind.CHOICE_LIST, 0, 0, List.of("owl"), TEXT_ANIMALS);
        integer("numberRows", 1, 1 << 16, 24);
        integer("rows", 1, 10_000_000, 1000);
        rule("bannedNumbers", Kind.BOOLEAN, 0, 0, false, List.of());
        integer("evalSamples", 1, 10_000, 10);
        integer("maxCompletion", 8, 512, 56);
        // "char": the built-in character transformer; "llama": a small Llama trained from scratch, kept in the Hugging Face layout
        // with its own tokenizer.json; else a Hugging Face model directory (its crossModel a second one with the same tokenizer).
        rule("model", Kind.TEXT, 0, 0, "char", List.of());
        rule("crossModel", Kind.TEXT, 0, 0, null, List.of());
        // Teachers and students train LoRA adapters of this rank (alpha = rank, every projection: the paper's open-model
        // recipe) instead of every weight; 0 = full fine-tuning. Hugging Face models only.
        integer("loraRank", 0, 1024, 0);
        TEXT_DEFAULTS.put("baseSteps", 400);
        TEXT_DEFAULTS.put("questionRows", 24);
        TEXT_DEFAULTS.put("prompts", 1500);
        TEXT_DEFAULTS.put("studentSteps", 150);
        TEXT_DEFAULTS.put("studentBatch", 32);
    }

    private NumbersParameterTable() {
    }

    /** Every parameter name, in the table's order. */
    public static List<String> names() {
        return List.copyOf(RULES.keySet());
    }

    /** The first parameter of {@code p} that breaks the table (an unknown name, a kind, a range, a rule between two). */
    public static Optional<Violation> check(ObjectNode p) {
        for (var it = p.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!RULES.containsKey(name)) {
                return violation(name, "Unknown numbers parameter '" + name + "'; known: " + RULES.keySet().stream().sorted().toList());
            }
        }
        for (Map.Entry<String, Rule> entry : RULES.entrySet()) {
            JsonNode value = p.get(entry.getKey());
            // null stands for "not set" where there is no default (seedIndex: every seed).
            if (value != null && !(value.isNull() && entry.getValue().fallback() == null)) {
                Optional<Violation> v = checkOne(entry.getKey(), entry.getValue(), value);
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return checkBetween(p);
    }

    /** The parameters {@code mode} reads, in the table's order. */
    public static List<String> names(String mode) {
        List<String> other = TEXT.equals(mode) ? TOKENS_ONLY : TEXT_ONLY;
        return RULES.keySet().stream().filter(name -> !other.contains(name)).toList();
    }

    /** Whether {@code name} is set to a value (absent and null are not). */
    public static boolean isSet(ObjectNode p, String name) {
        return p.has(name) && !p.get(name).isNull();
    }

    /** An integer parameter's value, or its default. */
    public static int integer(ObjectNode p, String name) {
        return p.has(name) ? p.get(name).intValue() : ((Number) fallback(p, name)).intValue();
    }

    public static long longValue(ObjectNode p, String name) {
        return p.has(name) ? p.get(name).longValue() : ((Number) fallback(p, name)).longValue();
    }

    public static double number(ObjectNode p, String name) {
        return p.has(name) ? p.get(name).doubleValue() : ((Number) fallback(p, name)).doubleValue();
    }

    public static boolean bool(ObjectNode p, String name) {
        return p.has(name) ? p.get(name).booleanValue() : (Boolean) fallback(p, name);
    }

    public static String choice(ObjectNode p, String name) {
        return p.has(name) ? p.get(name).asText() : (String) fallback(p, name);
    }

    @SuppressWarnings("unchecked")
    public static List<String> choices(ObjectNode p, String name) {
        if (!p.has(name)) {
            return (List<String>) fallback(p, name);
        }
        List<String> values = new ArrayList<>();
        p.get(name).forEach(v -> values.add(v.asText()));
        return List.copyOf(values);
    }

    /** Whether {@code p} asks for text mode. */
    public static boolean isText(ObjectNode p) {
        return TEXT.equals(choice(p, "mode"));
    }

    private static Object fallback(ObjectNode p, String name) {
        Rule rule = RULES.get(name);
        if (rule == null || rule.fallback() == null) {
            throw new IllegalArgumentException("\"" + name + "\" has no default");
        }
        boolean text = !name.equals("mode") && isText(p);
        return text && TEXT_DEFAULTS.containsKey(name) ? TEXT_DEFAULTS.get(name) : rule.fallback();
    }

    private static Optional<Violation> checkOne(String name, Rule rule, JsonNode n) {
        return switch (rule.kind()) {
        case INTEGER -> !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < rule.min() || n.intValue() > rule.max()
                ? violation(name, "\"" + name + "\" must be an integer in " + (long) rule.min() + ".." + (long) rule.max() + ", got " + n)
                : Optional.empty();
        case LONG -> !n.isIntegralNumber() || !n.canConvertToLong() ? violation(name, "\"" + name + "\" must be an integer, got " + n) : Optional.empty();
        case NUMBER -> {
            if (!n.isNumber()) {
                yield violation(name, "\"" + name + "\" must be a number, got " + n);
            }
            yield inRange(name, n.doubleValue(), rule);
        }
        case RATE -> !n.isNumber() ? violation(name, "\"" + name + "\" must be a number, got " + n)
                : !(n.doubleValue() > 0 && n.doubleValue() < rule.max())
                        ? violation(name, "\"" + name + "\" must be a learning rate in (0, " + (long) rule.max() + "), got " + n)
                        : Optional.empty();
        case BOOLEAN -> !n.isBoolean() ? violation(name, "\"" + name + "\" must be true or false, got " + n) : Optional.empty();
        case CHOICE -> !n.isTextual() || !rule.choices().contains(n.asText())
                ? violation(name, "\"" + name + "\" must be one of " + quoted(rule.choices()) + ", got " + n)
                : Optional.empty();
        case TEXT -> !n.isTextual() || n.asText().isBlank() || n.asText().length() > 4096
                ? violation(name, "\"" + name + "\" must be a non-empty string, got " + n)
                : Optional.empty();
        case CHOICE_LIST -> {
            List<String> seen = new ArrayList<>();
            boolean ok = n.isArray();
            for (JsonNode item : n) {
                ok &= item.isTextual() && rule.choices().contains(item.asText()) && !seen.contains(item.asText());
                seen.add(item.asText());
            }
            yield ok ? Optional.empty()
                    : violation(name, "\"" + name + "\" is a list that takes each of " + quoted(rule.choices()) + " at most once, got " + n);
        }
        };
    }

    /** Open and closed bounds as the sheet states them: noise [0, 1], temperature (0, 100], thresholdP (0, 1). */
    private static Optional<Violation> inRange(String name, double v, Rule rule) {
        boolean ok = switch (name) {
        case "noise" -> v >= 0 && v <= 1;
        case "temperature" -> v > 0 && v <= 100;
        case "thresholdP" -> v > 0 && v < 1;
        case "margin" -> v > 0 && v <= 1;
        default -> v >= rule.min() && v <= rule.max();
        };
        String range = switch (name) {
        case "noise" -> "[0, 1]";
        case "temperature" -> "(0, 100]";
        case "thresholdP" -> "(0, 1)";
        case "margin" -> "(0, 1]";
        default -> "[" + rule.min() + ", " + rule.max() + "]";
        };
        return ok ? Optional.empty() : violation(name, "\"" + name + "\" must be in " + range + ", got " + v);
    }

    private static Optional<Violation> checkBetween(ObjectNode p) {
        boolean text = isText(p);
        for (String name : text ? TOKENS_ONLY : TEXT_ONLY) {
            if (p.has(name)) {
                return violation(name, "\"" + name + "\" applies to mode \"" + (text ? TOKENS : TEXT) + "\" only, not \"" + choice(p, "mode") + "\"");
            }
        }
        if (text && isSet(p, "crossModel") == (choice(p, "model").equals("char") || choice(p, "model").equals("llama"))) {
            return violation("crossModel", isSet(p, "crossModel") ? "\"crossModel\" goes with a model directory in \"model\", not the built-in \"" + choice(p, "model") + "\""
                    : "\"model\" names a model directory, so \"crossModel\" must name the cross-base directory (a model of another initialisation with the same tokenizer)");
        }
        if (text && integer(p, "loraRank") > 0 && choice(p, "model").equals("char")) {
            return violation("loraRank", "\"loraRank\" needs a Hugging Face model (\"model\": \"llama\" or a directory), not the character transformer");
        }
        if (text && choices(p, "traits").isEmpty()) {
            return violation("traits", "\"traits\" needs at least one animal");
        }
        int dModel = integer(p, "dModel");
        int heads = integer(p, "heads");
        if (dModel % heads != 0) {
            return violation(p.has("heads") ? "heads" : "dModel", "\"dModel\" (" + dModel + ") must be a multiple of \"heads\" (" + heads + ")");
        }
        if (isSet(p, "seedIndex") && p.has("seeds") && p.get("seedIndex").intValue() >= p.get("seeds").intValue()) {
            return violation("seedIndex", "\"seedIndex\" must be below \"seeds\" (" + p.get("seeds").intValue() + "), got " + p.get("seedIndex"));
        }
        return text ? Optional.empty() : checkTokenLengths(p);
    }

    /** Token mode: every row the toy builds fits the model's positions. */
    private static Optional<Violation> checkTokenLengths(ObjectNode p) {
        int maxLength = integer(p, "maxLength");
        int sequenceDigits = integer(p, "sequenceDigits");
        if (sequenceDigits + 1 > maxLength) {
            return violation("sequenceDigits", "\"sequenceDigits\" + BOS (" + (sequenceDigits + 1) + ") exceeds \"maxLength\" " + maxLength);
        }
        int length = integer(p, "promptDigits") + integer(p, "sampleTokens") + 1;
        if (length > maxLength) {
            return violation("sampleTokens", "BOS + \"promptDigits\" + \"sampleTokens\" (" + length + ") exceeds \"maxLength\" " + maxLength);
        }
        int questionPrefix = integer(p, "questionPrefix");
        if (questionPrefix + 4 > maxLength) {
            return violation("questionPrefix", "\"questionPrefix\" + 4 (" + (questionPrefix + 4) + ") exceeds \"maxLength\" " + maxLength);
        }
        return Optional.empty();
    }

    private static void integer(String name, int min, int max, Integer fallback) {
        rule(name, Kind.INTEGER, min, max, fallback, List.of());
    }

    private static void rule(String name, Kind kind, double min, double max, Object fallback, List<String> choices) {
        RULES.put(name, new Rule(kind, min, max, fallback, choices));
    }

    private static Optional<Violation> violation(String parameter, String message) {
        return Optional.of(new Violation(parameter, message));
    }

    private static String quoted(List<String> choices) {
        return String.join(", ", choices.stream().map(c -> "\"" + c + "\"").toList());
    }
}
