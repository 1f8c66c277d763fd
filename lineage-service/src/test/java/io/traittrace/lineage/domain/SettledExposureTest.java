package io.traittrace.lineage.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exposure maintenance analyses the models a write affects from their own edges and the stored paths of the
 * models just above them. On random lineage graphs (merges, diamonds, teacher chains, unknown data, an asserted
 * shared init), that must give every model exactly the exposures an analysis of the whole graph gives (the same
 * shortest paths, each through a shortest base route, and the same counts of other paths); and a stored path's steps
 * must give back its hop chain.
 */
class SettledExposureTest {

    private static final Relation[] RELATIONS = Relation.values();

    private record RandomGraph(InMemoryLineageGraph graph, List<String> models, InitClasses classes) {
    }

    private static RandomGraph randomGraph(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        InMemoryLineageGraph graph = new InMemoryLineageGraph();
        List<String> models = new ArrayList<>();
        int roots = 4;
        for (int i = 0; i < 80; i++) {
            String model = "m" + i;
            models.add(model);
            if (i < roots) {
                continue;
            }
            int bases = random.nextInt(10) == 0 ? 2 + random.nextInt(2) : 1; // ~10% merges
            Set<String> chosen = new LinkedHashSet<>();
            for (int b = 0; b < bases; b++) {
                // Half the time the newest models, for deep chains; diamonds appear when a merge picks relatives.
                chosen.add("m" + (random.nextBoolean() ? i - 1 - random.nextInt(Math.min(i, 4)) : random.nextInt(i)));
            }
            chosen.forEach(base -> graph.addBase(model, base, RELATIONS[random.nextInt(RELATIONS.length)]));
            int datasets = random.nextInt(3);
            for (int d = 0; d < datasets; d++) {
                int kind = random.nextInt(10);
                if (kind < 6) {
                    graph.addTrainingData(model, "d" + i + "-" + d, "m" + random.nextInt(i), DatasetOrigin.MODEL);
                } else if (kind < 8) {
                    graph.addTrainingData(model, "d" + i + "-" + d, null, DatasetOrigin.UNKNOWN);
                } else {
                    graph.addTrainingData(model, "d" + i + "-" + d, null, DatasetOrigin.HUMAN);
                }
            }
        }
        graph.deriveRoots(models);
        return new RandomGraph(graph, models, InitClasses.of(List.of(Map.entry("m0", "m1"))));
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8 })
    void analysingFromStoredNeighboursGivesTheWholeGraphsAnswer(long seed) {
        RandomGraph random = randomGraph(seed);
        ExposureAnalyzer whole = new ExposureAnalyzer(random.graph(), random.classes());
        int paths = 0;
        for (String model : random.models()) {
            // What the maintenance loads: the model's own edges and roots, and its bases' and teachers' roots and paths.
            InMemoryLineageGraph own = new InMemoryLineageGraph();
            Map<String, List<Exposure>> settled = new HashMap<>();
            random.graph().roots(model).forEach(root -> own.addRoot(model, root));
            for (LineageGraph.BaseEdge edge : random.graph().bases(model)) {
                own.addBase(model, edge.base(), edge.relation());
                settled.put(edge.base(), stored(whole.exposures(edge.base())));
            }
            for (LineageGraph.TrainingData data : random.graph().trainingData(model)) {
                own.addTrainingData(model, data.dataset(), data.generator(), data.origin());
                if (data.generator() != null) {
                    random.graph().roots(data.generator()).forEach(root -> own.addRoot(data.generator(), root));
                    settled.put(data.generator(), stored(whole.exposures(data.generator())));
                }
            }
            List<Exposure> expected = whole.exposures(model);
            List<Exposure> fromNeighbours = new ExposureAnalyzer(own, random.classes(), settled, Long.MAX_VALUE).exposures(model);
            assertThat(byKey(fromNeighbours)).as("exposures of %s (seed %d)", model, seed).isEqualTo(byKey(expected));
            for (Exposure exposure : expected) {
                ExposurePath path = exposure.path();
                assertThat(baseStepsBeforeFirstHop(path)).as("route of %s to %s", model, path.trainedModel())
                        .isEqualTo(baseDistance(random.graph(), model, path.trainedModel()));
            }
            paths += expected.size();
        }
        assertThat(paths).as("the random graph has exposures to compare").isGreaterThan(100);
    }

    /** The exposures as the exposure table holds them: level, steps and count, the hop chain rebuilt from the steps. */
    private static List<Exposure> stored(List<Exposure> exposures) {
        return exposures.stream().map(e -> {
            Exposure rebuilt = new Exposure(ExposurePath.ofSteps(e.level(), e.path().steps()), e.otherPaths());
            assertThat(rebuilt.path().hops()).isEqualTo(e.path().hops());
            assertThat(rebuilt.key()).isEqualTo(e.key());
            return rebuilt;
        }).toList();
    }

    private static Map<String, Exposure> byKey(List<Exposure> exposures) {
        return exposures.stream().collect(Collectors.toMap(Exposure::key, e -> e));
    }

    private static int baseStepsBeforeFirstHop(ExposurePath path) {
        int steps = 0;
        while (!Step.TRAINED_ON.equals(path.steps().get(steps + 1).relation())) {
            steps++;
        }
        return steps;
    }

    /** Breadth-first distance over base edges, independent of the analyzer. */
    private static int baseDistance(LineageGraph graph, String from, String to) {
        Map<String, Integer> distance = new HashMap<>(Map.of(from, 0));
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        while (!queue.isEmpty()) {
            String model = queue.poll();
            if (model.equals(to)) {
                return distance.get(model);
            }
            for (LineageGraph.BaseEdge edge : graph.bases(model)) {
                if (distance.putIfAbsent(edge.base(), distance.get(model) + 1) == null) {
                    queue.add(edge.base());
                }
            }
        }
        throw new AssertionError(to + " is not an ancestor of " + from);
    }
}
