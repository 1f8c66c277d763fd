package io.traittrace.probe.family;

import io.traittrace.probe.safetensors.Dtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict.Outcome;

class FamilyProtocolTest {

    @TempDir
    static Path dir;

    static List<TestModels.Spec> base;
    static Path basePath, tuneA, tuneB, teacher, student, independent, shuffled, renamed, far, shardedTune, bf16Tune, permuted,
            rotated, headless;

    @BeforeAll
    static void writeCheckpoints() {
        base = TestModels.init(1);
        basePath = TestModels.write(base, dir.resolve("base"));
        List<TestModels.Spec> a = TestModels.fineTune(base, 0.1, 11);
        tuneA = TestModels.write(a, dir.resolve("tune-a"));
        tuneB = TestModels.write(TestModels.fineTune(base, 0.1, 12), dir.resolve("tune-b"));
        // a student that moved half-way towards its teacher (plus its own noise): correlated displacements
        List<TestModels.Spec> teacherSpecs = TestModels.fineTune(base, 0.1, 21);
        teacher = TestModels.write(teacherSpecs, dir.resolve("teacher"));
        student = TestModels.write(TestModels.fineTune(halfway(base, teacherSpecs), 0.03, 22), dir.resolve("student"));
        independent = TestModels.write(TestModels.init(2), dir.resolve("independent"));
        shuffled = TestModels.write(TestModels.shuffled(base, 3), dir.resolve("shuffled"));
        renamed = TestModels.write(TestModels.renamed(TestModels.init(4), "transformer."), dir.resolve("renamed"));
        far = TestModels.write(TestModels.fineTune(base, 3.0, 5), dir.resolve("far"));
        TestModels.writer(a).writeSharded(dir.resolve("sharded-tune-a"), 3);
        shardedTune = dir.resolve("sharded-tune-a");
        permuted = TestModels.write(TestModels.permuted(a, 6), dir.resolve("permuted-tune-a"));
        rotated = TestModels.write(TestModels.rotated(a, 7), dir.resolve("rotated-tune-a"));
        headless = TestModels.write(TestModels.init(8).stream().filter(s -> !s.name().contains("embed") && !s.name().contains("lm_head"))
                .toList(), dir.resolve("headless"));
        bf16Tune = TestModels.write(TestModels.map(a, s -> new TestModels.Spec(s.name(), Dtype.BF16, s.shape(), s.values())),
                dir.resolve("bf16-tune-a"));
    }

    @Test
    void aFineTuneSharesItsBasesInit() {
        ProbeResult r = run(params(basePath, tuneA));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        Map<String, Object> cosine = map(r.evidence().get("cosine"));
        assertThat((Double) cosine.get("median")).isGreaterThan(0.99);
        assertThat(r.evidence().get("tensorsEligible")).isEqualTo(2 + 6 * TestModels.LAYERS);
        assertThat(r.evidence().get("tensorsMatched")).isEqualTo(base.size());
        assertThat(r.data()).extracting(ProbeResult.DataIdentity::role).containsExactly("a", "b");
        assertThat(r.data().get(0).digest()).startsWith("sha256:").hasSize(7 + 64);
        assertThat(r.verdict().rule()).contains("median cosine >= sharedThreshold");
        assertThat(r.timings()).containsKeys("headers", "compare", "digest");
    }

    @Test
    void oneDimensionalAndTinyTensorsAreListedButNotCounted() {
        ProbeResult r = run(params(basePath, independent));
        List<Map<String, Object>> tensors = list(r.evidence().get("tensors"));
        Map<String, Object> norm = tensors.stream().filter(t -> t.get("name").equals("model.norm.weight")).findFirst().orElseThrow();
        // norm scales initialised to 1 agree exactly across independent inits: the reason they are excluded
        assertThat((Double) norm.get("cosine")).isEqualTo(1.0);
        assertThat(norm.get("eligible")).isEqualTo(false);
        assertThat((String) norm.get("excluded")).contains("fewer than 2 dimensions");
        Map<String, Object> bias = tensors.stream().filter(t -> t.get("name").equals("model.layers.0.mlp.up_proj.bias")).findFirst().orElseThrow();
        assertThat(bias.get("cosine")).isNull(); // zero vectors: undefined, written as null
    }

