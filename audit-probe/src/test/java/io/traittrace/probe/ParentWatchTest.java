package io.traittrace.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ParentWatchTest {

    @Test
    void firesOnceTheWatchedProcessEndsAndNotBefore() throws Exception {
        Process parent = new ProcessBuilder("sleep", "60").start();
        try {
            CountDownLatch gone = new CountDownLatch(1);
            ParentWatch.whenGone(parent.pid(), gone::countDown);
            assertThat(gone.await(1, TimeUnit.SECONDS)).as("fired while the process lives").isFalse();
            parent.destroyForcibly();
            assertThat(gone.await(15, TimeUnit.SECONDS)).as("fired after the process ended").isTrue();
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void firesAtOnceForAProcessThatIsAlreadyGone() throws Exception {
        Process parent = new ProcessBuilder("true").start();
        parent.waitFor();
        CountDownLatch gone = new CountDownLatch(1);
        ParentWatch.whenGone(parent.pid(), gone::countDown);
        assertThat(gone.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
