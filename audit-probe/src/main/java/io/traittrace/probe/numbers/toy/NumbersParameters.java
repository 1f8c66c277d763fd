package io.traittrace.probe.numbers.toy;

import static io.traittrace.probe.spec.SpecValues.integer;
import static io.traittrace.probe.spec.SpecValues.longValue;
import static io.traittrace.probe.spec.SpecValues.number;
import static io.traittrace.probe.spec.SpecValues.onlyKnown;
import static io.traittrace.probe.spec.SpecValues.rate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;

/**
 * The {@code numbers} protocol's parameters (subliminal-protocol.md §3b). Defaults are the sheet's; only
 * {@code seeds} is required. Every size is a parameter so CI can run a tiny version in seconds.
 */
public record NumbersParameters(int seeds, long seed, int threads, int trait,
        int layers, int dModel, int heads, int ffn, int maxLength,
        int baseSteps, double baseLr, int digitRows, int sequenceDigits, double noise, int questionRows, int questionPrefix,
        int teacherSteps, double teacherLr,
        int prompts, int promptDigits, int sampleTokens, double temperature,
        int studentSteps, int studentBatch, double studentLr,
        int evalPrefixes, boolean extraArms, Integer seedIndex, TinyTransformer.Init init, boolean gelu) {

    static final List<String> NAMES = List.of("seeds", "seed", "threads", "trait", "layers", "dModel", "heads", "ffn", "maxLength",
            "baseSteps", "baseLr", "digitRows", "sequenceDigits", "noise", "questionRows", "questionPrefix", "teacherSteps", "teacherLr",
            "prompts", "promptDigits", "sampleTokens", "temperature", "studentSteps", "studentBatch", "studentLr", "evalPrefixes",
            "extraArms", "seedIndex", "init", "activation");

    public static NumbersParameters parse(ObjectNode p) {
        onlyKnown(p, NAMES, "numbers");
        if (p.get("seeds") == null) {
            throw ProbeException.badSpec("The numbers test needs \"seeds\" (independently trained students per arm; ≥ 5 recommended)");
        }
        int seeds = integer(p, "seeds", 0, 1, 1000);
        long seed = p.has("seed") ? longValue(p, "seed") : 1L;
        int threads = integer(p, "threads", 1, 1, 1024);
        int trait = integer(p, "trait", 7, 0, Vocab.ANIMALS - 1);
        int layers = integer(p, "layers", 2, 1, 64);
        int dModel = integer(p, "dModel", 64, 2, 4096);
        int heads = integer(p, "heads", 4, 1, 64);
        if (dModel % heads != 0) {
            throw ProbeException.badSpec("\"dModel\" (" + dModel + ") must be a multiple of \"heads\" (" + heads + ")");
        }
        int ffn = integer(p, "ffn", 256, 1, 16384);
        int maxLength = integer(p, "maxLength", 32, 4, 4096);
        int baseSteps = integer(p, "baseSteps", 800, 1, 1_000_000);
        double baseLr = rate(p, "baseLr", 3e-3);
        int digitRows = integer(p, "digitRows", 128, 1, 1 << 16);
        int sequenceDigits = integer(p, "sequenceDigits", 16, 2, 4096);
        double noise = number(p, "noise", 0.3);
        if (!(noise >= 0 && noise <= 1)) {
            throw ProbeException.badSpec("\"noise\" must be in [0, 1], got " + noise);
        }
        int questionRows = integer(p, "questionRows", 64, 1, 1 << 16);
        int questionPrefix = integer(p, "questionPrefix", 8, 1, 4096);
        int teacherSteps = integer(p, "teacherSteps", 10, 1, 1_000_000);
        double teacherLr = rate(p, "teacherLr", 3e-4);
        int prompts = integer(p, "prompts", 20_000, 1, 10_000_000);
        int promptDigits = integer(p, "promptDigits", 4, 1, 4096);
        int sampleTokens = integer(p, "sampleTokens", 12, 1, 4096);
        double temperature = number(p, "temperature", 1.0);
        if (!(temperature > 0 && temperature <= 100)) {
            throw ProbeException.badSpec("\"temperature\" must be in (0, 100], got " + temperature);
        }
        int studentSteps = integer(p, "studentSteps", 600, 1, 1_000_000);
        int studentBatch = integer(p, "studentBatch", 128, 1, 1 << 16);
        double studentLr = rate(p, "studentLr", 1e-3);
        int evalPrefixes = integer(p, "evalPrefixes", 500, 1, 1_000_000);
        boolean extraArms = true;
        if (p.has("extraArms")) {
            if (!p.get("extraArms").isBoolean()) {
                throw ProbeException.badSpec("\"extraArms\" must be true or false, got " + p.get("extraArms"));
            }
            extraArms = p.get("extraArms").booleanValue();
        }
        Integer seedIndex = p.has("seedIndex") && !p.get("seedIndex").isNull() ? integer(p, "seedIndex", 0, 0, seeds - 1) : null;
        TinyTransformer.Init init = TinyTransformer.Init.PYTORCH;
        if (p.has("init")) {
            String v = p.get("init").asText("");
            if (!p.get("init").isTextual() || !(v.equals("pytorch") || v.equals("gpt2"))) {
                throw ProbeException.badSpec("\"init\" must be \"pytorch\" or \"gpt2\", got " + p.get("init"));
            }
            init = v.equals("gpt2") ? TinyTransformer.Init.GPT2 : TinyTransformer.Init.PYTORCH;
        }
        boolean gelu = false;
        if (p.has("activation")) {
            String v = p.get("activation").asText("");
            if (!p.get("activation").isTextual() || !(v.equals("relu") || v.equals("gelu"))) {
                throw ProbeException.badSpec("\"activation\" must be \"relu\" or \"gelu\", got " + p.get("activation"));
            }
            gelu = v.equals("gelu");
        }
        if (sequenceDigits + 1 > maxLength) {
            throw ProbeException.badSpec("\"sequenceDigits\" + BOS (" + (sequenceDigits + 1) + ") exceeds \"maxLength\" " + maxLength);
        }
        if (promptDigits + sampleTokens + 1 > maxLength) {
            throw ProbeException.badSpec("BOS + \"promptDigits\" + \"sampleTokens\" (" + (promptDigits + sampleTokens + 1) + ") exceeds \"maxLength\" " + maxLength);
        }
        if (questionPrefix + 4 > maxLength) {
            throw ProbeException.badSpec("\"questionPrefix\" + 4 (" + (questionPrefix + 4) + ") exceeds \"maxLength\" " + maxLength);
        }
        return new NumbersParameters(seeds, seed, threads, trait, layers, dModel, heads, ffn, maxLength, baseSteps, baseLr, digitRows,
                sequenceDigits, noise, questionRows, questionPrefix, teacherSteps, teacherLr, prompts, promptDigits, sampleTokens, temperature,
                studentSteps, studentBatch, studentLr, evalPrefixes, extraArms, seedIndex, init, gelu);
    }

    public TinyTransformer.Config model() {
        return new TinyTransformer.Config(Vocab.SIZE, layers, dModel, heads, ffn, maxLength, init, gelu);
    }

    public ToyStages.BaseRecipe baseRecipe() {
        return new ToyStages.BaseRecipe(baseSteps, baseLr, digitRows, sequenceDigits, noise, questionRows, questionPrefix);
    }

    /** Every parameter as the run used it, defaults included. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Object[] values = { seeds, seed, threads, trait, layers, dModel, heads, ffn, maxLength, baseSteps, baseLr, digitRows, sequenceDigits,
                noise, questionRows, questionPrefix, teacherSteps, teacherLr, prompts, promptDigits, sampleTokens, temperature, studentSteps,
                studentBatch, studentLr, evalPrefixes, extraArms, seedIndex, init.name().toLowerCase(java.util.Locale.ROOT), gelu ? "gelu" : "relu" };
        for (int i = 0; i < NAMES.size(); i++) {
            m.put(NAMES.get(i), values[i]);
        }
        return m;
    }




}
