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
 * Finds every exposure of a model: each dataset the model or any ancestor was trained on, graded by whether
 * its generator shares an init with the model that was trained on it; and, transitively, the teacher's own
 * exposures (a teacher that acquired a trait subliminally passes it on: multi-hop teacher chains).
 *
 * <p>Each distinct hop chain is reported once, through the shortest base path (of equal ones, the one through the
 * earliest-declared bases). A model's exposures are its own training data's and its bases' exposures, one base
 * step longer; so one analyzer memoises every model it analyses, and exposures already known for models this
 * analysis does not change ({@code settled}, e.g. the stored rows of a new model's bases and teachers) are used
 * as they are instead of walking the graph above them. Cycles through training data (A trained on B's data, B on
 * A's) end the chain instead of looping.
 */
public final class ExposureAnalyzer {

    private final LineageGraph graph;
    private final InitClasses initClasses;
    private final Map<String, List<ExposurePath>> memo;
    private final Set<String> inProgress = new HashSet<>();

    public ExposureAnalyzer(LineageGraph graph, InitClasses initClasses) {
        this(graph, initClasses, Map.of());
    }

    public ExposureAnalyzer(LineageGraph graph, InitClasses initClasses, Map<String, List<ExposurePath>> settled) {
        this.graph = graph;
        this.initClasses = initClasses;
        this.memo = new HashMap<>(settled);
    }

    /** The overall level: the strongest over all paths, NONE when there are none. */
    public static ExposureLevel levelOf(Collection<ExposurePath> paths) {
        return paths.stream().map(ExposurePath::level).reduce(ExposureLevel.NONE, ExposureLevel::strongest);
    }

    public List<ExposurePath> exposures(String model) {
        List<ExposurePath> known = memo.get(model);
        if (known != null) {
            return known;
        }
        if (!inProgress.add(model)) {
            return List.of(); // a training-data cycle: this model's exposures are being computed further up
        }
        List<ExposurePath> result = compute(model);
        inProgress.remove(model);
        memo.put(model, result);
        return result;
    }

    private List<ExposurePath> compute(String model) {
        Map<List<Hop>, ExposurePath> byHops = new LinkedHashMap<>();
        for (LineageGraph.TrainingData data : graph.trainingData(model)) {
            collect(model, data, byHops);
        }
        // Bases in declaration order, and a tie keeps the path found first: the same path a breadth-first walk
        // over the bases would find first.
        for (LineageGraph.BaseEdge edge : graph.bases(model)) {
            Step viaBase = Step.base(edge.base(), edge.relation());
            for (ExposurePath inherited : exposures(edge.base())) {
                List<Step> tail = inherited.steps().subList(1, inherited.steps().size());
                List<Step> steps = new ArrayList<>(tail.size() + 2);
                steps.add(Step.start(model));
                steps.add(viaBase);
                steps.addAll(tail);
                keepShortest(byHops, new ExposurePath(inherited.level(), inherited.hops(), steps));
            }
        }
        List<ExposurePath> result = new ArrayList<>(byHops.values());
        result.sort(Comparator.comparing(ExposurePath::level).reversed()
                .thenComparingInt(p -> p.steps().size()));
        return List.copyOf(result);
    }

    private void collect(String model, LineageGraph.TrainingData data, Map<List<Hop>, ExposurePath> byHops) {
        if (data.generator() == null) {
            if (data.origin() == DatasetOrigin.UNKNOWN) {
                Hop hop = new Hop(model, data.dataset(), null);
                keepShortest(byHops, new ExposurePath(ExposureLevel.UNKNOWN, List.of(hop),
                        List.of(Step.start(model), Step.trainedOn(data.dataset()))));
            }
            return;
        }
        String teacher = data.generator();
        Hop hop = new Hop(model, data.dataset(), teacher);
        ExposureLevel hopLevel = initClasses.shareInit(graph.roots(model), graph.roots(teacher))
                ? ExposureLevel.SAME_INIT
                : ExposureLevel.CROSS_FAMILY;
        List<Step> toTeacher = List.of(Step.start(model), Step.trainedOn(data.dataset()), Step.generatedBy(teacher));
        keepShortest(byHops, new ExposurePath(hopLevel, List.of(hop), toTeacher));

        for (ExposurePath upstream : exposures(teacher)) {
            if (upstream.hops().contains(hop)) {
                continue; // the chain would revisit this hop
            }
            List<Hop> hops = new ArrayList<>(upstream.hops().size() + 1);
            hops.add(hop);
            hops.addAll(upstream.hops());
            List<Step> steps = new ArrayList<>(toTeacher);
            steps.addAll(upstream.steps().subList(1, upstream.steps().size()));
            keepShortest(byHops, new ExposurePath(hopLevel.weakest(upstream.level()), hops, steps));
        }
    }

    private static void keepShortest(Map<List<Hop>, ExposurePath> byHops, ExposurePath path) {
        byHops.merge(path.hops(), path, (old, candidate) -> candidate.steps().size() < old.steps().size() ? candidate : old);
    }
}
