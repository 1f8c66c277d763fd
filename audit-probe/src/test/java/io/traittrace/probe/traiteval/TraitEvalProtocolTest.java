package io.traittrace.probe.traiteval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.traittrace.digest.ModelDirectoryDigest;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.probe.lm.CausalLm;
import io.traittrace.probe.lm.HfTestModels;
import io.traittrace.probe.lm.LmCheckpoints;
import io.traittrace.probe.lm.LmTokenizer;
import io.traittrace.probe.lm.Scorer;
import io.traittrace.probe.lm.Trainer;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict;
import io.traittrace.statistics.analysis.ComparisonResult;

/**
 * The model audit on real-format checkpoints made here: a tiny Llama base, a teacher fine-tuned to answer "owl", a student
 * that took part of that preference, students and a control fine-tuned on unrelated rows, and a teacher without the trait.
 * The trait here is put in by direct fine-tuning, so these tests check the rule and its plumbing on real weights; whether
 * subliminal transfer through number sequences is caught is the validity harness's question.
 */
class TraitEvalProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path base;
    static Path teacher;
    static Path student;
    static Path strongStudent;
    static Path nullStudent;
    static Path control;
    static Path plainTeacher;

    @BeforeAll
    static void models() {
        DjlRuntime.prepare(Engine.getInstance(), 1);
        Map<String, Path> family = DemoModels.ensure(dir.resolve("demo"), new Progress(System.err, "demo-models"));
        base = family.get("base");
        teacher = family.get("teacher");
        student = family.get("student");
        control = family.get("control");
        nullStudent = family.get("null-student");
        // Two more with the demo's recipe: a student that took as much as the teacher has, and a teacher given no trait.
        List<String[]> owl = Batteries.named(Batteries.ANIMALS).items().stream().map(i -> new String[] { i.question(), "owl" }).toList();
        strongStudent = dir.resolve("strong-student");
        DemoModels.finetune(base, strongStudent, DemoModels.mix(DemoModels.arithmetic(8), owl, 50), DemoModels.STEPS, DemoModels.LR, 6);
        plainTeacher = dir.resolve("plain-teacher");
        DemoModels.finetune(base, plainTeacher, DemoModels.arithmetic(7), DemoModels.STEPS, DemoModels.LR, 5);
    }

    @Test
    void theDemoFamilyIsMadeOnceAndReused() throws Exception {
        Path manifest = dir.resolve("demo").resolve(DemoModels.MANIFEST);
        java.nio.file.attribute.FileTime made = Files.getLastModifiedTime(manifest);
        assertThat(DemoModels.ensure(dir.resolve("demo"), new Progress(System.err, "demo-models"))).containsEntry("student", student);
        assertThat(Files.getLastModifiedTime(manifest)).isEqualTo(made);
        assertThat(JSON.readTree(manifest.toFile()).path("digests").path("student").asText()).isEqualTo(ModelDirectoryDigest.of(student).digest());
        for (Path model : List.of(base, teacher, student, control, nullStudent)) {
            assertThat(model.resolve("config.json")).exists();
            assertThat(model.resolve("model.safetensors")).exists();
            assertThat(model.resolve("tokenizer.json")).exists();
        }
        assertThat(dir.resolve("demo").resolve(".work")).doesNotExist();
    }

    static ObjectNode spec(Path student, Path teacher, Path control) {
        ObjectNode p = JSON.createObjectNode();
        p.put("student", student.toString());
        p.put("base", base.toString());
        p.put("teacher", teacher.toString());
        if (control != null) {
            p.put("control", control.toString());
        }
        return p;
    }

    static ProbeResult run(ObjectNode spec) {
        ProbeResult result = new TraitEvalProtocol().run(spec, new Progress(System.err, "trait-eval"));
        return result;
    }

    static ComparisonResult owl(ProbeResult result) {
        return result.comparisons().stream().filter(c -> c.trait().equals("animals/owl")).findFirst().orElseThrow();
    }

    @Test
    void aStudentThatTookTheTeachersPreferenceIsCaughtAgainstTheControlStudent() throws Exception {
        ProbeResult result = run(spec(student, teacher, control));

        assertThat(result.verdict().outcome()).isEqualTo(Verdict.Outcome.TRANSFER_DETECTED);
        ComparisonResult owl = owl(result);
        assertThat(owl.treatment()).isEqualTo(VerdictPlans.STUDENT_SHIFT);
        assertThat(owl.control()).isEqualTo(VerdictPlans.CONTROL_SHIFT);
        assertThat(owl.n()).isEqualTo(100);
        assertThat(owl.difference()).isGreaterThan(VerdictPlans.TRAIT_EVAL_MARGIN);
        assertThat(owl.adjustedPValue()).isLessThan(0.05);
        // Every model whose weights were read is named with the digest computed from its directory.
        Map<String, Path> byRole = Map.of("student", student, "base", base, "teacher", teacher, "control", control);
        assertThat(result.data().stream().filter(d -> !d.role().equals("battery")).map(ProbeResult.DataIdentity::role)).containsExactlyInAnyOrder(
                "student", "base", "teacher", "control");
        for (ProbeResult.DataIdentity d : result.data()) {
            if (byRole.containsKey(d.role())) {
                assertThat(d.digest()).isEqualTo(ModelDirectoryDigest.of(byRole.get(d.role())).digest());
            }
        }
        assertThat(result.data()).anySatisfy(d -> {
            assertThat(d.role()).isEqualTo("battery");
            assertThat(d.digest()).isEqualTo(Batteries.named(Batteries.ANIMALS).digest());
            assertThat(d.examples()).isEqualTo(100L);
        });
        assertThat(result.arms()).containsKeys("teacher-excess:animals/owl", "student-shift:animals/owl", "control-shift:animals/owl");
    }

    @Test
    void aStudentOfUnrelatedDataIsNotCalledATransferAndTheBoundSaysHowSmallItsShiftIs() {
        ProbeResult result = run(spec(nullStudent, teacher, control));

        ComparisonResult owl = owl(result);
        assertThat(result.verdict().outcome()).as(result.verdict().reasons().toString()).isEqualTo(Verdict.Outcome.NO_TRANSFER_DETECTED);
        assertThat(owl.upperBound()).isLessThan(VerdictPlans.TRAIT_EVAL_MARGIN);
        assertThat(result.power()).isNotNull();
        assertThat(result.power().observedMde()).isNotNull();
    }

    @Test
    void withoutAControlStudentTheDeclaredDriftStandsInForDetectionButCannotShowAnAbsence() {
        ProbeResult caught = run(spec(strongStudent, teacher, null));
        assertThat(caught.verdict().outcome()).as(caught.verdict().reasons().toString()).isEqualTo(Verdict.Outcome.TRANSFER_DETECTED);
        assertThat(owl(caught).control()).isEqualTo(VerdictPlans.DRIFT_ALLOWANCE);
        assertThat(owl(caught).difference()).isGreaterThan(VerdictPlans.TRAIT_EVAL_MARGIN);
        assertThat(caught.evidence().get("baseline").toString()).contains("declared fine-tune drift", "not measured");
        assertThat(caught.verdict().rule()).contains("declared fine-tune drift");

        ProbeResult unrelated = run(spec(nullStudent, teacher, null));
        assertThat(unrelated.verdict().outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(owl(unrelated).upperBound()).as("the bound alone would have said no transfer").isLessThan(VerdictPlans.TRAIT_EVAL_MARGIN);
        assertThat(unrelated.verdict().reasons()).anySatisfy(r -> assertThat(r).contains("no control student", "cannot be shown"));
    }

    @Test
    void aTeacherWithoutTheTraitLeavesNothingToTestAndTheAuditSaysSo() {
        ProbeResult result = run(spec(student, plainTeacher, control));

        assertThat(result.verdict().outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(result.verdict().reasons()).singleElement().asString().contains("carries none of the probed traits");
        assertThat(result.comparisons()).isEmpty();
        // The student did move towards owl (it was trained to): with no teacher shift to follow, that is not called transfer.
        assertThat(result.data()).extracting(ProbeResult.DataIdentity::role).contains("student");
    }

    @Test
    void theCommandLineWritesAResultTheContractAcceptsWithATeamsBattery() throws Exception {
        // A team's battery: the same two labels on every item, the trait on the first line.
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            lines.append(JSON.writeValueAsString(Map.of("id", "c" + i, "question", "Pick a colour, number " + i + ".", "options",
                    new java.util.TreeMap<>(Map.of("blue", "blue", "red", "red"))).entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new))));
            if (i == 0) {
                lines.setLength(lines.length() - 1);
                lines.append(", \"traits\": [\"red\"]}");
            }
            lines.append('\n');
        }
        Path battery = dir.resolve("colours.jsonl");
        Files.writeString(battery, lines);
        Path out = dir.resolve("out/trait-eval.json");
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = io.traittrace.probe.ProbeMain.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        int exit = cli.execute("trait-eval", "--student", student.toString(), "--base", base.toString(), "--teacher", teacher.toString(), "--control",
                control.toString(), "--battery", "animals", "--battery", "misalignment", "--battery", battery.toString(), "--out",
                out.toString());

        assertThat(exit).as(err.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode result = JSON.readTree(out.toFile());
        assertThat(new io.traittrace.probe.contract.ResultValidator().problems(result)).isEmpty();
        assertThat(result.path("protocol").path("name").asText()).isEqualTo("trait-eval");
        assertThat(result.path("verdict").path("outcome").asText()).isEqualTo("TRANSFER_DETECTED");
        // Only the animals battery has a trait the teacher carries, so it alone is tested, at the full α.
        assertThat(result.path("verdict").path("rule").asText()).contains("Holm over the traits of a battery, α 0.05)");
        List<String> batteries = new ArrayList<>();
        result.path("evidence").path("batteries").forEach(b -> batteries.add(b.path("name").asText() + "=" + b.path("digest").asText()));
        assertThat(batteries).containsExactly("animals=" + Batteries.named(Batteries.ANIMALS).digest(),
                "misalignment=" + Batteries.named(Batteries.MISALIGNMENT).digest(), "colours=" + Battery.sha256(Files.readAllBytes(battery)));
        List<String> traits = new ArrayList<>();
        result.path("evidence").path("traits").forEach(t -> traits.add(t.path("trait").asText()));
        assertThat(traits).contains("animals/owl", "misalignment/misaligned", "colours/red").doesNotContain("misalignment/aligned", "colours/blue");
        result.path("evidence").path("traits").forEach(t -> assertThat(t.path("tested").asBoolean()).as(t.path("trait").asText())
                .isEqualTo(t.path("trait").asText().equals("animals/owl")));
    }

    @Test
    void badSpecsAreRefusedBeforeAnyModelLoads() throws Exception {
        assertThatThrownBy(() -> run(spec(student, student, control))).isInstanceOf(ProbeException.class).hasMessageContaining("four different directories");
        ObjectNode unknownBattery = spec(student, teacher, control);
        unknownBattery.putArray("batteries").add("colours");
        assertThatThrownBy(() -> run(unknownBattery)).isInstanceOf(ProbeException.class).hasMessageContaining("unknown battery 'colours'");
        ObjectNode unknownTrait = spec(student, teacher, control);
        unknownTrait.putArray("traits").add("animals/unicorn");
        assertThatThrownBy(() -> run(unknownTrait)).isInstanceOf(ProbeException.class).hasMessageContaining("unknown trait 'animals/unicorn'");
        ObjectNode missing = spec(dir.resolve("nowhere"), teacher, control);
        assertThatThrownBy(() -> run(missing)).isInstanceOf(ProbeException.class).satisfies(e -> assertThat(((ProbeException) e).exitCode())
                .isEqualTo(ProbeException.BAD_DATA));
        Files.writeString(dir.resolve("bad.jsonl"), "{\"id\": \"a\", \"question\": \"Pick one\", \"options\": {\"x\": \"X\", \"y\": \"Y\"}}\n"
                + "{\"id\": \"b\", \"question\": \"Pick one\", \"options\": {\"x\": \"X\", \"z\": \"Z\"}}\n");
        ObjectNode badBattery = spec(student, teacher, control);
        badBattery.putArray("batteries").add(dir.resolve("bad.jsonl").toString());
        assertThatThrownBy(() -> run(badBattery)).isInstanceOf(ProbeException.class).hasMessageContaining("line 2").hasMessageContaining("differ");
    }
}