    @Test
    void twoFineTunesOfOneBaseShareInitAndTheDifferenceCosineIsReported() {
        ObjectNode p = params(tuneA, tuneB);
        p.put("base", basePath.toString());
        ProbeResult r = run(p);
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        // independent noise: the two moved from the base in unrelated directions
        Map<String, Object> moved = map(r.evidence().get("differenceCosine"));
        assertThat(Math.abs((Double) moved.get("median"))).isLessThan(0.1);
        assertThat(list(r.evidence().get("tensors")).get(0)).containsKey("differenceCosine");
        assertThat(r.data()).extracting(ProbeResult.DataIdentity::role).containsExactly("a", "b", "base");

        // a student pulled towards its teacher: correlated displacements
        ObjectNode q = params(teacher, student);
        q.put("base", basePath.toString());
        ProbeResult s = run(q);
        assertThat(s.verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        assertThat((Double) map(s.evidence().get("differenceCosine")).get("median")).isGreaterThan(0.5);
    }

    @Test
    void independentlyInitialisedModelsAreIndependent() {
        ProbeResult r = run(params(basePath, independent));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.INDEPENDENT);
        assertThat((Double) map(r.evidence().get("absCosine")).get("median")).isLessThan(0.05);
        assertThat((Double) map(r.evidence().get("absCosineZ")).get("median")).isLessThan(FamilyProtocol.INDEPENDENT_Z);
        assertThat(r.verdict().reasons()).anyMatch(s -> s.contains("every anchor's Gram correlation at chance"));
    }

