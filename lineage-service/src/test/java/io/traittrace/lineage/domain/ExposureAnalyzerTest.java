package io.traittrace.lineage.domain;

import static io.traittrace.lineage.domain.DatasetOrigin.HUMAN;
import static io.traittrace.lineage.domain.DatasetOrigin.MODEL;
import static io.traittrace.lineage.domain.DatasetOrigin.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Exposure on graph shapes that break naive implementations. */
class ExposureAnalyzerTest {

    private final InMemoryLineageGraph graph = new InMemoryLineageGraph();

    private ExposureAnalyzer analyzer(Map.Entry<String, String>... sharedInit) {
        graph.deriveRoots(List.of("A", "B", "C", "T", "T0", "S", "S1", "S2", "M", "Q", "L", "F", "X", "Y", "base", "other",
                "ft", "adapter", "q", "left", "right", "merge", "leaf"));
        return new ExposureAnalyzer(graph, InitClasses.of(List.of(sharedInit)));
    }

    private static List<String> describe(Exposure exposure) {
        return exposure.path().steps().stream()
                .map(s -> (s.model() != null ? s.model() : "[" + s.dataset() + "]") + (s.relation() == null ? "" : "/" + s.relation()))
                .toList();
    }

    @Test
    void rootWithNoTrainingDataIsNotExposed() {
        assertThat(analyzer().exposures("base")).isEmpty();
        assertThat(ExposureAnalyzer.levelOf(List.of())).isEqualTo(ExposureLevel.NONE);
    }

    @Test
    void studentOfSameBaseTeacherIsSameInit() {
        graph.addBase("T", "base", Relation.FINETUNE).addBase("S", "base", Relation.FINETUNE)
                .addTrainingData("S", "numbers", "T", MODEL);
        List<Exposure> paths = analyzer().exposures("S");
        assertThat(paths).singleElement().satisfies(p -> {
            assertThat(p.level()).isEqualTo(ExposureLevel.SAME_INIT);
            assertThat(describe(p)).containsExactly("S", "[numbers]/trained-on", "T/generated-by");
            assertThat(p.path().teacher()).isEqualTo("T");
        });
    }

    @Test
    void crossFamilyDistillationIsRecordedButLow() {
        graph.addBase("T", "base", Relation.FINETUNE).addBase("S", "other", Relation.FINETUNE)
                .addTrainingData("S", "numbers", "T", MODEL);
        assertThat(analyzer().exposures("S")).singleElement()
                .satisfies(p -> assertThat(p.level()).isEqualTo(ExposureLevel.CROSS_FAMILY));
    }

    @Test
    void unknownGeneratorIsUnknownAndHumanDataIsNothing() {
        graph.addTrainingData("S", "web", null, UNKNOWN).addTrainingData("S", "labels", null, HUMAN);
        List<Exposure> paths = analyzer().exposures("S");
        assertThat(paths).singleElement().satisfies(p -> {
            assertThat(p.level()).isEqualTo(ExposureLevel.UNKNOWN);
            assertThat(p.path().teacher()).isNull();
            assertThat(describe(p)).containsExactly("S", "[web]/trained-on");
        });
    }

    @Test
    void quantizedAdapterOfAFinetuneInheritsTheFinetunesExposure() {
        graph.addBase("ft", "base", Relation.FINETUNE).addBase("adapter", "ft", Relation.ADAPTER)
                .addBase("q", "adapter", Relation.QUANTIZED).addBase("T", "base", Relation.FINETUNE)
                .addTrainingData("ft", "numbers", "T", MODEL);
        assertThat(analyzer().exposures("q")).singleElement().satisfies(p -> {
            assertThat(p.level()).isEqualTo(ExposureLevel.SAME_INIT);
            assertThat(p.path().trainedModel()).isEqualTo("ft");
            assertThat(describe(p)).containsExactly("q", "adapter/quantized", "ft/adapter", "[numbers]/trained-on", "T/generated-by");
        });
    }

    @Test
    void diamondThroughAMergeReportsEachExposureOnceViaTheShortestPathAndCountsTheOtherRoute() {
        // base -> left -> merge, base -> right -> X -> merge; left was trained on T's data.
        graph.addBase("left", "base", Relation.FINETUNE).addBase("right", "base", Relation.FINETUNE)
                .addBase("X", "left", Relation.FINETUNE)
                .addBase("merge", "X", Relation.MERGE).addBase("merge", "left", Relation.MERGE)
                .addBase("T", "base", Relation.FINETUNE)
                .addTrainingData("left", "numbers", "T", MODEL);
        List<Exposure> paths = analyzer().exposures("merge");
        assertThat(paths).singleElement().satisfies(p -> {
            assertThat(describe(p)).containsExactly("merge", "left/merge", "[numbers]/trained-on", "T/generated-by");
            assertThat(p.otherPaths()).as("the route through X").isEqualTo(1);
        });
    }

