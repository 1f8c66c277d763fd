package io.traittrace.probe.canary;

import static io.traittrace.probe.spec.SpecValues.integer;
import static io.traittrace.probe.spec.SpecValues.longValue;
import static io.traittrace.probe.spec.SpecValues.number;
import static io.traittrace.probe.spec.SpecValues.onlyKnown;
import static io.traittrace.probe.spec.SpecValues.rate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.contract.VerdictPlans;

/**
 * The canary's parameters, as a spec's {@code "parameters"} holds them (the {@code canary} command builds the
 * same object from its flags). Defaults are the authors' script's; only {@code data} and {@code replicates}
 * are required.
 */
public record CanaryParameters(String data, int replicates, int auxLogits, int teacherEpochs, int distillEpochs, int batch,
        double lr, long seed, int threads, Integer trainLimit, int syntheticTrain, int syntheticTest, long syntheticSeed,
        Integer replicateIndex, double margin, String studentInit, double studentInitNoise) {

    public static final String SYNTHETIC = "synthetic";
    /** S_aux and S_all start from the teacher's init: the canary proper. */
    public static final String SHARED = "shared";
    /** S_aux and S_all start from an init of their own: nothing can transfer, a null run that calibrates the rule. */
    public static final String INDEPENDENT = "independent";
    static final List<String> NAMES = List.of("data", "replicates", "auxLogits", "teacherEpochs", "distillEpochs", "batch", "lr",
            "seed", "threads", "trainLimit", "syntheticTrain", "syntheticTest", "syntheticSeed", "replicateIndex", "margin",
            "studentInit", "studentInitNoise");

    public static CanaryParameters parse(ObjectNode p) {
        onlyKnown(p, NAMES, "canary");
        JsonNode data = p.get("data");
        if (data == null || !data.isTextual() || data.asText().isBlank()) {
            throw ProbeException.badSpec("The canary needs \"data\": a directory of MNIST-format IDX files, or \"synthetic\"");
        }
        if (p.get("replicates") == null) {
            throw ProbeException.badSpec("The canary needs \"replicates\" (the paper used 100; at least 25 for a stable mean, 5 shows the effect)");
        }
        int replicates = integer(p, "replicates", 0, 1, 10_000);
        if (p.path("auxLogits").isIntegralNumber() && p.get("auxLogits").asLong() == 1) {
            throw ProbeException.badSpec("\"auxLogits\" must be in 2..1000, got 1 (one aux logit has a constant softmax: zero gradient)");
        }
        int aux = integer(p, "auxLogits", 3, 2, 1000);
        int teacherEpochs = integer(p, "teacherEpochs", 5, 1, 10_000);
        int distillEpochs = integer(p, "distillEpochs", 5, 1, 10_000);
        int batch = integer(p, "batch", 1024, 1, 1 << 20);
        double lr = rate(p, "lr", 3e-4);
        long seed = p.has("seed") ? longValue(p, "seed") : 1L;
        int threads = integer(p, "threads", 1, 1, 1024);
        Integer trainLimit = p.has("trainLimit") && !p.get("trainLimit").isNull() ? integer(p, "trainLimit", 0, 1, Integer.MAX_VALUE) : null;
        int syntheticTrain = integer(p, "syntheticTrain", 20_000, 10, 1_000_000);
        int syntheticTest = integer(p, "syntheticTest", 2_000, 10, 1_000_000);
        long syntheticSeed = p.has("syntheticSeed") ? longValue(p, "syntheticSeed") : 1L;
        // The audit runner spreads replicates over Jobs: each runs one replicate of the same N-replicate design.
        Integer replicateIndex = p.has("replicateIndex") && !p.get("replicateIndex").isNull()
                ? integer(p, "replicateIndex", 0, 0, replicates - 1) : null;
        double margin = number(p, "margin", VerdictPlans.CANARY_MARGIN);
        if (!(margin > 0 && margin <= 1)) {
            throw ProbeException.badSpec("\"margin\" is the largest S_aux − X_aux accuracy difference the run may call \"no transfer\", in (0, 1]; got "
                    + margin);
        }
        JsonNode init = p.get("studentInit");
        if (init != null && !(init.isTextual() && List.of(SHARED, INDEPENDENT).contains(init.asText()))) {
            throw ProbeException.badSpec("\"studentInit\" is \"shared\" (S starts from the teacher's init) or \"independent\" "
                    + "(a null run: S starts from an init of its own); got " + init);
        }
        String studentInit = init == null ? SHARED : init.asText();
        double noise = number(p, "studentInitNoise", 0);
        if (!(noise >= 0 && noise <= 1)) {
            throw ProbeException.badSpec("\"studentInitNoise\" is the SD of Gaussian noise added to S's copy of the teacher's init, "
                    + "in [0, 1]; got " + noise);
        }
        if (noise > 0 && INDEPENDENT.equals(studentInit)) {
            throw ProbeException.badSpec("\"studentInitNoise\" perturbs a shared init; with \"studentInit\": \"independent\" leave it out");
        }
        return new CanaryParameters(data.asText(), replicates, aux, teacherEpochs, distillEpochs, batch, lr, seed, threads, trainLimit,
                syntheticTrain, syntheticTest, syntheticSeed, replicateIndex, margin, studentInit, noise);
    }

    /** Whether S starts from anything but the teacher's exact init: a run about the method, at a known effect or none. */
    public boolean calibration() {
        return INDEPENDENT.equals(studentInit) || studentInitNoise > 0;
    }

    public boolean synthetic() {
        return SYNTHETIC.equals(data);
    }

    public int outputs() {
        return Mlp.DIGITS + auxLogits;
    }

    /** Every parameter as the run used it, defaults included. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("replicates", replicates);
        m.put("auxLogits", auxLogits);
        m.put("teacherEpochs", teacherEpochs);
        m.put("distillEpochs", distillEpochs);
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("seed", seed);
        m.put("threads", threads);
        m.put("trainLimit", trainLimit);
        if (synthetic()) {
            m.put("syntheticTrain", syntheticTrain);
            m.put("syntheticTest", syntheticTest);
            m.put("syntheticSeed", syntheticSeed);
        }
        m.put("replicateIndex", replicateIndex);
        m.put("margin", margin);
        m.put("studentInit", studentInit);
        m.put("studentInitNoise", studentInitNoise);
        return m;
    }
}
