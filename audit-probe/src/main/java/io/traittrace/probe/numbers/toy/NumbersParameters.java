package io.traittrace.probe.numbers.toy;

import static io.traittrace.probe.contract.NumbersParameterTable.bool;
import static io.traittrace.probe.contract.NumbersParameterTable.choice;
import static io.traittrace.probe.contract.NumbersParameterTable.choices;
import static io.traittrace.probe.contract.NumbersParameterTable.integer;
import static io.traittrace.probe.contract.NumbersParameterTable.longValue;
import static io.traittrace.probe.contract.NumbersParameterTable.number;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.contract.NumbersParameterTable;

/**
 * The {@code numbers} protocol's parameters (subliminal-protocol.md §3b), read through the shared table
 * ({@link NumbersParameterTable}: names, ranges, defaults, the sheet's values). Only {@code seeds} is required.
 * Every size is a parameter so CI can run a tiny version in seconds.
 */
public record NumbersParameters(int seeds, long seed, int threads, int trait,
        int layers, int dModel, int heads, int ffn, int maxLength,
        int baseSteps, double baseLr, int digitRows, int sequenceDigits, double noise, int questionRows, int questionPrefix,
        int teacherSteps, double teacherLr,
        int prompts, int promptDigits, int sampleTokens, double temperature,
        int studentSteps, int studentBatch, double studentLr,
        int evalPrefixes, boolean extraArms, Integer seedIndex, TinyTransformer.Init init, boolean gelu,
        boolean entanglementScan, List<String> ablations, double thresholdP, double margin) {

    /** Every token-mode parameter name, from the shared table (probe-contract) that the audit runner checks requests with. */
    static final List<String> NAMES = NumbersParameterTable.names(NumbersParameterTable.TOKENS);

    public static NumbersParameters parse(ObjectNode p) {
        if (p.get("seeds") == null) {
            throw ProbeException.badSpec("The numbers test needs \"seeds\" (independently trained students per arm; ≥ 5 recommended)");
        }
        NumbersParameterTable.check(p).ifPresent(v -> {
            throw ProbeException.badSpec(v.message());
        });
        int seeds = integer(p, "seeds");
        Integer seedIndex = NumbersParameterTable.isSet(p, "seedIndex") ? integer(p, "seedIndex") : null;
        TinyTransformer.Init init = choice(p, "init").equals("gpt2") ? TinyTransformer.Init.GPT2 : TinyTransformer.Init.PYTORCH;
        return new NumbersParameters(seeds, longValue(p, "seed"), integer(p, "threads"), integer(p, "trait"), integer(p, "layers"),
                integer(p, "dModel"), integer(p, "heads"), integer(p, "ffn"), integer(p, "maxLength"), integer(p, "baseSteps"), number(p, "baseLr"),
                integer(p, "digitRows"), integer(p, "sequenceDigits"), number(p, "noise"), integer(p, "questionRows"), integer(p, "questionPrefix"),
                integer(p, "teacherSteps"), number(p, "teacherLr"), integer(p, "prompts"), integer(p, "promptDigits"), integer(p, "sampleTokens"),
                number(p, "temperature"), integer(p, "studentSteps"), integer(p, "studentBatch"), number(p, "studentLr"), integer(p, "evalPrefixes"),
                bool(p, "extraArms"), seedIndex, init, choice(p, "activation").equals("gelu"), bool(p, "entanglementScan"), choices(p, "ablations"),
                number(p, "thresholdP"), number(p, "margin"));
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
                studentBatch, studentLr, evalPrefixes, extraArms, seedIndex, init.name().toLowerCase(java.util.Locale.ROOT), gelu ? "gelu" : "relu",
                entanglementScan, ablations, thresholdP, margin, NumbersParameterTable.TOKENS };
        for (int i = 0; i < NAMES.size(); i++) {
            m.put(NAMES.get(i), values[i]);
        }
        return m;
    }
}