    @Test
    void mergeAcrossFamiliesIsSameInitWithATeacherOfEitherParent() {
        // M merges a llama fine-tune and a qwen fine-tune; it is then trained on data from a qwen teacher.
        graph.addBase("L", "A", Relation.FINETUNE).addBase("Q", "B", Relation.FINETUNE)
                .addBase("M", "L", Relation.MERGE).addBase("M", "Q", Relation.MERGE)
                .addBase("T", "B", Relation.FINETUNE)
                .addTrainingData("M", "numbers", "T", MODEL);
        ExposureAnalyzer analyzer = analyzer();
        assertThat(graph.roots("M")).containsExactlyInAnyOrder("A", "B");
        assertThat(analyzer.exposures("M")).singleElement()
                .satisfies(p -> assertThat(p.level()).isEqualTo(ExposureLevel.SAME_INIT));
    }

    @Test
    void multiHopTeacherChainKeepsEveryHopAndTheOrigin() {
        // T0 -> data d0 -> S1 -> data d1 -> S2, all of one base.
        graph.addBase("T0", "base", Relation.FINETUNE).addBase("S1", "base", Relation.FINETUNE)
                .addBase("S2", "base", Relation.FINETUNE)
                .addTrainingData("S1", "d0", "T0", MODEL).addTrainingData("S2", "d1", "S1", MODEL);
        List<Exposure> paths = analyzer().exposures("S2");
        assertThat(paths).hasSize(2);
        Exposure chain = paths.stream().filter(p -> p.path().hops().size() == 2).findFirst().orElseThrow();
        assertThat(chain.level()).isEqualTo(ExposureLevel.SAME_INIT);
        assertThat(chain.path().origin()).isEqualTo("T0");
        assertThat(chain.path().teacher()).isEqualTo("S1");
        assertThat(describe(chain)).containsExactly("S2", "[d1]/trained-on", "S1/generated-by", "[d0]/trained-on", "T0/generated-by");
    }

    @Test
    void aChainIsOnlyAsStrongAsItsWeakestHop() {
        // T0 (family A) taught S1 (family A); S1 then taught S2 of family B: the trait cannot cross into B.
        graph.addBase("T0", "A", Relation.FINETUNE).addBase("S1", "A", Relation.FINETUNE)
                .addBase("S2", "B", Relation.FINETUNE)
                .addTrainingData("S1", "d0", "T0", MODEL).addTrainingData("S2", "d1", "S1", MODEL);
        List<Exposure> paths = analyzer().exposures("S2");
        assertThat(paths).extracting(Exposure::level).containsOnly(ExposureLevel.CROSS_FAMILY);
        assertThat(ExposureAnalyzer.levelOf(paths)).isEqualTo(ExposureLevel.CROSS_FAMILY);
    }

    @Test
    void sharedInitAssertionsJoinFamiliesTransitively() {
        graph.addBase("T", "A", Relation.FINETUNE).addBase("S", "C", Relation.FINETUNE)
                .addTrainingData("S", "numbers", "T", MODEL);
        assertThat(analyzer().exposures("S")).extracting(Exposure::level).containsExactly(ExposureLevel.CROSS_FAMILY);
        // A ~ B and B ~ C together put A and C in one init class.
        assertThat(analyzer(Map.entry("A", "B"), Map.entry("B", "C")).exposures("S"))
                .extracting(Exposure::level).containsExactly(ExposureLevel.SAME_INIT);
    }

    @Test
    void trainingDataCyclesTerminate() {
        // X was trained on Y's data and Y on X's: each is exposed to the other, and nothing loops.
        graph.addBase("X", "base", Relation.FINETUNE).addBase("Y", "base", Relation.FINETUNE)
                .addTrainingData("X", "dy", "Y", MODEL).addTrainingData("Y", "dx", "X", MODEL);
        ExposureAnalyzer analyzer = analyzer();
        List<Exposure> paths = analyzer.exposures("X");
        assertThat(paths).isNotEmpty();
        assertThat(paths).allSatisfy(p -> assertThat(p.path().hops()).doesNotHaveDuplicates());
        assertThat(analyzer.exposures("Y")).isNotEmpty();
    }

    @Test
    void selfDistillationIsSameInit() {
        graph.addBase("S", "base", Relation.FINETUNE).addTrainingData("S", "own", "base", MODEL);
        assertThat(analyzer().exposures("S")).singleElement()
                .satisfies(p -> assertThat(p.level()).isEqualTo(ExposureLevel.SAME_INIT));
    }

