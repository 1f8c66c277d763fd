package io.traittrace.audit.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.probe.contract.ProbeContract;

/**
 * Runs the built-in probe as child processes, at most {@code concurrency} at once: the same spec and result files
 * as a Job ({@code <work>/<audit>/<run>/spec.json → result.json}, log in {@code probe.log}), the same result
 * intake (with the run's token), a deadline per run. The embedded default for local runs and tests.
 */
public class LocalRunExecutor implements RunExecutor, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalRunExecutor.class);

    private final RunnerConfig.Local config;
    private final RunListener listener;
    private final ExecutorService pool;
    /** Runs queued or running, by run id, with their audit: what cancel and close must stop. */
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

    private static final class Tracked {
        final String auditId;
        volatile Process process;
        volatile boolean cancelled;

        Tracked(String auditId) {
            this.auditId = auditId;
        }
    }

    public LocalRunExecutor(RunnerConfig.Local config, RunListener listener) {
        this.config = config;
        this.listener = listener;
        this.pool = Executors.newFixedThreadPool(config.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "local-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Uni<Void> launch(List<RunLaunch> runs) {
        for (RunLaunch run : runs) {
            if (run.image() != null) {
                listener.finished(run.runId(), false, "the local executor runs the built-in probe only; image audits need Kubernetes");
                continue;
            }
            Tracked entry = new Tracked(run.auditId());
            if (tracked.putIfAbsent(run.runId(), entry) == null) {
                pool.execute(() -> execute(run, entry));
            }
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> cancel(String auditId) {
        tracked.forEach((runId, entry) -> {
            if (entry.auditId.equals(auditId)) {
                entry.cancelled = true;
                stop(entry.process);
            }
        });
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> release(String auditId) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public boolean runsImages() {
        return false;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        tracked.values().forEach(entry -> stop(entry.process));
    }

    private void execute(RunLaunch run, Tracked entry) {
        try {
            if (entry.cancelled) {
                return;
            }
            Path dir = Files.createDirectories(config.workDirectory().resolve(run.auditId()).resolve(run.runId()));
            Path spec = Files.writeString(dir.resolve("spec.json"), run.specJson());
            Path result = dir.resolve("result.json");
            Files.deleteIfExists(result);
            ProcessBuilder builder = new ProcessBuilder(config.probeCommand(), "run", "--spec", spec.toString(), "--out", result.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("probe.log").toFile());
            // A minimal environment: the runner's secrets stay out, and with no result URL or token the child does not try to
            // submit its result (the runner takes the file itself).
            Map<String, String> environment = builder.environment();
            Map<String, String> runner = Map.copyOf(environment);
            environment.clear();
            config.inheritedEnvironment().stream().filter(runner::containsKey).forEach(name -> environment.put(name, runner.get(name)));
            // A runner killed outright cannot stop its children; this lets them stop themselves.
            environment.put(ProbeContract.PARENT_PID_ENV, Long.toString(ProcessHandle.current().pid()));
            entry.process = builder.start();
            listener.running(run.runId());
            boolean exited = entry.process.waitFor(run.deadlineSeconds(), TimeUnit.SECONDS);
            if (entry.cancelled) {
                return;
            }
            if (!exited) {
                stop(entry.process);
                listener.finished(run.runId(), false, "DeadlineExceeded: the probe ran longer than " + run.deadlineSeconds() + " s");
                return;
            }
            int exit = entry.process.exitValue();
            if (exit == 0 && Files.exists(result)) {
                listener.result(run.runId(), run.token(), Files.readAllBytes(result));
            } else {
                listener.finished(run.runId(), false, "the probe exited " + exit + " (" + meaning(exit) + "): " + lastLine(dir.resolve("probe.log")));
            }
        } catch (IOException e) {
            listener.finished(run.runId(), false, "the probe could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(entry.process);
        } finally {
            tracked.remove(run.runId());
        }
    }

    private static String meaning(int exit) {
        return switch (exit) {
            case 0 -> "completed without a result file";
            case 2 -> "bad spec";
            case 3 -> "missing or unreadable data";
            default -> "unexpected failure";
        };
    }

    /**
     * The probe's own last message ("probe: …"), cut to {@link #MAX_REASON} characters. Other output (a stack trace, a library's
     * complaint quoting the bytes it read) stays in the run's log: a reason is shown to every viewer of the audit.
     */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("probe: ")) {
                    String line = lines.get(i);
                    return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "…";
                }
            }
            return "(no probe message; the output is in the run's probe.log)";
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static final int MAX_REASON = 500;

    private static void stop(Process process) {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            LOG.debugf("Stopped probe process %d", process.pid());
        }
    }
}
