package io.traittrace.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.probe.family.FamilyTestCheckpoints;
import picocli.CommandLine;

/** {@code bin/probe family} and {@code bin/probe run} with a family spec, through the real command line (exit codes). */
class FamilyCliTest {

    @TempDir
    static Path dir;

    static Path base, tune, independent;

    @BeforeAll
    static void writeCheckpoints() {
        base = FamilyTestCheckpoints.base(dir.resolve("base"));
        tune = FamilyTestCheckpoints.fineTune(dir.resolve("tune"));
        independent = FamilyTestCheckpoints.independent(dir.resolve("independent"));
    }

    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = ProbeMain.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void familyWritesAResult() throws IOException {
        Path out = dir.resolve("out/shared.json");
        assertThat(execute("family", "--a", base.toString(), "--b", tune.toString(), "--out", out.toString())).isZero();
        JsonNode result = ProbeMain.JSON.readTree(out.toFile());
        assertThat(result.path("schema").asText()).isEqualTo(io.traittrace.probe.result.ProbeResult.SCHEMA);
        assertThat(result.path("protocol").path("name").asText()).isEqualTo("family");
        assertThat(result.path("verdict").path("outcome").asText()).isEqualTo("SHARED_INIT");
        assertThat(result.path("data").get(0).path("digest").asText()).startsWith("sha256:");
        assertThat(result.path("evidence").path("tensors").get(0).has("cosine")).isTrue();
        assertThat(result.path("parameters").path("sharedThreshold").asDouble()).isEqualTo(0.5);
    }

    @Test
    void thresholdsAndBaseFromFlags() throws IOException {
        Path out = dir.resolve("out/independent.json");
        assertThat(execute("family", "--a", base.toString(), "--b", independent.toString(), "--base", base.toString(),
                "--independent-z", "3.5", "--anchor-rows", "64", "--min-tensors", "2", "--no-digest", "--out", out.toString())).isZero();
        JsonNode result = ProbeMain.JSON.readTree(out.toFile());
        assertThat(result.path("verdict").path("outcome").asText()).isEqualTo("INDEPENDENT");
        assertThat(result.path("parameters").path("independentZ").asDouble()).isEqualTo(3.5);
        assertThat(result.path("evidence").path("anchors").get(0).path("rows").asInt()).isEqualTo(64);
        assertThat(result.path("evidence").has("differenceCosine")).isTrue();
        assertThat(result.path("data").get(0).path("digest").isNull()).isTrue();
    }

    @Test
    void aSpecRunsTheSameProtocol() throws IOException {
        Path spec = dir.resolve("spec.json");
        Files.writeString(spec, "{\"protocol\": \"family\", \"parameters\": {\"a\": \"" + base + "\", \"b\": \"" + tune + "\"}}");
        Path out = dir.resolve("out/spec.json");
        assertThat(execute("run", "--spec", spec.toString(), "--out", out.toString())).isZero();
        assertThat(ProbeMain.JSON.readTree(out.toFile()).path("verdict").path("outcome").asText()).isEqualTo("SHARED_INIT");
    }

    @Test
    void aMissingOptionIsExitTwo() {
        assertThat(execute("family", "--b", tune.toString(), "--out", dir.resolve("x.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--a");
    }

    @Test
    void aCorruptHeaderIsExitThree() throws IOException {
        Path bad = Files.createDirectories(dir.resolve("corrupt"));
        Files.write(bad.resolve("model.safetensors"), "{\"not\": \"a safetensors file\"}".getBytes());
        assertThat(execute("family", "--a", base.toString(), "--b", bad.toString(), "--out", dir.resolve("x.json").toString())).isEqualTo(3);
        assertThat(err.toString()).contains("Not a valid safetensors file").contains("declares a header of");
    }

    @Test
    void offsetsOutOfRangeAreExitThree() throws IOException {
        Path bad = Files.createDirectories(dir.resolve("offsets"));
        FamilyTestCheckpoints.raw(bad.resolve("model.safetensors"),
                "{\"w\": {\"dtype\": \"BF16\", \"shape\": [64, 64], \"data_offsets\": [0, 8192]}}", new byte[4096]);
        assertThat(execute("family", "--a", bad.toString(), "--b", base.toString(), "--out", dir.resolve("x.json").toString())).isEqualTo(3);
        assertThat(err.toString()).contains("beyond the 4096 data bytes");
    }

    @Test
    void aTruncatedShardIsExitThree() throws IOException {
        Path bad = FamilyTestCheckpoints.fineTune(dir.resolve("truncated"));
        try (RandomAccessFile raf = new RandomAccessFile(bad.resolve("model.safetensors").toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        assertThat(execute("family", "--a", base.toString(), "--b", bad.toString(), "--out", dir.resolve("x.json").toString())).isEqualTo(3);
        assertThat(err.toString()).contains("truncated?");
    }
}