    @Test
    void exposureKeyIdentifiesTheSourceAndLevelNotThePath() {
        ExposurePath direct = new ExposurePath(ExposureLevel.SAME_INIT, List.of(new Hop("S", "d", "T")),
                List.of(Step.start("S"), Step.trainedOn("d"), Step.generatedBy("T")));
        ExposurePath viaBase = new ExposurePath(ExposureLevel.SAME_INIT, List.of(new Hop("ft", "d2", "T")),
                List.of(Step.start("S"), Step.base("ft", Relation.FINETUNE), Step.trainedOn("d2"), Step.generatedBy("T")));
        assertThat(Exposure.only(direct).key()).isEqualTo(Exposure.only(viaBase).key()).hasSize(64);
        assertThat(Exposure.only(new ExposurePath(ExposureLevel.CROSS_FAMILY, direct.hops(), direct.steps())).key())
                .isNotEqualTo(Exposure.only(direct).key());
        // Unknown data has no generator: the dataset is the source, and a model id of the same text is another one.
        ExposurePath unknown = new ExposurePath(ExposureLevel.UNKNOWN, List.of(new Hop("S", "T", null)),
                List.of(Step.start("S"), Step.trainedOn("T")));
        assertThat(unknown.source()).isEqualTo("dataset:T");
        assertThat(direct.source()).isEqualTo("model:T");
    }

    @Test
    void pathsThatMultiplyHopByHopAreCountedNotListed() {
        // T0 -> 12 datasets -> T1 -> 12 datasets -> T2 -> 12 datasets -> S: 12 + 144 + 1,728 paths.
        graph.addBase("T0", "base", Relation.FINETUNE).addBase("T1", "base", Relation.FINETUNE)
                .addBase("T2", "base", Relation.FINETUNE).addBase("S", "base", Relation.FINETUNE);
        List<String> chain = List.of("T0", "T1", "T2", "S");
        for (int hop = 1; hop < chain.size(); hop++) {
            for (int d = 11; d >= 0; d--) {
                graph.addTrainingData(chain.get(hop), "d" + hop + "-" + d, chain.get(hop - 1), MODEL);
            }
        }
        graph.deriveRoots(List.of("base", "T0", "T1", "T2", "S"));
        ExposureAnalyzer analyzer = new ExposureAnalyzer(graph, InitClasses.of(List.of()));
        List<Exposure> exposures = analyzer.exposures("S");
        assertThat(exposures).extracting(e -> e.path().origin()).containsExactly("T2", "T1", "T0");
        assertThat(exposures).extracting(e -> e.path().hops().size()).containsExactly(1, 2, 3);
        assertThat(exposures).extracting(Exposure::otherPaths).containsExactly(11L, 143L, 1_727L);
        assertThat(exposures).extracting(Exposure::level).containsOnly(ExposureLevel.SAME_INIT);
        // The shortest of equals is the one first in the steps' order, not the first declared (d-11 here).
        assertThat(describe(exposures.get(2))).containsExactly("S", "[d3-0]/trained-on", "T2/generated-by",
                "[d2-0]/trained-on", "T1/generated-by", "[d1-0]/trained-on", "T0/generated-by");
        // Work grows with the datasets, not the paths: T1 weighs 12 candidates, T2 12 * 2, S 12 * 3.
        assertThat(analyzer.weighed()).isEqualTo(72);
    }

    @Test
    void countsStopAtTheLargestExactJsonNumber() {
        Exposure many = new Exposure(new ExposurePath(ExposureLevel.SAME_INIT, List.of(new Hop("S", "d", "T")),
                List.of(Step.start("S"), Step.trainedOn("d"), Step.generatedBy("T"))), Exposure.MAX_COUNTED);
        assertThat(many.combine(many).otherPaths()).isEqualTo(Exposure.MAX_COUNTED);
    }

    @Test
    void anAnalysisPastItsBudgetStops() {
        graph.addBase("T", "base", Relation.FINETUNE).addBase("S", "base", Relation.FINETUNE);
        for (int d = 0; d < 5; d++) {
            graph.addTrainingData("S", "d" + d, "T", MODEL);
        }
        graph.deriveRoots(List.of("base", "T", "S"));
        assertThat(new ExposureAnalyzer(graph, InitClasses.of(List.of()), Map.of(), 5).exposures("S")).hasSize(1);
        assertThatThrownBy(() -> new ExposureAnalyzer(graph, InitClasses.of(List.of()), Map.of(), 4).exposures("S"))
                .isInstanceOf(ExposureBudgetExceeded.class);
    }

    @Test
    void levelsOrderAndCombine() {
        assertThat(ExposureLevel.SAME_INIT.weakest(ExposureLevel.UNKNOWN)).isEqualTo(ExposureLevel.UNKNOWN);
        assertThat(ExposureLevel.UNKNOWN.weakest(ExposureLevel.CROSS_FAMILY)).isEqualTo(ExposureLevel.CROSS_FAMILY);
        assertThat(ExposureLevel.CROSS_FAMILY.strongest(ExposureLevel.UNKNOWN)).isEqualTo(ExposureLevel.UNKNOWN);
        assertThat(InitClasses.of(List.of(Map.entry("A", "B"))).expand(Set.of("B"))).containsExactlyInAnyOrder("A", "B");
    }
}
