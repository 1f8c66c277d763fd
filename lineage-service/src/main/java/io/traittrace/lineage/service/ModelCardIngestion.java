package io.traittrace.lineage.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.yaml.snakeyaml.LoaderOptions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.lineage.domain.Commands;
import io.traittrace.lineage.domain.Ids;
import io.traittrace.lineage.domain.Relation;
import io.traittrace.lineage.domain.TrainingMethod;
import io.traittrace.lineage.repository.DatasetRepository;
import io.traittrace.lineage.repository.ModelRepository;
import io.traittrace.lineage.domain.Commands.BaseRef;
import io.traittrace.lineage.domain.Commands.Import;
import io.traittrace.lineage.domain.Commands.NewModel;
import io.traittrace.lineage.domain.Commands.NewModelCard;
import io.traittrace.lineage.domain.Commands.NewTrainingRun;
import io.traittrace.lineage.service.Views.ModelCardResult;
import io.traittrace.lineage.service.Views.Written;

/**
 * Records a model from its Hugging Face model card: {@code base_model} and {@code base_model_relation} become
 * its bases, {@code datasets} a training run. Every named base and dataset must already be registered.
 */
@ApplicationScoped
public class ModelCardIngestion {

    /** Bounds matching the import rules: a model's bases and a run's datasets. */
    private static final int MAX_BASES = 64;
    private static final int MAX_DATASETS = 1000;
    private static final Pattern CORE_TAG = Pattern.compile("tag:yaml\\.org,2002:(str|int|float|bool|null|seq|map|timestamp)");

    private final LineageWriteService writes;
    private final LineageQueryService queries;
    private final ModelRepository models;
    private final DatasetRepository datasets;
    private final ObjectMapper yaml;

    public ModelCardIngestion(LineageWriteService writes, LineageQueryService queries, ModelRepository models,
            DatasetRepository datasets) {
        this.writes = writes;
        this.queries = queries;
        this.models = models;
        this.datasets = datasets;
        LoaderOptions limits = new LoaderOptions();
        limits.setCodePointLimit(1_000_000);
        this.yaml = new ObjectMapper(YAMLFactory.builder()
                .loaderOptions(limits)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build());
    }

    /** What the front matter says about lineage. */
    private record Card(List<String> baseModels, String relation, List<String> datasets, String modelName) {
    }

    public Uni<Written<ModelCardResult>> ingest(Tenant tenant, NewModelCard submission) {
        Card card = read(submission.card());
        String runId = "card-" + submission.model();
        List<String> errors = new ArrayList<>();
        if (card.baseModels().size() > MAX_BASES) {
            errors.add("base_model: at most " + MAX_BASES + " bases are accepted");
        }
        if (card.datasets().size() > MAX_DATASETS) {
            errors.add("datasets: at most " + MAX_DATASETS + " datasets are accepted");
        }
        if (card.relation() != null && Relation.parse(card.relation()).isEmpty()) {
            errors.add("base_model_relation: must be one of finetune, adapter, quantized, merge");
        }
        if (card.modelName() != null && (card.modelName().isBlank() || card.modelName().length() > 256)) {
            errors.add("model_name: must be 1-256 characters");
        }
        if (!card.datasets().isEmpty() && !Ids.isValid(runId)) {
            errors.add("model: too long to name its training run '" + runId + "' (" + Ids.RULE + ")");
        }
        if (!errors.isEmpty()) {
            throw LineageProblem.invalid("The model card cannot be recorded (" + errors.size() + " problem(s))", errors);
        }
        return Panache.withSession(() -> models.findByHubNames(tenant.readable(), card.baseModels())
                .chain(foundModels -> datasets.findByHubNames(tenant.readable(), card.datasets()).map(foundDatasets -> {
                    List<String> unresolved = new ArrayList<>();
                    List<String> bases = resolve("base_model", "model", card.baseModels(),
                            foundModels.stream().map(m -> new Candidate(m.id, m.name, m.uri)).toList(), unresolved);
                    List<String> trainedOn = resolve("datasets", "dataset", card.datasets(),
                            foundDatasets.stream().map(d -> new Candidate(d.id, d.name, null)).toList(), unresolved);
                    if (!unresolved.isEmpty()) {
                        throw LineageProblem.invalid("The card names models or datasets that are not registered"
                                + " (by id 'org--name', name 'org/name' or uri 'hf://org/name'); register them first", unresolved);
                    }
                    return batch(submission, card, bases, trainedOn, runId);
                })))
                .chain(batch -> writes.importRecords(tenant, batch))
                .chain(result -> queries.model(tenant, submission.model())
                        .map(view -> new Written<>(new ModelCardResult(result, view), result.modelsCreated() == 1)));
    }

