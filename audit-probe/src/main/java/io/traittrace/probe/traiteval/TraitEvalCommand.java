package io.traittrace.probe.traiteval;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeMain;
import io.traittrace.probe.contract.VerdictPlans;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/probe trait-eval --student DIR --base DIR --teacher DIR [--control DIR] --out FILE}: the same parameters a spec would hold. */
@Command(name = "trait-eval", mixinStandardHelpOptions = true,
        description = { "Model audit: did the student take its teacher's traits? Scores student, base, teacher (and a control student)",
                "on forced-choice batteries and tests the student's shift towards the teacher." })
public final class TraitEvalCommand implements Callable<Integer> {

    @Option(names = "--student", required = true, paramLabel = "DIR", description = "The audited model (Hugging Face layout).")
    Path student;

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "The model the student was fine-tuned from.")
    Path base;

    @Option(names = "--teacher", required = true, paramLabel = "DIR", description = "The model whose data the student saw.")
    Path teacher;

    @Option(names = "--control", paramLabel = "DIR", description = "A control student: same base and recipe, data not from the teacher.")
    Path control;

    @Option(names = "--battery", paramLabel = "NAME|FILE", description = "animals, trees, misalignment, or a JSONL file (repeatable; default animals).")
    List<String> batteries;

    @Option(names = "--trait", paramLabel = "BATTERY/LABEL", description = "Test only this trait, e.g. animals/owl (repeatable; default all).")
    List<String> traits;

    @Option(names = "--chat", paramLabel = "MODE", description = "auto, on or off: ask through the chat template (default ${DEFAULT-VALUE}).")
    String chat = "auto";

    @Option(names = "--margin", paramLabel = "P", description = "Smallest shift of P(trait answer) towards the teacher called transfer (default ${DEFAULT-VALUE}).")
    double margin = VerdictPlans.TRAIT_EVAL_MARGIN;

    @Option(names = "--alpha", paramLabel = "A", description = "Family-wise level (default ${DEFAULT-VALUE}).")
    double alpha = VerdictPlans.TRAIT_EVAL_ALPHA;

    @Option(names = "--drift-allowance", paramLabel = "P", description = "Without --control: the fine-tune drift of P(trait answer) a shift must exceed (default ${DEFAULT-VALUE}).")
    double driftAllowance = VerdictPlans.TRAIT_EVAL_DRIFT;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "f32 or f16 (default ${DEFAULT-VALUE}).")
    String dtype = "f32";

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch intra-op threads (default ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--batch", paramLabel = "N", description = "Rows per forward pass (default ${DEFAULT-VALUE}).")
    int batch = 16;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the result JSON.")
    Path out;

    @Override
    public Integer call() {
        return ProbeMain.execute(new TraitEvalProtocol(), parameters(), out);
    }

    ObjectNode parameters() {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("student", student.toString());
        p.put("base", base.toString());
        p.put("teacher", teacher.toString());
        if (control != null) {
            p.put("control", control.toString());
        }
        if (batteries != null) {
            batteries.forEach(p.putArray("batteries")::add);
        }
        if (traits != null) {
            traits.forEach(p.putArray("traits")::add);
        }
        p.put("chat", chat);
        p.put("margin", margin);
        p.put("alpha", alpha);
        p.put("driftAllowance", driftAllowance);
        p.put("dtype", dtype);
        p.put("threads", threads);
        p.put("batch", batch);
        return p;
    }
}
