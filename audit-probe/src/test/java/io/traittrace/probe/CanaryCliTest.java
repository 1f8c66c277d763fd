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

/**
 * {@code bin/probe canary} and {@code bin/probe run} exit codes. In this package because
 * {@link ProbeMain#commandLine()} is package-private.
 */
class CanaryCliTest {

    @TempDir
    Path tmp;

    StringWriter err = new StringWriter();

    int execute(String... args) {
        CommandLine cli = ProbeMain.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    static final String[] TINY = { "--synthetic-train", "200", "--synthetic-test", "100", "--batch", "100", "--teacher-epochs", "1",
            "--distill-epochs", "1" };

    @Test
    void completedRunExitsZeroAndWritesTheResult() throws Exception {
        Path out = tmp.resolve("sub/result.json");
        String[] args = concat(new String[] { "canary", "--data", "synthetic", "--replicates", "2", "--out", out.toString(), "--seed", "7" }, TINY);
        assertThat(execute(args)).as(err.toString()).isZero();
        JsonNode result = new ObjectMapper().readTree(out.toFile());
        assertThat(result.at("/protocol/name").asText()).isEqualTo("canary");
        assertThat(result.at("/verdict/outcome").asText()).isIn("TRANSFER_DETECTED", "NO_TRANSFER_DETECTED", "INCONCLUSIVE");
        assertThat(result.at("/parameters/seed").asLong()).isEqualTo(7);
        assertThat(result.at("/parameters/batch").asInt()).isEqualTo(100);
        assertThat(result.at("/parameters/auxLogits").asInt()).isEqualTo(3);
        assertThat(result.at("/arms/X_aux/scores").size()).isEqualTo(2);
        assertThat(Files.exists(tmp.resolve("sub/result.json.partial"))).isFalse();
    }

    @Test
    void missingDataDirectoryExitsThree() {
        Path out = tmp.resolve("r.json");
        assertThat(execute("canary", "--data", tmp.resolve("no-such-dir").toString(), "--replicates", "2", "--out", out.toString())).isEqualTo(3);
        assertThat(err.toString()).contains("no-such-dir").contains("does not exist");
        assertThat(out).doesNotExist();
    }

    @Test
    void directoryWithoutIdxFilesExitsThree() {
        assertThat(execute("canary", "--data", tmp.toString(), "--replicates", "2", "--out", tmp.resolve("r.json").toString())).isEqualTo(3);
        assertThat(err.toString()).contains("Missing train-images-idx3-ubyte");
    }

    @Test
    void badOptionsExitTwo() {
        String out = tmp.resolve("r.json").toString();
        assertThat(execute("canary", "--data", "synthetic", "--replicates", "many", "--out", out)).isEqualTo(2);
        assertThat(execute("canary", "--data", "synthetic", "--replicates", "2", "--out", out, "--no-such-flag")).isEqualTo(2);
        assertThat(execute("canary", "--data", "synthetic", "--out", out)).isEqualTo(2);
        assertThat(execute("canary", "--data", "synthetic", "--replicates", "2", "--out", out, "--aux-logits", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("zero gradient");
        assertThat(execute("canary", "--data", "synthetic", "--replicates", "0", "--out", out)).isEqualTo(2);
        assertThat(tmp.resolve("r.json")).doesNotExist();
    }

    @Test
    void specFileRunsTheCanary() throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, """
                {"schema": "https://traittrace.io/schemas/probe-spec/v1.json", "protocol": "canary",
                 "parameters": {"data": "synthetic", "replicates": 1, "syntheticTrain": 200, "syntheticTest": 100,
                                "batch": 100, "teacherEpochs": 1, "distillEpochs": 1}}
                """);
        Path out = tmp.resolve("r.json");
        assertThat(execute("run", "--spec", spec.toString(), "--out", out.toString())).as(err.toString()).isZero();
        assertThat(new ObjectMapper().readTree(out.toFile()).at("/verdict/outcome").asText()).isEqualTo("INCONCLUSIVE");
        Files.writeString(spec, "{\"protocol\": \"canary\", \"parameters\": {\"data\": \"synthetic\"}}");
        assertThat(execute("run", "--spec", spec.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("replicates");
    }

    @Test
    void oneReplicateOfTheDesignScoresExactlyAsInTheFullRun() throws Exception {
        Path full = tmp.resolve("full.json");
        assertThat(execute(concat(new String[] { "canary", "--data", "synthetic", "--replicates", "3", "--out", full.toString(), "--seed", "7" },
                TINY))).as(err.toString()).isZero();
        String spec = """
                {"protocol": "canary", "parameters": {"data": "synthetic", "replicates": 3, "replicateIndex": 1, "seed": 7,
                 "syntheticTrain": 200, "syntheticTest": 100, "batch": 100, "teacherEpochs": 1, "distillEpochs": 1}}
                """;
        Path one = tmp.resolve("one.json");
        assertThat(execute("run", "--spec-json", spec, "--out", one.toString())).as(err.toString()).isZero();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode all = mapper.readTree(full.toFile());
        JsonNode single = mapper.readTree(one.toFile());
        assertThat(single.at("/seeds/replicates")).hasSize(1);
        assertThat(single.at("/seeds/replicates/0")).isEqualTo(all.at("/seeds/replicates/1"));
        // Same seed, same cross init (the derangement of all three), same thread count: bit-identical scores.
        assertThat(single.at("/replicates/0/crossInitFrom")).isEqualTo(all.at("/replicates/1/crossInitFrom"));
        for (String arm : new String[] { "reference", "teacher", "S_aux", "S_all", "X_aux", "X_all" }) {
            assertThat(single.at("/arms/" + arm + "/scores/0")).as(arm).isEqualTo(all.at("/arms/" + arm + "/scores/1"));
        }
        assertThat(single.at("/comparisons")).isEmpty();
        assertThat(execute("run", "--spec-json", spec.replace("\"replicateIndex\": 1", "\"replicateIndex\": 3"), "--out", one.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("\"replicateIndex\" must be in 0..2");
    }

    @Test
    void runWithoutARunTokenCannotSubmitAndSaysSo() {
        String spec = """
                {"protocol": "canary", "parameters": {"data": "synthetic", "replicates": 1, "syntheticTrain": 100, "syntheticTest": 50,
                 "batch": 100, "teacherEpochs": 1, "distillEpochs": 1}}
                """;
        Path out = tmp.resolve("r.json");
        int exit = execute("run", "--spec-json", spec, "--out", out.toString(), "--submit", "http://127.0.0.1:9/api/runs/x/result");
        if (System.getenv("TRAITTRACE_RUN_TOKEN") == null) {
            assertThat(exit).isEqualTo(4);
            assertThat(err.toString()).contains("TRAITTRACE_RUN_TOKEN is not set");
        }
        assertThat(out).exists();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
