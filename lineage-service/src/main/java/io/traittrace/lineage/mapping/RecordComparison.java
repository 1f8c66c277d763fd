package io.traittrace.lineage.mapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.traittrace.api.problem.ProblemKind;
import io.traittrace.lineage.domain.Commands.NewDataset;
import io.traittrace.lineage.domain.Commands.NewModel;
import io.traittrace.lineage.domain.Commands.NewTrainingRun;
import io.traittrace.service.rest.ApiProblem;

/**
 * Whether two posts of one id hold the same record: the same one posted again (accepted, nothing changes) or
 * conflicting content (refused; lineage records are immutable). Names compare stripped, digests with or without
 * {@code sha256:}, bases and input datasets as sets, JSON objects by content whatever their key order.
 */
@ApplicationScoped
public class RecordComparison {

    private final ObjectMapper canonical;

    public RecordComparison(ObjectMapper mapper) {
        this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    public boolean sameModel(NewModel a, NewModel b) {
        return modelDifferences(a, b).isEmpty();
    }

    /** The fields in which two posts of a model differ, to tell the caller what conflicts. */
    public List<String> modelDifferences(NewModel a, NewModel b) {
        List<String> differences = new ArrayList<>();
        if (!a.name().strip().equals(b.name().strip())) {
            differences.add("name");
        }
        if (!Objects.equals(a.uri(), b.uri())) {
            differences.add("uri");
        }
        if (!Objects.equals(a.revision(), b.revision())) {
            differences.add("revision");
        }
        if (!Objects.equals(EntityMapper.normalDigest(a.digest()), EntityMapper.normalDigest(b.digest()))) {
            differences.add("digest");
        }
        if (!new HashSet<>(a.basesOrEmpty()).equals(new HashSet<>(b.basesOrEmpty()))) {
            differences.add("bases");
        }
        return differences;
    }

    public boolean sameDataset(NewDataset a, NewDataset b) {
        return a.name().strip().equals(b.name().strip())
                && Objects.equals(EntityMapper.normalDigest(a.digest()), EntityMapper.normalDigest(b.digest()))
                && Objects.equals(a.rows(), b.rows())
                && Objects.equals(a.generatedBy(), b.generatedBy())
                && EntityMapper.originOf(a) == EntityMapper.originOf(b)
                && canonicalJson(a.generation()).equals(canonicalJson(b.generation()));
    }

    public boolean sameRun(NewTrainingRun a, NewTrainingRun b) {
        return a.output().equals(b.output()) && a.method().equals(b.method())
                && new HashSet<>(a.datasets()).equals(new HashSet<>(b.datasets()))
                && canonicalJson(a.hyperparameters()).equals(canonicalJson(b.hyperparameters()));
    }

    private String canonicalJson(Map<String, Object> value) {
        if (value == null || value.isEmpty()) {
            return "{}";
        }
        try {
            return canonical.writeValueAsString(new TreeMap<>(value));
        } catch (JsonProcessingException e) {
            throw new ApiProblem(ProblemKind.INVALID_REQUEST, "Not serialisable as JSON: " + e.getOriginalMessage(), List.of());
        }
    }
}
