package io.traittrace.gateway.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jboss.resteasy.reactive.RestForm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.qute.TemplateData;

/**
 * The audit request form, as typed: checked here by the runner's own field rules before anything is sent, then
 * turned into the runner's {@code POST /api/audits} body. The idempotency key is made by the console when it
 * shows the form, so a form sent twice requests one audit.
 */
@TemplateData
public class AuditForm {

    public static final List<String> PROTOCOLS = List.of("canary", "trait-eval", "numbers", "family", "image");
    static final Pattern KEY = Pattern.compile("^[\\x21-\\x7e]{1,200}$");
    static final Pattern TRAIT = Pattern.compile("^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$");
    static final Pattern LABEL_VALUE = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$");
    static final int MAX_TRAITS = 32;
    static final int MAX_PARAMETERS_CHARS = 64 * 1024;

    @RestForm
    public String idempotencyKey;
    @RestForm
    public String protocol;
    @RestForm
    public String student;
    @RestForm
    public String teacher;
    @RestForm
    public String dataset;
    @RestForm
    public String traits;
    @RestForm
    public String seedsPerArm;
    @RestForm
    public String margin;
    @RestForm
    public String parameters;
    @RestForm
    public String gpus;
    @RestForm
    public String gpuType;
    @RestForm
    public String deadlineSeconds;

    /** A fresh form, optionally naming the models and dataset to audit. */
    public static AuditForm fresh(String student, String teacher, String dataset) {
        AuditForm form = new AuditForm();
        form.idempotencyKey = UUID.randomUUID().toString();
        form.protocol = "canary";
        form.student = trimmed(student);
        form.teacher = trimmed(teacher);
        form.dataset = trimmed(dataset);
        return form;
    }

    public List<String> protocols() {
        return PROTOCOLS;
    }

