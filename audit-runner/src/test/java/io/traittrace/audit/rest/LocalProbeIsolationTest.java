package io.traittrace.audit.rest;

import static io.traittrace.audit.rest.RunnerApi.awaitState;
import static io.traittrace.audit.rest.RunnerApi.canary;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.probe.contract.ProbeContract;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

import jakarta.inject.Inject;

/**
 * A local probe process runs with a minimal environment (the runner's secrets never reach code that reads a request's paths)
 * and what it prints reaches the audit's reasons only as its own "probe: " messages. The probe here is a script that records
 * its environment and prints what a library might when handed someone else's file.
 */
@QuarkusTest
@TestProfile(LocalProbeIsolationTest.RecordingProbe.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class LocalProbeIsolationTest {

    static final Path WORK = Path.of("target/isolation-runs").toAbsolutePath();

    public static class RecordingProbe implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path script = Files.createDirectories(Path.of("target")).resolve("recording-probe.sh");
                // Arguments: run --spec SPEC --out RESULT; the environment's names go beside the spec.
                Files.writeString(script, """
                        #!/bin/sh
                        env | cut -d= -f1 | sort > "$(dirname "$3")/environment.txt"
                        echo 'unexpected header: root:x:0:0:root:/root:/bin/bash'
                        exit 3
                        """);
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
                return Map.of("runner.local.probe-command", script.toAbsolutePath().toString(), "runner.local.work-directory", WORK.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @OidcWireMock
    WireMockServer wiremock;

    @Inject
    RunnerConfig config;

    @Test
    void theProbeGetsOnlyTheInheritedEnvironmentAndItsStrayOutputStaysInTheLog() throws Exception {
        String student = id("student");
        lineage(wiremock, student, null, null);
        String auditId = as("auditor").body(canary(id("key"), student, 3).toString()).post("/api/audits").then().statusCode(202)
                .extract().path("id");
        JsonPath done = awaitState(auditId, "FAILED", Duration.ofSeconds(60));

        String runId = done.getString("runs[0].id");
        Set<String> seen = new HashSet<>(Files.readAllLines(WORK.resolve(auditId).resolve(runId).resolve("environment.txt")));
        Set<String> allowed = new HashSet<>(config.local().inheritedEnvironment());
        // Set by the runner itself, or by the shell that runs the script.
        allowed.addAll(List.of(ProbeContract.PARENT_PID_ENV, "PWD", "SHLVL", "_", "OLDPWD"));
        assertThat(seen).as("the probe's environment").isSubsetOf(allowed).contains(ProbeContract.PARENT_PID_ENV);
        assertThat(System.getenv().keySet()).as("variables this test runner has that the probe must not").isNotEmpty()
                .anyMatch(name -> !allowed.contains(name));

        for (String reason : done.getList("runs.reason", String.class)) {
            assertThat(reason).startsWith("the probe exited 3 (missing or unreadable data): (no probe message")
                    .doesNotContain("root:x:0:0");
        }
    }
}