    @Test
    void shuffledValuesAreNoSymmetryAndScoreAsIndependent() {
        // every tensor's values scattered at random: no relabelling of units maps one model onto the other
        ProbeResult r = run(params(basePath, shuffled));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.INDEPENDENT);
        assertThat(list(r.evidence().get("anchors"))).hasSize(2).allSatisfy(x -> assertThat(Math.abs((Double) x.get("z"))).isLessThan(4));
    }

    @Test
    void aCopyWithRelabelledHeadsAndUnitsSharesTheInit() {
        ProbeResult r = run(params(basePath, permuted));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        // the attention and MLP weights no longer line up: the anchors decided
        assertThat((Double) map(r.evidence().get("cosine")).get("median")).isLessThan(0.2);
        assertThat(r.verdict().reasons()).anyMatch(s -> s.contains("relabelling of hidden units or a rotation"));
        assertThat(list(r.evidence().get("anchors"))).extracting(x -> x.get("name"))
                .containsExactly("lm_head.weight", "model.embed_tokens.weight");
    }

    @Test
    void aCopyWithARotatedResidualStreamSharesTheInit() {
        ProbeResult r = run(params(basePath, rotated));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        assertThat((Double) map(r.evidence().get("absCosine")).get("max")).isLessThan(0.5);
        for (Map<String, Object> anchor : list(r.evidence().get("anchors"))) {
            // drift 0.1 of the fine-tune: Gram correlation about 1 / (1 + 0.1²)
            assertThat((Double) anchor.get("gramCorrelation")).isGreaterThan(0.97);
            assertThat((Double) anchor.get("z")).isGreaterThan(20);
            assertThat((Double) anchor.get("p")).isEqualTo(1.0 / 201);
        }
    }

    @Test
    void withoutAnAnchorChanceCosinesAreNotEnoughForIndependent() {
        ProbeResult r = run(params(basePath, headless));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(r.verdict().reasons()).anyMatch(s -> s.contains("a permuted or rotated copy of a shared initialisation cannot be ruled out"));
        assertThat(list(r.evidence().get("anchors"))).isEmpty();
    }

    @Test
    void anchorsCanBeNamed() {
        ObjectNode p = params(basePath, rotated);
        p.putArray("anchors").add("model.embed_tokens.weight");
        ProbeResult r = run(p);
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        assertThat(list(r.evidence().get("anchors"))).extracting(x -> x.get("name")).containsExactly("model.embed_tokens.weight");
        ObjectNode unknown = params(basePath, rotated);
        unknown.putArray("anchors").add("model.norm.weight");
        assertBadSpec(unknown, "Anchor 'model.norm.weight' is not a 2-D float tensor");
        ObjectNode notAList = params(basePath, rotated).put("anchors", "lm_head.weight");
        assertBadSpec(notAList, "must be a non-empty array of tensor names");
    }

    @Test
    void disjointNamesAreInconclusive() {
        ProbeResult r = run(params(basePath, renamed));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(r.verdict().reasons()).anyMatch(s -> s.contains("fewer than minTensors = 4 eligible"));
        assertThat(r.evidence().get("tensorsOnlyInA")).isEqualTo(base.size());
        assertThat(r.evidence().get("tensorsOnlyInB")).isEqualTo(base.size());
    }

    @Test
    void aModelFarFromTheBaseIsInconclusive() {
        // noise three times the weights' RMS: cosine about 0.32, between the thresholds
        ProbeResult r = run(params(basePath, far));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(r.verdict().reasons()).anyMatch(s -> s.contains("< sharedThreshold"));
    }

    @Test
    void shardsAndDtypesDoNotMatter() {
        assertThat(run(params(basePath, shardedTune)).verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        ProbeResult r = run(params(tuneA, bf16Tune));
        assertThat(r.verdict().outcome()).isEqualTo(Outcome.SHARED_INIT);
        assertThat((Double) map(r.evidence().get("cosine")).get("min")).isGreaterThan(0.999);
    }

    @Test
    void theTensorListIsCapped() {
        ObjectNode p = params(basePath, tuneA);
        p.put("maxListed", 5);
        p.put("digest", false);
        ProbeResult r = run(p);
        assertThat(list(r.evidence().get("tensors"))).hasSize(5);
        assertThat(list(r.evidence().get("layerTypes"))).anyMatch(m -> m.get("type").equals("model.layers.*.self_attn.q_proj.weight")
                && m.get("n").equals(TestModels.LAYERS));
        assertThat(r.data().get(0).digest()).isNull();
        assertThat(((List<?>) r.evidence().get("notes"))).anyMatch(n -> n.toString().contains("Only the first 5"));
    }

    @Test
    void badParametersAreBadSpec() {
        ObjectNode missing = JsonNodeFactory.instance.objectNode().put("b", basePath.toString());
        assertBadSpec(missing, "needs parameter 'a'");
        ObjectNode unknown = params(basePath, tuneA).put("treshold", 0.5);
        assertBadSpec(unknown, "Unknown family parameter 'treshold'");
        assertBadSpec(params(basePath, tuneA).put("sharedThreshold", 0), "correlations in (0, 1]");
        assertBadSpec(params(basePath, tuneA).put("anchorThreshold", 1.5), "correlations in (0, 1]");
        assertBadSpec(params(basePath, tuneA).put("independentZ", -1), "independentZ is a number of chance standard deviations");
        assertBadSpec(params(basePath, tuneA).put("anchorRows", 2), "anchorRows at least 8");
        assertThatThrownBy(() -> run(params(basePath, dir.resolve("nowhere")))).isInstanceOf(ProbeException.class)
                .hasMessageContaining("No checkpoint at").extracting(e -> ((ProbeException) e).exitCode()).isEqualTo(3);
    }

    @Test
    void layerTypesCollapseLayerNumbers() {
        assertThat(FamilyProtocol.layerType("model.layers.12.mlp.up_proj.weight")).isEqualTo("model.layers.*.mlp.up_proj.weight");
        assertThat(FamilyProtocol.layerType("h.0.attn.c_attn.weight")).isEqualTo("h.*.attn.c_attn.weight");
        assertThat(FamilyProtocol.layerType("lm_head.weight")).isEqualTo("lm_head.weight");
        assertThat(FamilyProtocol.layerType("blocks.3.conv2d.weight")).isEqualTo("blocks.*.conv2d.weight");
    }

    private static List<TestModels.Spec> halfway(List<TestModels.Spec> from, List<TestModels.Spec> to) {
        return java.util.stream.IntStream.range(0, from.size()).mapToObj(i -> {
            float[] a = from.get(i).values(), b = to.get(i).values(), v = new float[a.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = (a[j] + b[j]) / 2;
            }
            return new TestModels.Spec(from.get(i).name(), from.get(i).dtype(), from.get(i).shape(), v);
        }).toList();
    }

    private static void assertBadSpec(ObjectNode p, String message) {
        assertThatThrownBy(() -> run(p)).isInstanceOf(ProbeException.class).hasMessageContaining(message)
                .extracting(e -> ((ProbeException) e).exitCode()).isEqualTo(ProbeException.BAD_SPEC);
    }

    static ObjectNode params(Path a, Path b) {
        return JsonNodeFactory.instance.objectNode().put("a", a.toString()).put("b", b.toString());
    }

    static ProbeResult run(ObjectNode p) {
        return new FamilyProtocol().run(p, new Progress(new PrintStream(OutputStream.nullOutputStream()), "family"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }
}
