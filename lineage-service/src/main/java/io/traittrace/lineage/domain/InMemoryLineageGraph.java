package io.traittrace.lineage.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A region of the lineage graph held in memory; built from bulk queries, or by hand in tests. */
public final class InMemoryLineageGraph implements LineageGraph {

    private final Map<String, List<BaseEdge>> bases = new HashMap<>();
    private final Map<String, List<TrainingData>> trainingData = new HashMap<>();
    private final Map<String, Set<String>> roots = new HashMap<>();

    public InMemoryLineageGraph addBase(String model, String base, Relation relation) {
        bases.computeIfAbsent(model, k -> new ArrayList<>()).add(new BaseEdge(base, relation));
        return this;
    }

    public InMemoryLineageGraph addTrainingData(String model, String dataset, String generator, DatasetOrigin origin) {
        trainingData.computeIfAbsent(model, k -> new ArrayList<>()).add(new TrainingData(dataset, generator, origin));
        return this;
    }

    public InMemoryLineageGraph addRoot(String model, String root) {
        roots.computeIfAbsent(model, k -> new LinkedHashSet<>()).add(root);
        return this;
    }

    /** Derives every model's roots from the base edges held here (for hand-built graphs). */
    public InMemoryLineageGraph deriveRoots(Iterable<String> models) {
        for (String model : models) {
            roots.put(model, derive(model, new LinkedHashSet<>()));
        }
        return this;
    }

    private Set<String> derive(String model, Set<String> visiting) {
        List<BaseEdge> declared = bases.getOrDefault(model, List.of());
        if (declared.isEmpty()) {
            return Set.of(model);
        }
        if (!visiting.add(model)) {
            return Set.of();
        }
        Set<String> result = new LinkedHashSet<>();
        declared.forEach(edge -> result.addAll(derive(edge.base(), visiting)));
        visiting.remove(model);
        return result;
    }

    @Override
    public List<BaseEdge> bases(String model) {
        return bases.getOrDefault(model, List.of());
    }

    @Override
    public List<TrainingData> trainingData(String model) {
        return trainingData.getOrDefault(model, List.of());
    }

    @Override
    public Set<String> roots(String model) {
        return roots.getOrDefault(model, Set.of(model));
    }
}
