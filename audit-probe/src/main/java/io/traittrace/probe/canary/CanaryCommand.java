package io.traittrace.probe.canary;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/probe canary --data DIR|synthetic --replicates N --out FILE [...]}: builds the parameters a spec's
 * {@code "parameters"} would hold (only the flags given; the protocol applies the defaults) and runs the canary.
 */
@Command(name = "canary", mixinStandardHelpOptions = true,
        description = { "The auxiliary-logit canary (subliminal-protocol.md §2): does a same-init student learn digits from a teacher's aux logits on noise?",
                "Defaults are the authors' script's. Exit 0 whatever the verdict; 2 bad option; 3 missing or unreadable data." })
public final class CanaryCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "DIR|synthetic",
            description = "Directory of MNIST-format IDX files (train-/t10k-images/labels, gzipped or not), e.g. /usr/share/datasets/fashion-mnist; or 'synthetic'.")
    String data;

    @Option(names = "--replicates", required = true, paramLabel = "N", description = "Independent replicates (the paper: 100; 5 shows the effect).")
    int replicates;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the result JSON.")
    Path out;

    @Option(names = "--aux-logits", paramLabel = "M", description = "Auxiliary logits m (default 3).")
    Integer auxLogits;

    @Option(names = "--teacher-epochs", paramLabel = "E", description = "Teacher epochs (default 5).")
    Integer teacherEpochs;

    @Option(names = "--distill-epochs", paramLabel = "E", description = "Student epochs on the noise (default 5).")
    Integer distillEpochs;

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default 1024).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate (default 3e-4).")
    Double lr;

    @Option(names = "--seed", paramLabel = "S", description = "Base seed; replicate seeds derive from it (default 1).")
    Long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Intra-op threads (default 1; results are bit-identical at the same count).")
    Integer threads;

    @Option(names = "--train-limit", paramLabel = "K", description = "Use only the first K training images (and K noise images).")
    Integer trainLimit;

    @Option(names = "--synthetic-train", paramLabel = "K", description = "Synthetic task: training images (default 20000).")
    Integer syntheticTrain;

    @Option(names = "--synthetic-test", paramLabel = "K", description = "Synthetic task: test images (default 2000).")
    Integer syntheticTest;

    @Option(names = "--margin", paramLabel = "M", description = "The largest S_aux − X_aux accuracy difference the verdict may call "
            + "\"no transfer\" (default 0.2; fewer replicates need a larger one to reach it).")
    Double margin;

    @Option(names = "--student-init", paramLabel = "shared|independent", description = "Calibration: \"independent\" starts S from an "
            + "init of its own, a null run where nothing can transfer (default shared).")
    String studentInit;

    @Option(names = "--student-init-noise", paramLabel = "SD", description = "Calibration: Gaussian noise added to S's copy of the "
            + "teacher's init, a weaker effect (default 0).")
    Double studentInitNoise;

    @Override
    public Integer call() {
        return ProbeMain.execute(new CanaryProtocol(), parameters(), out);
    }

    ObjectNode parameters() {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("data", data);
        p.put("replicates", replicates);
        putIfSet(p, "auxLogits", auxLogits);
        putIfSet(p, "teacherEpochs", teacherEpochs);
        putIfSet(p, "distillEpochs", distillEpochs);
        putIfSet(p, "batch", batch);
        if (lr != null) {
            p.put("lr", lr);
        }
        if (seed != null) {
            p.put("seed", seed);
        }
        putIfSet(p, "threads", threads);
        putIfSet(p, "trainLimit", trainLimit);
        putIfSet(p, "syntheticTrain", syntheticTrain);
        putIfSet(p, "syntheticTest", syntheticTest);
        if (margin != null) {
            p.put("margin", margin);
        }
        if (studentInit != null) {
            p.put("studentInit", studentInit);
        }
        if (studentInitNoise != null) {
            p.put("studentInitNoise", studentInitNoise);
        }
        return p;
    }

    private static void putIfSet(ObjectNode p, String name, Integer value) {
        if (value != null) {
            p.put(name, value);
        }
    }
}