    private static Import batch(NewModelCard submission, Card card, List<String> bases, List<String> trainedOn, String runId) {
        String relation = card.relation() != null ? card.relation() : (bases.size() > 1 ? Relation.MERGE : Relation.FINETUNE).wire();
        String name = Optional.ofNullable(submission.name()).or(() -> Optional.ofNullable(card.modelName()))
                .orElse(submission.model().replaceFirst("--", "/"));
        NewModel model = new NewModel(submission.model(), name, submission.uri(), null, submission.digest(),
                bases.stream().map(base -> new BaseRef(base, relation)).toList());
        List<NewTrainingRun> runs = trainedOn.isEmpty() ? List.of()
                : List.of(new NewTrainingRun(runId, submission.model(), trainedOn, TrainingMethod.SFT.wire(),
                        Map.of("source", "model-card")));
        return new Import(List.of(model), null, runs);
    }

    /** A registered record as a hub name may match it. */
    private record Candidate(String id, String name, String uri) {
    }

    /**
     * Resolves each hub name by derived id, else by uri, else by name; a name matched by several records at
     * the same rank is as unresolved as one matched by none.
     */
    private static List<String> resolve(String field, String kind, List<String> hubNames, List<Candidate> found,
            List<String> unresolved) {
        List<String> ids = new ArrayList<>();
        for (String hubName : hubNames) {
            List<Predicate<Candidate>> ranks = List.of(
                    c -> c.id().equals(Ids.fromHubName(hubName)),
                    c -> Objects.equals(c.uri(), "hf://" + hubName),
                    c -> c.name().equals(hubName));
            Set<String> matches = Set.of();
            for (Predicate<Candidate> rank : ranks) {
                matches = found.stream().filter(rank).map(Candidate::id).collect(Collectors.toCollection(LinkedHashSet::new));
                if (!matches.isEmpty()) {
                    break;
                }
            }
            if (matches.size() == 1) {
                ids.add(matches.iterator().next());
            } else if (matches.isEmpty()) {
                unresolved.add(field + ": no registered " + kind + " for '" + hubName + "'");
            } else {
                unresolved.add(field + ": '" + hubName + "' matches several " + kind + "s (" + String.join(", ", matches) + ")");
            }
        }
        return ids;
    }

    // ---- the card ---------------------------------------------------------------------------------------

    private Card read(String text) {
        JsonNode front = parse(frontMatter(text));
        return new Card(names(front, "base_model"), text(front, "base_model_relation"), names(front, "datasets"),
                text(front, "model_name"));
    }

    /** The lines between a first line "---" and the next "---" line. */
    private static String frontMatter(String card) {
        String[] lines = card.replaceFirst("^\uFEFF", "").split("\\R", -1);
        if (!lines[0].stripTrailing().equals("---")) {
            throw LineageProblem.badRequest("The card has no YAML front matter: its first line must be '---'");
        }
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].stripTrailing().equals("---")) {
                return String.join("\n", List.of(lines).subList(1, i));
            }
        }
        throw LineageProblem.badRequest("The card's YAML front matter is not closed by a '---' line");
    }

    private JsonNode parse(String frontMatter) {
        try {
            refuseAliasesAndTags(frontMatter);
            JsonNode node = yaml.readTree(frontMatter);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return yaml.createObjectNode();
            }
            if (!node.isObject()) {
                throw LineageProblem.badRequest("The card's YAML front matter must be a mapping of keys to values");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw LineageProblem.badRequest("The card's YAML front matter is not readable: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw LineageProblem.badRequest("The card's YAML front matter is not readable");
        }
    }

    /**
     * Jackson does not expand aliases (it reads {@code *a} as the string "a"), so SnakeYAML's alias limit never
     * applies; refusing aliases outright stops alias bombs and wrong values alike. Cards need neither aliases
     * nor tags beyond YAML's core schema.
     */
    private void refuseAliasesAndTags(String frontMatter) throws IOException {
        try (YAMLParser parser = (YAMLParser) yaml.getFactory().createParser(frontMatter)) {
            while (parser.nextToken() != null) {
                if (parser.isCurrentAlias()) {
                    throw LineageProblem.badRequest("The card's YAML front matter uses an alias (*"
                            + parser.getText() + "); aliases are not accepted");
                }
                String tag = parser.getTypeId();
                if (tag != null && !CORE_TAG.matcher(tag).matches()) {
                    throw LineageProblem.badRequest("The card's YAML front matter uses the tag '" + tag
                            + "'; only YAML core tags are accepted");
                }
            }
        }
    }

    /** A field holding one hub name or a list of them. */
    private static List<String> names(JsonNode front, String field) {
        JsonNode value = front.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText().strip());
        }
        LineageProblem notNames = LineageProblem.badRequest("The card's '" + field + "' must be a hub name or a list of hub names");
        if (!value.isArray()) {
            throw notNames;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw notNames;
            }
            names.add(item.asText().strip());
        }
        return names;
    }

    private static String text(JsonNode front, String field) {
        JsonNode value = front.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw LineageProblem.badRequest("The card's '" + field + "' must be a string");
        }
        return value.asText().strip();
    }
}
