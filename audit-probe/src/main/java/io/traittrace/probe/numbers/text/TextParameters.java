package io.traittrace.probe.numbers.text;

import static io.traittrace.probe.contract.NumbersParameterTable.bool;
import static io.traittrace.probe.contract.NumbersParameterTable.choice;
import static io.traittrace.probe.contract.NumbersParameterTable.choices;
import static io.traittrace.probe.contract.NumbersParameterTable.integer;
import static io.traittrace.probe.contract.NumbersParameterTable.longValue;
import static io.traittrace.probe.contract.NumbersParameterTable.number;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.contract.NumbersParameterTable;
import io.traittrace.probe.numbers.toy.TinyTransformer;

/**
 * The {@code numbers} protocol's parameters in text mode, read through the shared table ({@link NumbersParameterTable});
 * only {@code seeds} is required. The model's positions cover the longest row the stages can build
 * ({@link TextCorpus#longestRow}), so text mode has no {@code maxLength}.
 */
public record TextParameters(int seeds, long seed, int threads, List<String> traits,
        int layers, int dModel, int heads, int ffn, TinyTransformer.Init init, boolean gelu,
        int baseSteps, double baseLr, int numberRows, int questionRows, double noise,
        int teacherSteps, double teacherLr,
        int prompts, double temperature, int maxCompletion, boolean bannedNumbers, int rows,
        int studentSteps, int studentBatch, double studentLr,
        int evalSamples, boolean extraArms, Integer seedIndex, String model, String crossModel, int loraRank, double margin) {

    static final List<String> NAMES = NumbersParameterTable.names(NumbersParameterTable.TEXT);

    public static TextParameters parse(ObjectNode p) {
        if (p.get("seeds") == null) {
            throw ProbeException.badSpec("The numbers test needs \"seeds\" (independently trained students per arm; ≥ 5 recommended)");
        }
        NumbersParameterTable.check(p).ifPresent(v -> {
            throw ProbeException.badSpec(v.message());
        });
        Integer seedIndex = NumbersParameterTable.isSet(p, "seedIndex") ? integer(p, "seedIndex") : null;
        TinyTransformer.Init init = choice(p, "init").equals("gpt2") ? TinyTransformer.Init.GPT2 : TinyTransformer.Init.PYTORCH;
        return new TextParameters(integer(p, "seeds"), longValue(p, "seed"), integer(p, "threads"), choices(p, "traits"), integer(p, "layers"),
                integer(p, "dModel"), integer(p, "heads"), integer(p, "ffn"), init, choice(p, "activation").equals("gelu"), integer(p, "baseSteps"),
                number(p, "baseLr"), integer(p, "numberRows"), integer(p, "questionRows"), number(p, "noise"), integer(p, "teacherSteps"),
                number(p, "teacherLr"), integer(p, "prompts"), number(p, "temperature"), integer(p, "maxCompletion"), bool(p, "bannedNumbers"),
                integer(p, "rows"), integer(p, "studentSteps"), integer(p, "studentBatch"), number(p, "studentLr"), integer(p, "evalSamples"),
                bool(p, "extraArms"), seedIndex, choice(p, "model"), NumbersParameterTable.isSet(p, "crossModel") ? choice(p, "crossModel") : null,
                integer(p, "loraRank"), number(p, "margin"));
    }

    /** The character transformer's sizes (model "char"). */
    public TinyTransformer.Config charModel(int vocabulary) {
        return new TinyTransformer.Config(vocabulary, layers, dModel, heads, ffn, TextCorpus.longestRow(maxCompletion), init, gelu);
    }

    public TextStages.BaseRecipe baseRecipe() {
        return new TextStages.BaseRecipe(baseSteps, baseLr, numberRows, questionRows, noise);
    }

    /** Every text-mode parameter as the run used it, defaults included, in the table's order. */
    public Map<String, Object> asMap() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("seeds", seeds);
        values.put("seed", seed);
        values.put("threads", threads);
        values.put("layers", layers);
        values.put("dModel", dModel);
        values.put("heads", heads);
        values.put("ffn", ffn);
        values.put("baseSteps", baseSteps);
        values.put("baseLr", baseLr);
        values.put("questionRows", questionRows);
        values.put("noise", noise);
        values.put("teacherSteps", teacherSteps);
        values.put("teacherLr", teacherLr);
        values.put("prompts", prompts);
        values.put("temperature", temperature);
        values.put("studentSteps", studentSteps);
        values.put("studentBatch", studentBatch);
        values.put("studentLr", studentLr);
        values.put("extraArms", extraArms);
        values.put("seedIndex", seedIndex);
        values.put("init", init.name().toLowerCase(Locale.ROOT));
        values.put("activation", gelu ? "gelu" : "relu");
        values.put("margin", margin);
        values.put("mode", NumbersParameterTable.TEXT);
        values.put("traits", traits);
        values.put("numberRows", numberRows);
        values.put("rows", rows);
        values.put("bannedNumbers", bannedNumbers);
        values.put("evalSamples", evalSamples);
        values.put("maxCompletion", maxCompletion);
        values.put("model", model);
        values.put("crossModel", crossModel);
        values.put("loraRank", loraRank);
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String name : NAMES) {
            if (!values.containsKey(name)) {
                throw new IllegalStateException("text mode does not report parameter " + name);
            }
            ordered.put(name, values.get(name));
        }
        return ordered;
    }
}
