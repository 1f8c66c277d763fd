package io.traittrace.lineage.repository;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.traittrace.lineage.domain.Exposure;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.lineage.domain.ExposurePath;
import io.traittrace.lineage.domain.Step;
import io.traittrace.service.repository.Sql;
import io.traittrace.service.repository.Sql.Column;

/**
 * Materialised exposures, one row per model, source and level: the shortest path and how many other paths reach that
 * source at that level (see {@link Exposure}).
 */
@ApplicationScoped
public class ExposureRepository {

    private static final TypeReference<List<Step>> STEPS = new TypeReference<>() {
    };
    private static final String COLUMNS = """
            organization, model_id, path_key, level, trained_model, dataset_id, teacher_id, hop_count, CAST(path AS text), detected_at,
            other_paths""";
    /** Levels by strength (the column holds their names, whose text order is not their strength). */
    private static final String STRENGTH = "CASE level WHEN 'SAME_INIT' THEN 3 WHEN 'UNKNOWN' THEN 2 ELSE 1 END";

    private final ObjectMapper mapper;

    public ExposureRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A stored exposure of {@code model}, a model of {@code organization} (the row's and its event's organisation). */
    public record StoredExposure(String organization, String model, String pathKey, ExposureLevel level, String trainedModel, String dataset,
            String teacher, int hopCount, List<Step> steps, OffsetDateTime detectedAt, long otherPaths) {

        public static StoredExposure of(String organization, String model, Exposure exposure, OffsetDateTime detectedAt) {
            ExposurePath path = exposure.path();
            return new StoredExposure(organization, model, exposure.key(), exposure.level(), path.trainedModel(), path.dataset(),
                    path.teacher(), path.hops().size(), path.steps(), detectedAt, exposure.otherPaths());
        }

        /** The same exposure represented by the same path and count. */
        public boolean sameAs(StoredExposure other) {
            return level == other.level && steps.equals(other.steps) && otherPaths == other.otherPaths;
        }
    }

    /** An exposed model in a listing: its newest detection and how many paths reach it at the level asked for. */
    public record ExposedModel(String model, long paths, OffsetDateTime lastDetectedAt) {
    }

    /** A model's exposure rows: how many, and the strongest level among them. */
    public record Summary(long total, ExposureLevel level) {
    }

    /** model → path key → stored row, for the given models of {@code organization}. */
    public Uni<Map<String, Map<String, StoredExposure>>> byKey(String organization, Collection<String> models) {
        return Sql.rows("SELECT " + COLUMNS + " FROM exposure WHERE organization = :org AND model_id = ANY(CAST(:ids AS text[]))",
                Map.of("org", organization, "ids", Sql.textArray(models)))
                .map(rows -> {
                    Map<String, Map<String, StoredExposure>> result = new HashMap<>();
                    rows.stream().map(this::stored)
                            .forEach(row -> result.computeIfAbsent(row.model(), k -> new HashMap<>()).put(row.pathKey(), row));
                    return result;
                });
    }

