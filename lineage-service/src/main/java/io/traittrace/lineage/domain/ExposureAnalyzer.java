package io.traittrace.lineage.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the exposures of a model: each dataset the model or any ancestor was trained on, graded by whether
 * its generator shares an init with the model that was trained on it; and, transitively, the teacher's own
 * exposures (a teacher that acquired a trait subliminally passes it on: multi-hop teacher chains).
 *
 * <p>The paths multiply hop by hop (a model trained on n datasets of a teacher trained on n datasets of another has
 * n^2 paths to the second), so each (source, level) is kept once, as an {@link Exposure}: the shortest path and a
 * count of the others, added up rather than listed. A model's exposures are its own training data's and its bases'
 * exposures, one step longer; so one analyzer memoises every model it analyses, and exposures already known for
 * models this analysis does not change ({@code settled}, e.g. the stored rows of a new model's bases and teachers)
 * are used as they are instead of walking the graph above them. Cycles through training data (A trained on B's
 * data, B on A's) end the chain instead of looping; the routes round such a cycle are not counted.
 *
 * <p>Every candidate exposure weighed counts against a budget; past it the analysis stops with
 * {@link ExposureBudgetExceeded}, so one write's analysis costs at most that much whatever the graph.
 */
public final class ExposureAnalyzer {

    private static final Comparator<Exposure> STRONGEST_SHORTEST_FIRST = Comparator
            .comparing(Exposure::level).reversed()
            .thenComparing(Exposure::path, ExposurePath.SHORTEST_FIRST);

    private final LineageGraph graph;
    private final InitClasses initClasses;
    private final Map<String, List<Exposure>> memo;
    private final Set<String> inProgress = new HashSet<>();
    private final long budget;
    private long weighed;

    public ExposureAnalyzer(LineageGraph graph, InitClasses initClasses) {
        this(graph, initClasses, Map.of(), Long.MAX_VALUE);
    }

    public ExposureAnalyzer(LineageGraph graph, InitClasses initClasses, Map<String, List<Exposure>> settled, long budget) {
        this.graph = graph;
        this.initClasses = initClasses;
        this.memo = new HashMap<>(settled);
        this.budget = budget;
    }

    /** The overall level: the strongest over all exposures, NONE when there are none. */
    public static ExposureLevel levelOf(Collection<Exposure> exposures) {
        return exposures.stream().map(Exposure::level).reduce(ExposureLevel.NONE, ExposureLevel::strongest);
    }

    /** How many candidate exposures this analysis has weighed so far. */
    public long weighed() {
        return weighed;
    }

    /** The model's exposures, strongest first, then shortest first. */
    public List<Exposure> exposures(String model) {
        List<Exposure> known = memo.get(model);
        if (known != null) {
            return known;
        }
        if (!inProgress.add(model)) {
            return List.of(); // a training-data cycle: this model's exposures are being computed further up
        }
        List<Exposure> result = compute(model);
        inProgress.remove(model);
        memo.put(model, result);
        return result;
    }

    private List<Exposure> compute(String model) {
        Map<String, Exposure> byKey = new LinkedHashMap<>();
        for (LineageGraph.TrainingData data : graph.trainingData(model)) {
            collect(model, data, byKey);
        }
        for (LineageGraph.BaseEdge edge : graph.bases(model)) {
            Step viaBase = Step.base(edge.base(), edge.relation());
            for (Exposure inherited : exposures(edge.base())) {
                List<Step> tail = inherited.path().steps().subList(1, inherited.path().steps().size());
                List<Step> steps = new ArrayList<>(tail.size() + 2);
                steps.add(Step.start(model));
                steps.add(viaBase);
                steps.addAll(tail);
                weigh(byKey, new Exposure(new ExposurePath(inherited.level(), inherited.path().hops(), steps), inherited.otherPaths()));
            }
        }
        List<Exposure> result = new ArrayList<>(byKey.values());
        result.sort(STRONGEST_SHORTEST_FIRST);
        return List.copyOf(result);
    }

    private void collect(String model, LineageGraph.TrainingData data, Map<String, Exposure> byKey) {
        if (data.generator() == null) {
            if (data.origin() == DatasetOrigin.UNKNOWN) {
                Hop hop = new Hop(model, data.dataset(), null);
                weigh(byKey, Exposure.only(new ExposurePath(ExposureLevel.UNKNOWN, List.of(hop),
                        List.of(Step.start(model), Step.trainedOn(data.dataset())))));
            }
            return;
        }
        String teacher = data.generator();
        Hop hop = new Hop(model, data.dataset(), teacher);
        ExposureLevel hopLevel = initClasses.shareInit(graph.roots(model), graph.roots(teacher))
                ? ExposureLevel.SAME_INIT
                : ExposureLevel.CROSS_FAMILY;
        List<Step> toTeacher = List.of(Step.start(model), Step.trainedOn(data.dataset()), Step.generatedBy(teacher));
        weigh(byKey, Exposure.only(new ExposurePath(hopLevel, List.of(hop), toTeacher)));

        for (Exposure upstream : exposures(teacher)) {
            if (upstream.path().hops().contains(hop)) {
                continue; // the chain would revisit this hop
            }
            List<Hop> hops = new ArrayList<>(upstream.path().hops().size() + 1);
            hops.add(hop);
            hops.addAll(upstream.path().hops());
            List<Step> steps = new ArrayList<>(toTeacher);
            steps.addAll(upstream.path().steps().subList(1, upstream.path().steps().size()));
            weigh(byKey, new Exposure(new ExposurePath(hopLevel.weakest(upstream.level()), hops, steps), upstream.otherPaths()));
        }
    }

    private void weigh(Map<String, Exposure> byKey, Exposure candidate) {
        if (++weighed > budget) {
            throw new ExposureBudgetExceeded(budget);
        }
        // Keyed by source and level as Exposure#key is, without hashing every candidate.
        byKey.merge(candidate.path().source() + "|" + candidate.level(), candidate, Exposure::combine);
    }
}