    /** Field name to what is wrong with it, in form order; empty when the form can be sent. */
    public Map<String, String> validate(ObjectMapper mapper) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (blank(idempotencyKey) || !KEY.matcher(idempotencyKey.trim()).matches()) {
            // Not the user's to fix: a damaged hidden field gets a fresh key.
            idempotencyKey = UUID.randomUUID().toString();
        }
        if (blank(protocol) || !PROTOCOLS.contains(protocol.trim())) {
            errors.put("protocol", "Choose one of " + String.join(", ", PROTOCOLS) + ".");
        }
        if (blank(student)) {
            errors.put("student", "The student model is required.");
        } else if (!ConsoleService.LINEAGE_ID.matcher(student.trim()).matches()) {
            errors.put("student", "Not a lineage id: " + LINEAGE_RULE);
        }
        if (!blank(teacher) && !ConsoleService.LINEAGE_ID.matcher(teacher.trim()).matches()) {
            errors.put("teacher", "Not a lineage id: " + LINEAGE_RULE);
        }
        if (!blank(dataset) && !ConsoleService.LINEAGE_ID.matcher(dataset.trim()).matches()) {
            errors.put("dataset", "Not a lineage id: " + LINEAGE_RULE);
        }
        List<String> traitList = traitList();
        if (traitList.size() > MAX_TRAITS) {
            errors.put("traits", "At most " + MAX_TRAITS + " traits.");
        } else {
            List<String> bad = traitList.stream().filter(t -> !TRAIT.matcher(t).matches()).toList();
            if (!bad.isEmpty()) {
                errors.put("traits", "Not a trait name: " + String.join(", ", bad)
                        + ". Traits are 1-64 characters from a-z 0-9 . _ -, starting and ending with a letter or digit.");
            }
        }
        integer(errors, "seedsPerArm", seedsPerArm, 1, "Seeds per arm must be a whole number of at least 1.");
        if (!blank(margin) && !(parsedMargin() > 0)) {
            errors.put("margin", "The margin must be a positive number, e.g. 0.2: the largest effect the audit may call \"no transfer\".");
        }
        if (!blank(parameters)) {
            if (parameters.length() > MAX_PARAMETERS_CHARS) {
                errors.put("parameters", "Parameters are limited to " + MAX_PARAMETERS_CHARS / 1024 + " KiB.");
            } else {
                try {
                    JsonNode parsed = mapper.readTree(parameters);
                    if (parsed == null || !parsed.isObject()) {
                        errors.put("parameters", "Parameters must be a JSON object, such as {\"epochs\": 2}.");
                    }
                } catch (JsonProcessingException e) {
                    errors.put("parameters", "Parameters are not valid JSON: " + e.getOriginalMessage());
                }
            }
        }
        integer(errors, "gpus", gpus, 0, "GPUs per run must be a whole number of at least 0.");
        if (!blank(gpuType) && !LABEL_VALUE.matcher(gpuType.trim()).matches()) {
            errors.put("gpuType", "A GPU type is a Kubernetes label value: up to 63 characters from A-Z a-z 0-9 . _ -.");
        }
        integer(errors, "deadlineSeconds", deadlineSeconds, 60, "The deadline must be a whole number of seconds, at least 60.");
        return errors;
    }

    static final String LINEAGE_RULE = "1-128 characters from A-Z a-z 0-9 . _ : -, starting and ending with a letter or digit.";

    /** The runner's request body; call after {@link #validate} found nothing. */
    public Map<String, Object> toRequest(ObjectMapper mapper) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("idempotencyKey", idempotencyKey.trim());
        request.put("protocol", protocol.trim());
        request.put("student", student.trim());
        putIfPresent(request, "teacher", teacher);
        putIfPresent(request, "dataset", dataset);
        if (!traitList().isEmpty()) {
            request.put("traits", traitList());
        }
        if (!blank(seedsPerArm)) {
            request.put("seedsPerArm", Long.parseLong(seedsPerArm.trim()));
        }
        if (!blank(margin)) {
            request.put("margin", parsedMargin());
        }
        if (!blank(parameters)) {
            try {
                request.put("parameters", mapper.readTree(parameters));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("validated before", e);
            }
        }
        Map<String, Object> resources = new LinkedHashMap<>();
        if (!blank(gpus)) {
            resources.put("gpus", Long.parseLong(gpus.trim()));
        }
        putIfPresent(resources, "gpuType", gpuType);
        if (!blank(deadlineSeconds)) {
            resources.put("deadlineSeconds", Long.parseLong(deadlineSeconds.trim()));
        }
        if (!resources.isEmpty()) {
            request.put("resources", resources);
        }
        return request;
    }

    /**
     * The runner's errors ("field: message", field as in its JSON) placed on the form's fields where a field is
     * named; every one also stays in the problem's list.
     */
    public static Map<String, String> fieldErrors(List<String> errors) {
        Map<String, String> byField = new LinkedHashMap<>();
        for (String error : errors) {
            int colon = error.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String path = error.substring(0, colon).trim();
            String field = path.startsWith("resources.") ? path.substring("resources.".length())
                    : path.startsWith("parameters") ? "parameters"
                    : path.replaceAll("\\[\\d+]$", "");
            if (FIELDS.contains(field)) {
                byField.merge(field, error.substring(colon + 1).trim(), (a, b) -> a + " " + b);
            }
        }
        return byField;
    }

    private static final List<String> FIELDS = List.of("protocol", "student", "teacher", "dataset", "traits", "seedsPerArm", "margin",
            "parameters", "gpus", "gpuType", "deadlineSeconds");

    /** The margin as a number, NaN when it is not one (or not finite). */
    private double parsedMargin() {
        try {
            double value = Double.parseDouble(margin.trim());
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private List<String> traitList() {
        List<String> list = new ArrayList<>();
        if (!blank(traits)) {
            for (String trait : traits.trim().split("[,\\s]+")) {
                if (!trait.isBlank()) {
                    list.add(trait);
                }
            }
        }
        return list;
    }

    private static void integer(Map<String, String> errors, String field, String value, long min, String message) {
        if (blank(value)) {
            return;
        }
        try {
            if (Long.parseLong(value.trim()) < min) {
                errors.put(field, message);
            }
        } catch (NumberFormatException e) {
            errors.put(field, message);
        }
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (!blank(value)) {
            map.put(key, value.trim());
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String trimmed(String value) {
        return blank(value) ? null : value.trim();
    }
}
