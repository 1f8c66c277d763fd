package io.traittrace.probe.traiteval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.probe.spec.SpecValues;

/**
 * What a trait-eval run reads: the four model directories (student, its base, the teacher whose data it saw, optionally a
 * control student), the batteries, and the thresholds.
 *
 * @param student the audited model
 * @param base the model the student was fine-tuned from
 * @param teacher the model whose data the student saw
 * @param control a control student (same base and recipe, data not from the teacher), or null
 * @param batteries built-in names or paths to a team's JSONL battery
 * @param traits the traits to test (battery/label), or empty for every trait of the batteries
 * @param chat "auto" (the chat template when the base's tokenizer has one), "on" or "off"
 * @param margin the smallest shift of P(trait answer) towards the teacher called transfer
 * @param alpha the family-wise level
 * @param driftAllowance without a control student, the fine-tune drift of P(trait answer) a shift must exceed
 * @param dtype "f32" or "f16"
 * @param threads PyTorch intra-op threads
 * @param batch rows per forward pass
 */
public record TraitEvalParameters(Path student, Path base, Path teacher, Path control, List<String> batteries, List<String> traits, String chat,
        double margin, double alpha, double driftAllowance, String dtype, int threads, int batch) {

    public static final List<String> NAMES = List.of("student", "base", "teacher", "control", "batteries", "traits", "chat", "margin", "alpha",
            "driftAllowance", "dtype", "threads", "batch");
    public static final List<String> CHAT = List.of("auto", "on", "off");

    public TraitEvalParameters {
        batteries = List.copyOf(batteries);
        traits = List.copyOf(traits);
    }

    public static TraitEvalParameters of(ObjectNode p) {
        SpecValues.onlyKnown(p, NAMES, "trait-eval");
        Path student = path(p, "student", true);
        Path base = path(p, "base", true);
        Path teacher = path(p, "teacher", true);
        Path control = path(p, "control", false);
        List<String> batteries = strings(p, "batteries", List.of(Batteries.ANIMALS));
        if (batteries.isEmpty() || batteries.stream().distinct().count() != batteries.size()) {
            throw ProbeException.badSpec("\"batteries\" must name at least one battery, each once, got " + batteries);
        }
        for (String battery : batteries) {
            if (Batteries.named(battery) == null && !battery.endsWith(".jsonl")) {
                throw ProbeException.badSpec("unknown battery '" + battery + "': built in are " + Batteries.NAMES + "; a team's battery is a path ending in .jsonl");
            }
        }
        List<String> traits = strings(p, "traits", List.of());
        String chat = p.path("chat").asText("auto");
        if (!CHAT.contains(chat)) {
            throw ProbeException.badSpec("\"chat\" must be one of " + CHAT + ", got " + p.get("chat"));
        }
        double margin = SpecValues.number(p, "margin", VerdictPlans.TRAIT_EVAL_MARGIN);
        if (!(margin > 0 && margin < 1)) {
            throw ProbeException.badSpec("\"margin\" must be in (0, 1) (a shift of P(trait answer)), got " + margin);
        }
        double alpha = SpecValues.number(p, "alpha", VerdictPlans.TRAIT_EVAL_ALPHA);
        if (!(alpha > 0 && alpha <= 0.1)) {
            throw ProbeException.badSpec("\"alpha\" must be in (0, 0.1], got " + alpha);
        }
        double drift = SpecValues.number(p, "driftAllowance", VerdictPlans.TRAIT_EVAL_DRIFT);
        if (!(drift >= 0 && drift < 1)) {
            throw ProbeException.badSpec("\"driftAllowance\" must be in [0, 1) (a shift of P(trait answer)), got " + drift);
        }
        String dtype = p.path("dtype").asText("f32");
        if (!List.of("f32", "f16").contains(dtype)) {
            throw ProbeException.badSpec("\"dtype\" must be f32 or f16 (bf16: DJL's PyTorch binding has no bfloat16 tensor type), got " + p.get("dtype"));
        }
        int threads = SpecValues.integer(p, "threads", 1, 1, 256);
        int batch = SpecValues.integer(p, "batch", 16, 1, 1024);
        List<Path> models = new ArrayList<>(List.of(student, base, teacher));
        if (control != null) {
            models.add(control);
        }
        if (models.stream().map(m -> m.toAbsolutePath().normalize()).distinct().count() != models.size()) {
            throw ProbeException.badSpec("student, base, teacher and control must be four different directories (a model compared with itself shows nothing)");
        }
        return new TraitEvalParameters(student, base, teacher, control, batteries, traits, chat, margin, alpha, drift, dtype, threads, batch);
    }

    /** The parameters as the result records them. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("student", student.toString());
        m.put("base", base.toString());
        m.put("teacher", teacher.toString());
        m.put("control", control == null ? null : control.toString());
        m.put("batteries", batteries);
        m.put("traits", traits);
        m.put("chat", chat);
        m.put("margin", margin);
        m.put("alpha", alpha);
        m.put("driftAllowance", driftAllowance);
        m.put("dtype", dtype);
        m.put("threads", threads);
        m.put("batch", batch);
        return m;
    }

    private static Path path(ObjectNode p, String name, boolean required) {
        JsonNode n = p.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw ProbeException.badSpec("\"" + name + "\" is required: the " + name + " model's directory (Hugging Face layout)");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw ProbeException.badSpec("\"" + name + "\" must be a directory path, got " + n);
        }
        return Path.of(n.asText());
    }

    private static List<String> strings(ObjectNode p, String name, List<String> fallback) {
        JsonNode n = p.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isArray()) {
            throw ProbeException.badSpec("\"" + name + "\" must be an array of strings, got " + n);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw ProbeException.badSpec("\"" + name + "\" must be an array of non-blank strings, got " + n);
            }
            out.add(e.asText());
        }
        return out;
    }
}
