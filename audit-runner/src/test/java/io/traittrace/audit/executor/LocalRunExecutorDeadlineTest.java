package io.traittrace.audit.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.traittrace.audit.config.RunnerConfig;

/** A local probe process that outlives its run's deadline is killed, with its children, and the run fails saying why. */
class LocalRunExecutorDeadlineTest {

    record Local(String probeCommand, Path workDirectory, int concurrency, List<String> inheritedEnvironment) implements RunnerConfig.Local {
    }

    @TempDir
    Path dir;

    @Test
    void aProbePastItsDeadlineIsKilledAndItsRunFails() throws IOException {
        Path pids = dir.resolve("pids");
        // A probe that never finishes, and a child of its own: both must go.
        Path probe = Files.writeString(dir.resolve("slow-probe.sh"), """
                #!/bin/sh
                sleep 300 &
                echo "$$ $!" > %s
                wait
                """.formatted(pids));
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rwx------"));
        RecordingListener listener = new RecordingListener();
        String runId = UUID.randomUUID().toString();
        try (LocalRunExecutor executor = new LocalRunExecutor(new Local(probe.toString(), dir.resolve("runs"), 1, List.of("PATH")), listener)) {
            long started = System.nanoTime();
            executor.launch(List.of(new RunLaunch("audit-1", TestRuns.ORGANIZATION, runId, "tt-audit-1-0", null, "{}", "token", 0, null, 1, Map.of())))
                    .await().indefinitely();

            await().atMost(Duration.ofSeconds(20)).until(() -> listener.events().contains(RecordingListener.hasFailed(runId,
                    "DeadlineExceeded: the probe ran longer than 1 s")));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            assertThat(listener.events()).containsExactly(RecordingListener.wasRunning(runId),
                    RecordingListener.hasFailed(runId, "DeadlineExceeded: the probe ran longer than 1 s"));
            String[] both = Files.readString(pids).trim().split(" ");
            for (String pid : both) {
                await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true));
            }
        }
    }
}