    /**
     * The stored exposures of each given model of one view ({@code organizations}: an organisation and the public
     * catalogue, where an id names one model); a model without any maps to an empty list.
     */
    public Uni<Map<String, List<Exposure>>> exposuresOf(Collection<String> organizations, Collection<String> models) {
        if (models.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Sql.rows("""
                SELECT model_id, level, CAST(path AS text), other_paths FROM exposure
                 WHERE organization = ANY(CAST(:orgs AS text[])) AND model_id = ANY(CAST(:ids AS text[]))""",
                Map.of("orgs", Sql.textArray(organizations), "ids", Sql.textArray(models)))
                .map(rows -> {
                    Map<String, List<Exposure>> result = new HashMap<>();
                    models.forEach(model -> result.put(model, new ArrayList<>()));
                    rows.forEach(row -> result.get((String) row[0]).add(new Exposure(
                            ExposurePath.ofSteps(ExposureLevel.valueOf((String) row[1]), steps((String) row[2])),
                            ((Number) row[3]).longValue())));
                    return result;
                });
    }

    public Uni<Void> insert(List<StoredExposure> exposures) {
        List<Object[]> rows = new ArrayList<>(exposures.size());
        for (StoredExposure e : exposures) {
            rows.add(new Object[] { e.organization(), e.model(), e.pathKey(), e.level().name(), e.trainedModel(), e.dataset(), e.teacher(),
                    e.hopCount(), json(e.steps()), e.detectedAt(), e.otherPaths() });
        }
        return Sql.insertRows("exposure", List.of(new Column("organization", "text"), new Column("model_id", "text"), new Column("path_key", "text"),
                new Column("level", "text"), new Column("trained_model", "text"), new Column("dataset_id", "text"),
                new Column("teacher_id", "text"), new Column("hop_count", "int"), new Column("path", "jsonb"),
                new Column("detected_at", "timestamptz"), new Column("other_paths", "bigint")), rows, "");
    }

    /** Deletes the given rows (by model and path key) in one statement. */
    public Uni<Void> delete(List<StoredExposure> exposures) {
        if (exposures.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Sql.update("""
                DELETE FROM exposure e
                 USING unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS text[])) AS d(organization, model_id, path_key)
                 WHERE e.organization = d.organization AND e.model_id = d.model_id
                   AND e.path_key = CAST(d.path_key AS char(64))""",
                List.<Object>of(Sql.textArray(exposures.stream().map(StoredExposure::organization).toList()),
                        Sql.textArray(exposures.stream().map(StoredExposure::model).toList()),
                        Sql.textArray(exposures.stream().map(StoredExposure::pathKey).toList())))
                .replaceWithVoid();
    }

    public Uni<Summary> summary(String organization, String model) {
        return Sql.rows("SELECT count(*), max(" + STRENGTH + ") FROM exposure WHERE organization = :org AND model_id = :id",
                Map.of("org", organization, "id", model))
                .map(rows -> {
                    Object[] row = rows.get(0);
                    long total = ((Number) row[0]).longValue();
                    ExposureLevel level = row[1] == null ? ExposureLevel.NONE
                            : switch (((Number) row[1]).intValue()) {
                                case 3 -> ExposureLevel.SAME_INIT;
                                case 2 -> ExposureLevel.UNKNOWN;
                                default -> ExposureLevel.CROSS_FAMILY;
                            };
                    return new Summary(total, level);
                });
    }

    /** One page of a model's exposures: strongest first, then fewest hops. */
    public Uni<List<StoredExposure>> forModel(String organization, String model, int offset, int limit) {
        return Sql.rows("SELECT " + COLUMNS + " FROM exposure WHERE organization = :org AND model_id = :id ORDER BY " + STRENGTH
                + " DESC, hop_count, detected_at, path_key OFFSET :offset LIMIT :limit",
                Map.of("org", organization, "id", model, "offset", offset, "limit", limit))
                .map(rows -> rows.stream().map(this::stored).toList());
    }

    /** One page of the models of {@code organizations} exposed at {@code level} (one view: an id names one model). */
    public Uni<List<ExposedModel>> exposedModels(Collection<String> organizations, ExposureLevel level, int offset, int limit) {
        return Sql.rows("""
                SELECT model_id, LEAST(sum(other_paths + 1), :most), max(detected_at) AS last FROM exposure
                 WHERE organization = ANY(CAST(:orgs AS text[])) AND level = :level
                 GROUP BY model_id ORDER BY last DESC, model_id OFFSET :offset LIMIT :limit""",
                Map.of("orgs", Sql.textArray(organizations), "level", level.name(), "most", Exposure.MAX_COUNTED,
                        "offset", offset, "limit", limit))
                .map(rows -> rows.stream()
                        .map(row -> new ExposedModel((String) row[0], ((Number) row[1]).longValue(), timestamp(row[2])))
                        .toList());
    }

    public Uni<Long> countExposedModels(Collection<String> organizations, ExposureLevel level) {
        return Sql.column("SELECT count(DISTINCT model_id) FROM exposure WHERE organization = ANY(CAST(:orgs AS text[]))"
                + " AND level = :level", Long.class, Map.of("orgs", Sql.textArray(organizations), "level", level.name()))
                .map(list -> list.get(0));
    }

    private StoredExposure stored(Object[] row) {
        return new StoredExposure((String) row[0], (String) row[1], ((String) row[2]).trim(), ExposureLevel.valueOf((String) row[3]),
                (String) row[4], (String) row[5], (String) row[6], ((Number) row[7]).intValue(),
                steps((String) row[8]), timestamp(row[9]), ((Number) row[10]).longValue());
    }

    private List<Step> steps(String json) {
        try {
            return mapper.readValue(json, STEPS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored exposure path is not valid JSON", e);
        }
    }

    private String json(List<Step> steps) {
        try {
            return mapper.writeValueAsString(steps);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime timestamp(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(java.time.ZoneOffset.UTC);
        }
        if (value instanceof java.time.LocalDateTime ldt) {
            return ldt.atOffset(java.time.ZoneOffset.UTC);
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass());
    }
}
