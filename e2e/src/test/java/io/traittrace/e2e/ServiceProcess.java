package io.traittrace.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) as a child process, started as
 * bin/run-local starts it: {@code java -jar} with its settings in the environment, on a fixed port so that it can be
 * killed and started again where the gateway expects it. Its output goes to {@code <log>} (appended across restarts).
 */
final class ServiceProcess {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;
    /** Children of killed instances (a runner's probe processes outlive a SIGKILL): stopped with the service. */
    private final List<ProcessHandle> leftovers = new ArrayList<>();

    ServiceProcess(String name, Path jar, int port, Map<String, String> environment, Path log) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    URI url() {
        return URI.create("http://localhost:" + port);
    }

    synchronized void start() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the service first (the e2e module's reactor does)");
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    void awaitReady() {
        try {
            Awaitility.await(name + " ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(this::ready);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " was not ready within " + READY_TIMEOUT + "; see " + log, e);
        }
    }

    /** Whether {@code /q/health/ready} answers 200 now; a process that exited will never be. */
    private boolean ready() throws InterruptedException {
        Process current = current();
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(name + " exited while starting; see " + log);
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(url().resolve("/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false; // not listening yet
        }
    }

    /**
     * SIGKILL to the service's JVM alone, as a crash would; its child processes are left to themselves (remembered,
     * and stopped with the service if still running). Returns how many there were.
     */
    synchronized int kill() {
        if (process == null) {
            return 0;
        }
        List<ProcessHandle> children = process.descendants().toList();
        leftovers.addAll(children);
        process.destroyForcibly();
        await(process);
        process = null;
        return children.size();
    }

    /** SIGTERM (a graceful shutdown), SIGKILL if it takes too long; then whatever it or a killed instance left running. */
    synchronized void stop() {
        if (process != null) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!await(process)) {
                process.destroyForcibly();
                await(process);
            }
            children.forEach(ProcessHandle::destroyForcibly);
            process = null;
        }
        leftovers.forEach(ProcessHandle::destroyForcibly);
        leftovers.clear();
    }

    /** For the shutdown hook: kills at once, whatever state the run is in. */
    void killEverything() {
        Process current = current();
        if (current != null) {
            current.descendants().forEach(ProcessHandle::destroyForcibly);
            current.destroyForcibly();
        }
        synchronized (this) {
            leftovers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Descendants of killed instances still running. */
    synchronized List<ProcessHandle> leftoversAlive() {
        return leftovers.stream().filter(ProcessHandle::isAlive).toList();
    }

    private synchronized Process current() {
        return process;
    }

    private static boolean await(Process process) {
        try {
            return process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
