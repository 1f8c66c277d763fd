package io.traittrace.probe.family;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/probe family --a DIR --b DIR [--base DIR] --out FILE}: the same parameters a spec would hold. */
@Command(name = "family", mixinStandardHelpOptions = true,
        description = { "Weight-space family test: do two safetensors checkpoints share an initialisation?",
                "Answers SHARED_INIT, INDEPENDENT or INCONCLUSIVE from per-tensor cosine similarities." })
public final class FamilyCommand implements Callable<Integer> {

    @Option(names = "--a", required = true, paramLabel = "DIR", description = "First checkpoint: a directory of *.safetensors (or one file).")
    Path a;

    @Option(names = "--b", required = true, paramLabel = "DIR", description = "Second checkpoint.")
    Path b;

    @Option(names = "--base", paramLabel = "DIR", description = "Optional common base: also report cos(a - base, b - base).")
    Path base;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the result JSON.")
    Path out;

    @Option(names = "--shared-threshold", paramLabel = "COS", description = "Median cosine at or above which: SHARED_INIT (default ${DEFAULT-VALUE}).")
    double sharedThreshold = FamilyProtocol.SHARED_THRESHOLD;

    @Option(names = "--independent-z", paramLabel = "Z", description = "Chance SDs (cosine x sqrt(numel), anchors' z) at or below which: INDEPENDENT (default ${DEFAULT-VALUE}).")
    double independentZ = FamilyProtocol.INDEPENDENT_Z;

    @Option(names = "--anchor-threshold", paramLabel = "R", description = "Anchor Gram correlation at or above which: SHARED_INIT up to a relabelling or rotation (default ${DEFAULT-VALUE}).")
    double anchorThreshold = FamilyProtocol.ANCHOR_THRESHOLD;

    @Option(names = "--anchor", paramLabel = "NAME", description = "A tensor whose first axis is a vocabulary (repeatable; default: embeddings and lm_head by name).")
    java.util.List<String> anchors;

    @Option(names = "--anchor-rows", paramLabel = "N", description = "Vocabulary rows sampled per anchor (default ${DEFAULT-VALUE}).")
    int anchorRows = FamilyProtocol.ANCHOR_ROWS;

    @Option(names = "--min-tensors", paramLabel = "N", description = "Eligible tensors needed for any verdict (default ${DEFAULT-VALUE}).")
    int minTensors = FamilyProtocol.MIN_TENSORS;

    @Option(names = "--min-numel", paramLabel = "N", description = "Smallest tensor, in elements, that counts (default ${DEFAULT-VALUE}).")
    long minNumel = FamilyProtocol.MIN_NUMEL;

    @Option(names = "--max-listed", paramLabel = "N", description = "Tensors listed in the evidence (default ${DEFAULT-VALUE}).")
    int maxListed = FamilyProtocol.MAX_LISTED;

    @Option(names = "--no-digest", description = "Skip the SHA-256 of the checkpoint files (a second full read).")
    boolean noDigest;

    @Override
    public Integer call() {
        return ProbeMain.execute(new FamilyProtocol(), parameters(), out);
    }

    ObjectNode parameters() {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("a", a.toString());
        p.put("b", b.toString());
        if (base != null) {
            p.put("base", base.toString());
        }
        p.put("sharedThreshold", sharedThreshold);
        p.put("independentZ", independentZ);
        p.put("anchorThreshold", anchorThreshold);
        if (anchors != null) {
            anchors.forEach(p.putArray("anchors")::add);
        }
        p.put("anchorRows", anchorRows);
        p.put("minTensors", minTensors);
        p.put("minNumel", minNumel);
        p.put("maxListed", maxListed);
        p.put("digest", !noDigest);
        return p;
    }
}
