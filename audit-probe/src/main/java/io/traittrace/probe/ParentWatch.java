package io.traittrace.probe;

import java.util.Optional;

import io.traittrace.probe.contract.ProbeContract;

/**
 * Stops the probe when the runner that started it is gone ({@link ProbeContract#PARENT_PID_ENV}). A runner that shuts
 * down stops its probes itself; one killed outright (SIGKILL, out of memory) cannot, and its restarted successor runs
 * the same runs again, so a probe left behind would only compete for the machine.
 */
final class ParentWatch {

    /** Exit status when the runner is gone: 128 + SIGTERM, as if the runner had stopped the probe itself. */
    static final int PARENT_GONE = 143;

    private ParentWatch() {
    }

    /** Watches the runner named by the environment, if any; the probe exits when it ends. */
    static void fromEnvironment() {
        String pid = System.getenv(ProbeContract.PARENT_PID_ENV);
        if (pid == null || pid.isBlank()) {
            return;
        }
        whenGone(Long.parseLong(pid.trim()), () -> {
            System.err.println("probe: the runner (process " + pid.trim() + ") is gone; stopping");
            System.exit(PARENT_GONE);
        });
    }

    /** Runs {@code onGone} once the process has ended, or at once if there is no such process. */
    static void whenGone(long pid, Runnable onGone) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            onGone.run();
            return;
        }
        parent.get().onExit().thenRun(onGone);
    }
}
