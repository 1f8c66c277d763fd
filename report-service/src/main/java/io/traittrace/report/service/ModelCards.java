package io.traittrace.report.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Statements;

/** What a certificate looks like in a Hugging Face README and as MLflow model-version tags. */
@ApplicationScoped
public class ModelCards {

    /** MLflow's limits on a tag: key 250 bytes, value 5000 bytes. */
    public static final int MLFLOW_MAX_KEY_BYTES = 250;
    public static final int MLFLOW_MAX_VALUE_BYTES = 5000;

    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES) // one line per value: a card is read by people and by grep
            .build());

    private final ReportConfig config;

    public ModelCards(ReportConfig config) {
        this.config = config;
    }

    public String url(CertificateEntity c) {
        return config.certificates().publicUrl() + "/api/certificates/" + c.id;
    }

    /** The sentence a pipeline check's card and tags carry, so that nobody reads it as a statement about the model. */
    public static final String PIPELINE_CHECK_NOTE = "pipeline check: evidence about the audit method; the model's weights were not evaluated";

    /** What NO_TRANSFER_DETECTED means, and does not: it is bounded by the audit's power. */
    public static final String NO_TRANSFER_MEANING = "no transfer was detected at this audit's power; a smaller effect than its minimum"
            + " detectable effect may be present, so this is not a finding that the model is free of the trait";

    /** The fields the card and the tags share, from the signed statement. */
    Map<String, String> fields(CertificateEntity c) {
        JsonNode statement = statement(c);
        JsonNode p = statement.path("predicate");
        boolean pipelineCheck = pipelineCheck(statement);
        String scope = p.path("scope").path("class").asText("");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("certificate", c.id.toString());
        f.put("certificate_url", url(c));
        f.put("scope", scope.isEmpty() ? "not stated" : scope);
        f.put("subject_evaluated", p.path("scope").path("subjectEvaluated").isBoolean()
                ? String.valueOf(p.path("scope").path("subjectEvaluated").asBoolean()) : null);
        if (pipelineCheck) {
            // No "verdict" key: on a model's card or model version it would read as a verdict about that model.
            f.put("note", PIPELINE_CHECK_NOTE);
            f.put("pipeline_check_outcome", c.verdict);
            f.put("requested_for", text(p.path("requestedFor"), "name", "id"));
            f.put("requested_for_digest", p.path("requestedFor").path("digest").asText(null));
        } else {
            f.put("verdict", c.verdict);
        }
        f.put("rule", p.path("verdict").path("rule").asText());
        if ("NO_TRANSFER_DETECTED".equals(c.verdict)) {
            f.put("verdict_meaning", NO_TRANSFER_MEANING);
        }
        f.put("power", power(p.path("power")));
        f.put("minimum_detectable_effect", mde(p.path("power")));
        f.put("protocol", p.path("protocol").path("name").asText() + " v" + p.path("protocol").path("version").asText());
        f.put("teacher", text(p.path("teacher"), "id", "name"));
        f.put("dataset", text(p.path("dataset"), "id", "name"));
        f.put("subject", statement.at("/subject/0/name").asText(null));
        f.put("subject_digest", "sha256:" + statement.at("/subject/0/digest/sha256").asText());
        f.put("predicate_type", statement.path("predicateType").asText(Statements.PREDICATE_TYPE));
        f.put("keyid", c.keyid);
        f.put("issued_at", c.issuedAt.toInstant().toString());
        f.put("expires_at", c.expiresAt.toInstant().toString());
        f.put("revoked", String.valueOf(c.revokedAt != null));
        if (c.revokedAt != null) {
            f.put("revoked_at", c.revokedAt.toInstant().toString());
            f.put("revocation_reason", c.revocationReason);
        }
        f.values().removeIf(v -> v == null || v.isEmpty());
        return f;
    }

    /** A YAML front-matter block and a short Markdown section for the model's Hugging Face README. */
    public String huggingFace(CertificateEntity c) {
        Map<String, String> f = fields(c);
        Map<String, Object> frontMatter = new LinkedHashMap<>();
        Map<String, Object> traittrace = new LinkedHashMap<>(f);
        traittrace.put("revoked", c.revokedAt != null);
        if (f.containsKey("subject_evaluated")) {
            traittrace.put("subject_evaluated", Boolean.parseBoolean(f.get("subject_evaluated")));
        }
        frontMatter.put("traittrace", traittrace);
        String yaml;
        try {
            yaml = YAML.writeValueAsString(frontMatter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        JsonNode statement = statement(c);
        JsonNode p = statement.path("predicate");
        String revoked = c.revokedAt != null ? " — **revoked**: " + markdownText(c.revocationReason) : "";
        StringBuilder md = new StringBuilder();
        md.append("---\n").append(yaml).append("---\n\n");
        if (pipelineCheck(statement)) {
            md.append("## TraitTrace pipeline check (not an audit of this model)\n\n");
            md.append("**").append(capitalise(PIPELINE_CHECK_NOTE)).append(".**").append(revoked).append("\n\n");
            md.append("- What was tested: the audit method itself, protocol ").append(f.get("protocol")).append(" (probe spec `")
                    .append(f.get("subject")).append("`, digest `").append(f.get("subject_digest")).append("`), on the probe's own task;")
                    .append(" arms ").append(String.join(", ", arms(p))).append('\n');
            md.append("- Outcome of the check: ").append(c.verdict).append(" (rule: ").append(f.getOrDefault("rule", "")).append(")\n");
            md.append("- Requested for ").append(code(f.getOrDefault("requested_for", c.modelName))).append(" (")
                    .append(code(f.getOrDefault("requested_for_digest", c.modelDigest)))
                    .append("): not loaded, not evaluated; this certificate says nothing about that model\n");
            powerLine(md, f);
            md.append("- Certificate: [").append(c.id).append("](").append(url(c)).append(") (Sigstore bundle, in-toto statement of type `")
                    .append(Statements.PIPELINE_CHECK_PREDICATE_TYPE).append("`, key `").append(c.keyid, 0, 16).append("…`), valid until ")
                    .append(f.get("expires_at")).append("\n\n");
            md.append("Verify offline: `traittrace-verify --bundle certificate.json --key traittrace.pub.pem --no-digest --require-scope pipeline-check`\n");
            return md.toString();
        }
        String scope = f.get("scope");
        md.append("## Subliminal-learning audit (TraitTrace)\n\n");
        md.append("**Verdict: ").append(c.verdict).append("**").append(revoked).append("\n\n");
        md.append("- Rule: ").append(f.getOrDefault("rule", "")).append('\n');
        if ("NO_TRANSFER_DETECTED".equals(c.verdict)) {
            md.append("- What the verdict means: ").append(NO_TRANSFER_MEANING).append('\n');
        }
        powerLine(md, f);
        md.append("- Scope: ").append(scope).append(switch (scope) {
            case "subject-evaluated" -> Boolean.parseBoolean(f.get("subject_evaluated"))
                    ? " — the weights with the subject digest below were loaded and evaluated"
                    : " — the subject's weights were not among what the probe loaded";
            case "self-attested" -> " — the test ran in a container the requester supplied"
                    + (Boolean.parseBoolean(f.get("subject_evaluated")) ? "; it loaded the subject's weights"
                            : "; the subject's weights were not among what it reported loading");
            default -> " — issued before certificates stated their scope";
        }).append('\n');
        md.append("- What was tested: protocol ").append(f.get("protocol")).append("; student ").append(code(c.modelName));
        if (f.containsKey("dataset")) {
            md.append(" trained on dataset ").append(code(f.get("dataset")));
        }
        if (f.containsKey("teacher")) {
            md.append(" generated by teacher ").append(code(f.get("teacher")));
        }
        md.append("; arms ").append(String.join(", ", arms(p))).append('\n');
        md.append("- Certificate: [").append(c.id).append("](").append(url(c)).append(") (Sigstore bundle, in-toto statement, key `")
                .append(c.keyid, 0, 16).append("…`), valid until ").append(f.get("expires_at")).append('\n');
        md.append("- Subject digest (OpenSSF model-signing directory digest): `").append(f.get("subject_digest")).append("`\n\n");
        md.append("Verify offline: `traittrace-verify --bundle certificate.json --key traittrace.pub.pem --model-dir .")
                .append(scope.equals("not stated") ? "" : " --require-scope " + scope).append("`\n");
        return md.toString();
    }

    /**
     * A lineage name as a Markdown code span, whatever it contains: line breaks become spaces (a name cannot start a heading,
     * list or link on a line of its own) and the backtick fence is longer than any backtick run inside, so the span cannot be
     * closed early; HTML and link syntax inside a code span render as text.
     */
    static String code(String value) {
        String flat = value.replaceAll("[\\s\\p{Cntrl}]+", " ");
        int longest = 0;
        for (Matcher run = BACKTICKS.matcher(flat); run.find();) {
            longest = Math.max(longest, run.group().length());
        }
        String fence = "`".repeat(longest + 1);
        String pad = flat.startsWith("`") || flat.endsWith("`") || flat.startsWith(" ") && flat.endsWith(" ") ? " " : "";
        return fence + pad + flat + pad + fence;
    }

    private static final Pattern BACKTICKS = Pattern.compile("`+");

    /** Free text (a revocation reason) as Markdown text: one line, and every character Markdown or HTML would act on escaped. */
    static String markdownText(String value) {
        String flat = value.replaceAll("[\\s\\p{Cntrl}]+", " ");
        StringBuilder out = new StringBuilder(flat.length());
        flat.codePoints().forEach(cp -> {
            if ("\\`*_{}[]()<>#+-.!|~&".indexOf(cp) >= 0) {
                out.append('\\');
            }
            out.appendCodePoint(cp);
        });
        return out.toString();
    }

    private static void powerLine(StringBuilder md, Map<String, String> f) {
        if (f.containsKey("power")) {
            md.append("- Power: ").append(f.get("power"));
            if (f.containsKey("minimum_detectable_effect")) {
                md.append("; minimum detectable effect ").append(f.get("minimum_detectable_effect"));
            }
            md.append('\n');
        }
    }

    /** "0.97 at margin 0.1 (alpha 0.01; planned 0.93)": the power this audit achieved at its declared margin. */
    static String power(JsonNode power) {
        if (!power.isObject() || !(power.path("observedPower").isNumber() || power.path("plannedPower").isNumber())) {
            return null;
        }
        boolean observed = power.path("observedPower").isNumber();
        StringBuilder s = new StringBuilder();
        s.append(observed ? twoPlaces(power.get("observedPower")) + " achieved" : twoPlaces(power.get("plannedPower")) + " planned");
        if (power.path("margin").isNumber()) {
            s.append(" at margin ").append(power.get("margin").asText());
        }
        List<String> more = new ArrayList<>();
        if (power.path("alpha").isNumber()) {
            more.add("alpha " + power.get("alpha").asText());
        }
        if (power.path("seeds").isNumber()) {
            more.add(power.get("seeds").asText() + " seeds");
        }
        if (observed && power.path("plannedPower").isNumber()) {
            more.add("planned " + twoPlaces(power.get("plannedPower")));
        }
        if (!more.isEmpty()) {
            s.append(" (").append(String.join(", ", more)).append(')');
        }
        return s.toString();
    }

    /** "0.071 achieved (planned 0.087)": the smallest effect this audit could detect at the target power. */
    static String mde(JsonNode power) {
        if (!power.isObject() || !(power.path("observedMde").isNumber() || power.path("plannedMde").isNumber())) {
            return null;
        }
        if (power.path("observedMde").isNumber()) {
            return power.get("observedMde").asText() + " achieved"
                    + (power.path("plannedMde").isNumber() ? " (planned " + power.get("plannedMde").asText() + ")" : "");
        }
        return power.get("plannedMde").asText() + " planned";
    }

    private static String twoPlaces(JsonNode probability) {
        return String.format(java.util.Locale.ROOT, "%.2f", probability.asDouble());
    }

    private static boolean pipelineCheck(JsonNode statement) {
        return Statements.PIPELINE_CHECK_PREDICATE_TYPE.equals(statement.path("predicateType").asText());
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static final String BEGIN = "<!-- traittrace:begin -->";
    static final String END = "<!-- traittrace:end -->";

    /**
     * A Hugging Face README with the certificate merged in, ready to commit: the {@code traittrace:} key of
     * the YAML front matter is set (other metadata kept; front matter created if absent) and the section
     * between the traittrace markers is replaced (appended if absent). Applying it twice changes nothing.
     */
    public String patchReadme(String readme, CertificateEntity c) {
        String card = huggingFace(c);
        String[] parts = card.split("---\n", 3); // "", yaml, markdown
        String section = BEGIN + "\n" + parts[2].strip() + "\n" + END + "\n";
        String text = readme == null ? "" : readme.replace("\r\n", "\n");
        com.fasterxml.jackson.databind.node.ObjectNode meta = YAML.createObjectNode();
        String body = text;
        if (text.startsWith("---\n")) {
            int end = text.indexOf("\n---", 4);
            if (end > 0) {
                try {
                    JsonNode parsed = YAML.readTree(text.substring(4, end + 1));
                    if (parsed != null && parsed.isObject()) {
                        meta = (com.fasterxml.jackson.databind.node.ObjectNode) parsed;
                    }
                } catch (JsonProcessingException e) {
                    throw new ReportProblem(422, "Unprocessable README", "The README's YAML front matter does not parse: "
                            + e.getOriginalMessage(), List.of());
                }
                int after = text.indexOf('\n', end + 4);
                body = after < 0 ? "" : text.substring(after + 1);
            }
        }
        try {
            meta.set("traittrace", YAML.readTree(parts[1]).get("traittrace"));
            String yaml = YAML.writeValueAsString(meta);
            int from = body.indexOf(BEGIN);
            // The last marker: a lineage name quoted in the old section may itself spell the end marker.
            int to = body.lastIndexOf(END);
            String newBody;
            if (from >= 0 && to > from) {
                int cut = to + END.length();
                if (cut < body.length() && body.charAt(cut) == '\n') {
                    cut++;
                }
                newBody = body.substring(0, from) + section + body.substring(cut);
            } else {
                newBody = body.isEmpty() ? section : body.stripTrailing() + "\n\n" + section;
            }
            return "---\n" + yaml + "---\n" + newBody;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Tag(String key, String value) {
    }

    /** MLflow model-version tags ({@code POST /api/2.0/mlflow/model-versions/set-tag}), cut to MLflow's limits. */
    public List<Tag> mlflowTags(CertificateEntity c) {
        List<Tag> tags = new ArrayList<>();
        fields(c).forEach((k, v) -> tags.add(tag("traittrace." + k, v)));
        return tags;
    }

    static Tag tag(String key, String value) {
        if (key.getBytes(StandardCharsets.UTF_8).length > MLFLOW_MAX_KEY_BYTES) {
            throw new IllegalArgumentException("MLflow tag key over " + MLFLOW_MAX_KEY_BYTES + " bytes: " + key);
        }
        return new Tag(key, cut(value, MLFLOW_MAX_VALUE_BYTES));
    }

    /** Cuts to at most {@code max} UTF-8 bytes on a code-point boundary, marking the cut with "…". */
    static String cut(String value, int max) {
        if (value.getBytes(StandardCharsets.UTF_8).length <= max) {
            return value;
        }
        int budget = max - "…".getBytes(StandardCharsets.UTF_8).length;
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < value.length();) {
            int cp = value.codePointAt(i);
            int bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + bytes > budget) {
                break;
            }
            out.appendCodePoint(cp);
            used += bytes;
            i += Character.charCount(cp);
        }
        return out.append('…').toString();
    }

    private static List<String> arms(JsonNode p) {
        List<String> arms = new ArrayList<>();
        p.path("arms").properties().forEach(e -> arms.add(e.getKey() + " (mean " + e.getValue().path("mean").asText() + ", n "
                + e.getValue().path("n").asText() + ")"));
        return arms;
    }

    private static String text(JsonNode node, String... fields) {
        for (String field : fields) {
            if (node.path(field).isTextual()) {
                return node.get(field).asText();
            }
        }
        return null;
    }

    private static JsonNode statement(CertificateEntity c) {
        try {
            return Canonical.JSON.readTree(c.statement);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
