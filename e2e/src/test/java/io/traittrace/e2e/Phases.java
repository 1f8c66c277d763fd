package io.traittrace.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Times the phases of the run and prints each as it ends, and all of them once at the end. */
final class Phases {

    private static final List<String> FINISHED = new ArrayList<>();

    private Phases() {
    }

    /** A phase that prints its duration when closed: {@code try (var phase = Phases.start("...")) { ... }}. */
    static Phase start(String name) {
        return new Phase(name, System.nanoTime());
    }

    static void print(String line) {
        System.out.println("[e2e] " + line);
    }

    static synchronized void printSummary() {
        print("phases:");
        FINISHED.forEach(line -> print("  " + line));
    }

    private static synchronized void finished(String line) {
        FINISHED.add(line);
    }

    record Phase(String name, long startedNanos) implements AutoCloseable {

        @Override
        public void close() {
            String line = String.format(Locale.ROOT, "%-60s %7.1f s", name, (System.nanoTime() - startedNanos) / 1e9);
            finished(line);
            print(line);
        }
    }
}
