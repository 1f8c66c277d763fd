package io.traittrace.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/** {@code bin/probe numbers} and {@code bin/probe run} with protocol "numbers": exit codes and the written result. */
class NumbersCliTest {

    @TempDir
    Path tmp;

    StringWriter err = new StringWriter();

    static final String TINY = "\"seeds\": 2, \"seed\": 5, \"layers\": 1, \"dModel\": 16, \"heads\": 2, \"ffn\": 32, \"baseSteps\": 120, "
            + "\"baseLr\": 0.01, \"digitRows\": 32, \"questionRows\": 16, \"teacherSteps\": 5, \"teacherLr\": 0.003, \"prompts\": 200, "
            + "\"studentSteps\": 5, \"studentBatch\": 32, \"evalPrefixes\": 20, \"extraArms\": false";

    int execute(String... args) {
        CommandLine cli = ProbeMain.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void runWithANumbersSpecWritesAValidResult() throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, "{\"protocol\": \"numbers\", \"parameters\": {" + TINY + "}}");
        Path out = tmp.resolve("r.json");
        assertThat(execute("run", "--spec", spec.toString(), "--out", out.toString())).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        assertThat(r.at("/protocol/name").asText()).isEqualTo("numbers");
        assertThat(r.at("/arms/treatment-soft/scores").size()).isEqualTo(2);
        assertThat(new io.traittrace.probe.contract.ResultValidator().problems(r)).isEmpty();
    }

    @Test
    void numbersCommandTakesAParametersObject() throws Exception {
        Path spec = tmp.resolve("p.json");
        Files.writeString(spec, "{" + TINY + "}");
        Path out = tmp.resolve("r.json");
        assertThat(execute("numbers", "--spec", spec.toString(), "--seeds", "1", "--out", out.toString())).as(err.toString()).isZero();
        assertThat(new ObjectMapper().readTree(out.toFile()).at("/verdict/outcome").asText()).isEqualTo("INCONCLUSIVE");
    }

    @Test
    void badSpecsExitTwo() throws Exception {
        Path out = tmp.resolve("r.json");
        Path unknown = tmp.resolve("u.json");
        Files.writeString(unknown, "{\"protocol\": \"numbers\", \"parameters\": {\"seeds\": 2, \"epochs\": 3}}");
        assertThat(execute("run", "--spec", unknown.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown numbers parameter 'epochs'");
        Path range = tmp.resolve("range.json");
        Files.writeString(range, "{\"seeds\": 2, \"studentBatch\": 0}");
        assertThat(execute("numbers", "--spec", range.toString(), "--out", out.toString())).isEqualTo(2);
        Path other = tmp.resolve("other.json");
        Files.writeString(other, "{\"protocol\": \"canary\", \"parameters\": {}}");
        assertThat(execute("numbers", "--spec", other.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(execute("numbers", "--out", out.toString())).isEqualTo(2);
        assertThat(execute("numbers", "--spec", tmp.resolve("missing.json").toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(out).doesNotExist();
    }

    @Test
    void textModeSpecsAreCheckedByTheSameTable() throws Exception {
        Path out = tmp.resolve("r.json");
        Path tokenOnly = tmp.resolve("t.json");
        Files.writeString(tokenOnly, "{\"mode\": \"text\", \"seeds\": 2, \"evalPrefixes\": 10}");
        assertThat(execute("numbers", "--spec", tokenOnly.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("\"evalPrefixes\" applies to mode \"tokens\" only");
        Path unknownTrait = tmp.resolve("u.json");
        Files.writeString(unknownTrait, "{\"protocol\": \"numbers\", \"parameters\": {\"mode\": \"text\", \"seeds\": 2, \"traits\": [\"yeti\"]}}");
        assertThat(execute("run", "--spec", unknownTrait.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("\"traits\"");
        assertThat(out).doesNotExist();
    }
}
