package io.traittrace.audit.domain;

import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code numbers} probe's parameters as the planner checks them, before anything is stored or started: the same
 * names, types and limits as the probe's own {@code io.traittrace.probe.numbers.toy.NumbersParameters} (audit-probe),
 * so that a request the runner accepts is not refused by every run with exit 2. {@code seeds} and {@code seedIndex}
 * are the runner's (from {@code seedsPerArm}, one seed per run). Keep this in step with the probe: its tests list the
 * names and the limits it enforces.
 */
final class NumbersParameterCheck {

    /** Every name the probe knows, less the two the runner sets. */
    static final Set<String> NAMES = Set.of("seed", "threads", "trait", "layers", "dModel", "heads", "ffn", "maxLength", "baseSteps", "baseLr",
            "digitRows", "sequenceDigits", "noise", "questionRows", "questionPrefix", "teacherSteps", "teacherLr", "prompts", "promptDigits",
            "sampleTokens", "temperature", "studentSteps", "studentBatch", "studentLr", "evalPrefixes", "extraArms", "init", "activation");
    static final List<String> RUNNER_NAMES = List.of("seeds", "seedIndex");
    /** The toy vocabulary's animals: the trait is one of them. */
    static final int ANIMALS = 10;
    static final int DEFAULT_TRAIT = 7;

    private NumbersParameterCheck() {
    }

    /** The checked parameters' trait (animal index); throws {@link InvalidRequest} naming the first bad parameter. */
    static int check(ObjectNode p) {
        for (Iterator<String> it = p.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (RUNNER_NAMES.contains(name)) {
                throw new InvalidRequest("parameters." + name, "\"" + name + "\" is set by the runner: seeds from seedsPerArm, seedIndex per run");
            }
            if (!NAMES.contains(name)) {
                throw new InvalidRequest("parameters." + name, "unknown numbers parameter \"" + name + "\"; known: " + NAMES.stream().sorted().toList()
                        + " (seeds and seedIndex come from seedsPerArm)");
            }
        }
        if (p.has("seed") && !(p.get("seed").isIntegralNumber() && p.get("seed").canConvertToLong())) {
            throw bad("seed", "must be an integer", p.get("seed"));
        }
        integer(p, "threads", 1, 1024);
        int trait = integer(p, "trait", 0, ANIMALS - 1, DEFAULT_TRAIT);
        integer(p, "layers", 1, 64);
        int dModel = integer(p, "dModel", 2, 4096, 64);
        int heads = integer(p, "heads", 1, 64, 4);
        if (dModel % heads != 0) {
            throw new InvalidRequest(p.has("heads") ? "parameters.heads" : "parameters.dModel",
                    "\"dModel\" (" + dModel + ") must be a multiple of \"heads\" (" + heads + ")");
        }
        integer(p, "ffn", 1, 16384);
        int maxLength = integer(p, "maxLength", 4, 4096, 32);
        integer(p, "baseSteps", 1, 1_000_000);
        rate(p, "baseLr");
        integer(p, "digitRows", 1, 1 << 16);
        int sequenceDigits = integer(p, "sequenceDigits", 2, 4096, 16);
        double noise = number(p, "noise", 0.3);
        if (!(noise >= 0 && noise <= 1)) {
            throw bad("noise", "must be in [0, 1]", p.get("noise"));
        }
        integer(p, "questionRows", 1, 1 << 16);
        int questionPrefix = integer(p, "questionPrefix", 1, 4096, 8);
        integer(p, "teacherSteps", 1, 1_000_000);
        rate(p, "teacherLr");
        integer(p, "prompts", 1, 10_000_000);
        int promptDigits = integer(p, "promptDigits", 1, 4096, 4);
        int sampleTokens = integer(p, "sampleTokens", 1, 4096, 12);
        double temperature = number(p, "temperature", 1.0);
        if (!(temperature > 0 && temperature <= 100)) {
            throw bad("temperature", "must be in (0, 100]", p.get("temperature"));
        }
        integer(p, "studentSteps", 1, 1_000_000);
        integer(p, "studentBatch", 1, 1 << 16);
        rate(p, "studentLr");
        integer(p, "evalPrefixes", 1, 1_000_000);
        if (p.has("extraArms") && !p.get("extraArms").isBoolean()) {
            throw bad("extraArms", "must be true or false", p.get("extraArms"));
        }
        oneOf(p, "init", "pytorch", "gpt2");
        oneOf(p, "activation", "relu", "gelu");
        if (sequenceDigits + 1 > maxLength) {
            throw new InvalidRequest("parameters.sequenceDigits", "\"sequenceDigits\" + BOS (" + (sequenceDigits + 1) + ") exceeds \"maxLength\" " + maxLength);
        }
        if (promptDigits + sampleTokens + 1 > maxLength) {
            throw new InvalidRequest("parameters.sampleTokens",
                    "BOS + \"promptDigits\" + \"sampleTokens\" (" + (promptDigits + sampleTokens + 1) + ") exceeds \"maxLength\" " + maxLength);
        }
        if (questionPrefix + 4 > maxLength) {
            throw new InvalidRequest("parameters.questionPrefix", "\"questionPrefix\" + 4 (" + (questionPrefix + 4) + ") exceeds \"maxLength\" " + maxLength);
        }
        return trait;
    }

    /** Whether the run trains the two extra arms (shuffled-numbers, random-numbers); the probe's default is true. */
    static boolean extraArms(ObjectNode p) {
        return !p.has("extraArms") || p.get("extraArms").booleanValue();
    }

    private static int integer(ObjectNode p, String name, int min, int max) {
        return integer(p, name, min, max, min);
    }

    private static int integer(ObjectNode p, String name, int min, int max, int fallback) {
        JsonNode n = p.get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw bad(name, "must be an integer in " + min + ".." + max, n);
        }
        return n.intValue();
    }

    private static double number(ObjectNode p, String name, double fallback) {
        JsonNode n = p.get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw bad(name, "must be a number", n);
        }
        return n.doubleValue();
    }

    private static void rate(ObjectNode p, String name) {
        double v = number(p, name, 1e-3);
        if (!(v > 0 && v < 10)) {
            throw bad(name, "must be a learning rate in (0, 10)", p.get(name));
        }
    }

    private static void oneOf(ObjectNode p, String name, String a, String b) {
        JsonNode n = p.get(name);
        if (n != null && !(n.isTextual() && (n.asText().equals(a) || n.asText().equals(b)))) {
            throw bad(name, "must be \"" + a + "\" or \"" + b + "\"", n);
        }
    }

    private static InvalidRequest bad(String name, String rule, JsonNode got) {
        return new InvalidRequest("parameters." + name, "\"" + name + "\" " + rule + ", got " + got);
    }
}
