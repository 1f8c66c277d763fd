package io.traittrace.probe;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Progress lines on stderr ("2026-11-26T23:40:01Z canary replicate 3/10: teacher 0.91"); stdout stays clean. */
public final class Progress {

    private final PrintStream out;
    private final String protocol;

    public Progress(PrintStream out, String protocol) {
        this.out = out;
        this.protocol = protocol;
    }

    public void line(String format, Object... args) {
        out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + protocol + " " + String.format(format, args));
        out.flush();
    }
}
