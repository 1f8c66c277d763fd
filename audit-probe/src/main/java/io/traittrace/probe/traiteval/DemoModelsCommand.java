package io.traittrace.probe.traiteval;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.djl.engine.Engine;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/probe demo-models --out DIR}: the small demo family the local run and the tests audit (made once per directory). */
@Command(name = "demo-models", mixinStandardHelpOptions = true,
        description = { "Write a small model family in the Hugging Face format (base, owl teacher, student, control student, null student)",
                "for trying the model audit; made from nothing on CPU in about a minute, reused when DIR already holds it." })
public final class DemoModelsCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the family goes (one subdirectory per model).")
    Path out;

    @Override
    public Integer call() {
        try {
            DjlRuntime.prepare(Engine.getInstance(), 1);
            Map<String, Path> models = DemoModels.ensure(out, new Progress(System.err, "demo-models"));
            models.forEach((role, dir) -> System.out.println(role + "\t" + dir.toAbsolutePath()));
            return 0;
        } catch (ProbeException e) {
            System.err.println(e.getMessage());
            return e.exitCode();
        }
    }
}
