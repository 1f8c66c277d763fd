package io.traittrace.lineage.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
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
 * <p>Each distinct hop chain is reported once, through the shortest base path. Cycles through training
 * data (A trained on B's data, B on A's) end the chain instead of looping. One analyzer memoises per teacher,
 * so analysing many models over one loaded region costs each teacher once.
 */
public final class ExposureAnalyzer {

    private final LineageGraph graph;
    private final InitClasses initClasses;
    private final Map<String, List<ExposurePath>> memo = new HashMap<>();
    private final Set<String> inProgress = new HashSet<>();

    public ExposureAnalyzer(LineageGraph graph, InitClasses initClasses) {
        this.graph = graph;
        this.initClasses = initClasses;
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

    private record Visit(String model, List<Step> prefix) {
    }

    private List<ExposurePath> compute(String model) {
        Map<List<Hop>, ExposurePath> byHops = new LinkedHashMap<>();
        Set<String> visited = new HashSet<>();
        Deque<Visit> queue = new ArrayDeque<>();
        queue.add(new Visit(model, List.of(Step.start(model))));
        visited.add(model);
        // Breadth-first over bases, so the first path to each ancestor is a shortest one.
        while (!queue.isEmpty()) {
            Visit visit = queue.poll();
            for (LineageGraph.TrainingData data : graph.trainingData(visit.model())) {
                collect(visit, data, byHops);
            }
            for (LineageGraph.BaseEdge edge : graph.bases(visit.model())) {
                if (visited.add(edge.base())) {
                    queue.add(new Visit(edge.base(), append(visit.prefix(), Step.base(edge.base(), edge.relation()))));
                }
            }
        }
        List<ExposurePath> result = new ArrayList<>(byHops.values());
        result.sort(Comparator.comparing(ExposurePath::level).reversed()
                .thenComparingInt(p -> p.steps().size()));
        return List.copyOf(result);
    }

    private void collect(Visit visit, LineageGraph.TrainingData data, Map<List<Hop>, ExposurePath> byHops) {
        List<Step> toDataset = append(visit.prefix(), Step.trainedOn(data.dataset()));
        if (data.generator() == null) {
            if (data.origin() == DatasetOrigin.UNKNOWN) {
                Hop hop = new Hop(visit.model(), data.dataset(), null);
                keepShortest(byHops, new ExposurePath(ExposureLevel.UNKNOWN, List.of(hop), toDataset));
            }
            return;
        }
        String teacher = data.generator();
        Hop hop = new Hop(visit.model(), data.dataset(), teacher);
        ExposureLevel hopLevel = initClasses.shareInit(graph.roots(visit.model()), graph.roots(teacher))
                ? ExposureLevel.SAME_INIT
                : ExposureLevel.CROSS_FAMILY;
        List<Step> toTeacher = append(toDataset, Step.generatedBy(teacher));
        keepShortest(byHops, new ExposurePath(hopLevel, List.of(hop), toTeacher));

        for (ExposurePath upstream : exposures(teacher)) {
            if (upstream.hops().stream().anyMatch(h -> h.key().equals(hop.key()))) {
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

    private static List<Step> append(List<Step> prefix, Step step) {
        List<Step> steps = new ArrayList<>(prefix.size() + 1);
        steps.addAll(prefix);
        steps.add(step);
        return steps;
    }
}
