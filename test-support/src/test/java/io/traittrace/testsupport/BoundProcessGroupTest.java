package io.traittrace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local stack's Keycloak must end with the stack: here a {@code sleep} stands in for the server and for the stack. */
class BoundProcessGroupTest {

    private Process owner;
    private BoundProcessGroup group;

    @AfterEach
    void cleanUp() {
        if (group != null) {
            group.stop();
        }
        if (owner != null) {
            owner.destroyForcibly();
        }
    }

    @Test
    void theServerEndsWhenItsOwnerIsKilled() throws Exception {
        owner = new ProcessBuilder("sleep", "300").start();
        group = BoundProcessGroup.start(new ProcessBuilder("sleep", "300"), owner.pid(), Duration.ofSeconds(5));
        List<ProcessHandle> server = serverOf(group);

        owner.destroyForcibly(); // SIGKILL: no shutdown hook runs
        owner.waitFor();

        await().atMost(Duration.ofSeconds(10)).until(() -> server.stream().noneMatch(ProcessHandle::isAlive) && !group.isAlive());
    }

    @Test
    void aServerThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
        owner = new ProcessBuilder("sleep", "300").start();
        group = BoundProcessGroup.start(new ProcessBuilder("sh", "-c", "trap '' TERM; while true; do sleep 1; done"), owner.pid(),
                Duration.ofSeconds(2));
        List<ProcessHandle> server = serverOf(group);

        owner.destroyForcibly();

        await().atMost(Duration.ofSeconds(15)).until(() -> server.stream().noneMatch(ProcessHandle::isAlive) && !group.isAlive());
    }

    @Test
    void stopEndsTheServerAndReturnsOnlyOnceItIsGone() throws Exception {
        group = BoundProcessGroup.start(new ProcessBuilder("sleep", "300"), Duration.ofSeconds(5));
        List<ProcessHandle> server = serverOf(group);

        group.stop();

        assertThat(group.isAlive()).isFalse();
        assertThat(server).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void theServerRunsOnWhileItsOwnerLives() throws Exception {
        owner = new ProcessBuilder("sleep", "300").start();
        group = BoundProcessGroup.start(new ProcessBuilder("sleep", "300"), owner.pid(), Duration.ofSeconds(5));
        List<ProcessHandle> server = serverOf(group);

        // Through the watcher's polls of the owner (one a second), the server keeps running.
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> group.isAlive() && server.stream().allMatch(ProcessHandle::isAlive));
    }

    /** The server: the watcher's child other than its poll ({@code sleep 1}). */
    private static List<ProcessHandle> serverOf(BoundProcessGroup group) {
        Predicate<ProcessHandle> poll = p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals("1")).orElse(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> group.process().children().anyMatch(poll.negate()));
        return group.process().children().filter(poll.negate()).toList();
    }
}
