package io.traittrace.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server started in a process group of its own that ends with the process that started it, however that one ends.
 * A shutdown hook stops the group on a normal exit or a signal; a KILLed JVM runs no hook, so a watcher shell in the
 * group polls the owner's pid and stops the group once the owner is gone. (A Keycloak left behind by a killed local
 * stack kept its port, and the next stack silently used the stale server.) The watcher is the group's leader: the
 * {@link Process} it returns ends only after the server did.
 */
public final class BoundProcessGroup {

    /**
     * {@code $1}: the owner's pid; the rest: the server's command. TERM from {@link #stop} reaches the whole group; the
     * watcher then only waits for the server. Owner gone: it stops the group itself, KILLs it after the grace.
     */
    private static final String WATCHER = """
            owner=$1; shift
            "$@" &
            server=$!
            trap 'stopping=1' TERM
            while [ -z "${stopping:-}" ] && kill -0 "$owner" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
            if [ -z "${stopping:-}" ] && kill -0 "$server" 2>/dev/null; then
              trap '' TERM
              kill -TERM 0
              waited=0
              while kill -0 "$server" 2>/dev/null && [ "$waited" -lt "$GRACE_SECONDS" ]; do sleep 1; waited=$((waited + 1)); done
              kill -KILL 0
            fi
            while kill -0 "$server" 2>/dev/null; do wait "$server"; done
            """;

    private final Process watcher;
    private final Duration grace;

    private BoundProcessGroup(Process watcher, Duration grace) {
        this.watcher = watcher;
        this.grace = grace;
    }

    /**
     * Starts {@code server}'s command (directory, environment and redirects as set on it) in a new process group
     * bound to the process {@code ownerPid}; {@code grace}: how long the server gets to stop before it is KILLed.
     */
    public static BoundProcessGroup start(ProcessBuilder server, long ownerPid, Duration grace) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid", "/bin/sh", "-c", WATCHER, "bound-process-group",
                Long.toString(ownerPid)));
        command.addAll(server.command());
        server.command(command);
        server.environment().put("GRACE_SECONDS", Long.toString(grace.toSeconds()));
        return new BoundProcessGroup(server.start(), grace);
    }

    /** Bound to this JVM. */
    public static BoundProcessGroup start(ProcessBuilder server, Duration grace) throws IOException {
        return start(server, ProcessHandle.current().pid(), grace);
    }

    /** The group's leader: it ends once the server ended. */
    public Process process() {
        return watcher;
    }

    public boolean isAlive() {
        return watcher.isAlive();
    }

    /** Stops the whole group: TERM, and KILL if the server does not end within the grace. */
    public void stop() {
        if (!watcher.isAlive()) {
            return;
        }
        signal("TERM");
        try {
            if (!watcher.waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
                signal("KILL");
                watcher.waitFor(grace.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String signal) {
        try {
            // setsid made the watcher the leader of its own group, so the group id is its pid.
            new ProcessBuilder("kill", "-" + signal, "--", "-" + watcher.pid()).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
