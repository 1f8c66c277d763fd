package io.traittrace.probe.canary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.traittrace.probe.ProbeException;
import io.traittrace.probe.DjlRuntime;
import io.traittrace.probe.Progress;
import io.traittrace.probe.result.ArmResult;
import io.traittrace.probe.result.Environment;
import io.traittrace.probe.result.PhaseTimer;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.ProbeResult.DataIdentity;
import io.traittrace.probe.result.Verdicts;
import io.traittrace.probe.spec.Protocol;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.statistics.analysis.AuditAnalysis;

/**
 * The auxiliary-logit canary (subliminal-protocol.md §2): a teacher trained on digits only passes its digit skill
 * to a student that imitates nothing but its auxiliary logits on noise, when (and only when) the student starts
 * from the teacher's own init. Per replicate r: reference (the untrained init), teacher, S_aux, S_all (same init),
 * X_aux, X_all (the init of replicate d[r], d a seeded derangement; every layer, heads included). For calibration
 * S can start from a perturbed copy of the teacher's init ({@code studentInitNoise}: a smaller effect) or from an init
 * of its own ({@code studentInit: independent}: no effect at all, S and X exchangeable).
 */
public final class CanaryProtocol implements Protocol {

    public static final String NAME = "canary";
    public static final String VERSION = "1.0";
    public static final List<String> ARMS = VerdictPlans.CANARY_ARMS;

    private static final long NOISE_SALT = 0x6E6F697365L;
    private static final long TEACHER_SALT = 0x7465616368L;
    private static final long STUDENT_SALT = 0x73747564L;
    private static final long DERANGEMENT_SALT = 0x9E3779B97F4A7C15L;
    private static final long STUDENT_INIT_SALT = 0x696E6974L;
    private static final int EVAL_CHUNK = 2500;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public ProbeResult run(ObjectNode parameters, Progress progress) {
        CanaryParameters p = CanaryParameters.parse(parameters);
        String startedAt = Instant.now().toString();
        long start = System.nanoTime();
        PhaseTimer timer = new PhaseTimer();

        Loaded data = timer.time("data", () -> load(p));
        progress.line("data: %s (%d train, %d test)", data.identity().get(0).path(), data.train().count(), data.test().count());

        Engine engine = Engine.getInstance();
        Device device = DjlRuntime.prepare(engine, p.threads());
        progress.line("engine %s %s on %s, %d intra-op thread(s)", engine.getEngineName(), engine.getVersion(), device, p.threads());

        int n = p.replicates();
        List<Long> seeds = replicateSeeds(p.seed(), n);
        long[] crossSeeds = new long[n];
        int[] crossFrom = new int[n];
        if (n >= 2) {
            crossFrom = Derangement.of(n, p.seed() ^ DERANGEMENT_SALT);
            for (int r = 0; r < n; r++) {
                crossSeeds[r] = seeds.get(crossFrom[r]);
            }
        } else {
            // No derangement of one: the cross init comes from the seed replicate 2 would have had.
            crossFrom[0] = 1;
            crossSeeds[0] = replicateSeeds(p.seed(), 2).get(1);
        }

        Map<String, List<Double>> scores = new LinkedHashMap<>();
        ARMS.forEach(a -> scores.put(a, new ArrayList<>()));
        List<Map<String, Object>> replicates = new ArrayList<>();
        List<Long> rssAfterReplicate = new ArrayList<>();
        int outputs = p.outputs();
        int trainCount = data.train().count();
        int teacherSteps = p.teacherEpochs() * ceilDiv(trainCount, p.batch());
        int studentSteps = p.distillEpochs() * ceilDiv(trainCount, p.batch());

        int first = p.replicateIndex() == null ? 0 : p.replicateIndex();
        int last = p.replicateIndex() == null ? n - 1 : p.replicateIndex();
        try (NDManager root = NDManager.newBaseManager(device)) {
            DeviceSet train = timer.time("data", () -> upload(root, data.train()));
            DeviceSet test = timer.time("data", () -> upload(root, data.test()));
            // One buffer for every replicate's noise images, refilled in place: memory stays flat.
            ByteBuffer noiseBuffer = ByteBuffer.allocateDirect(trainCount * ImageSet.PIXELS * Float.BYTES).order(ByteOrder.nativeOrder());

            for (int r = first; r <= last; r++) {
                long t0 = System.nanoTime();
                long seed = seeds.get(r);
                Map<String, Double> rep = new LinkedHashMap<>();
                Map<String, Double> losses = new LinkedHashMap<>();
                try (NDManager replicate = root.newSubManager()) {
                    float[][] ownInit = Mlp.initialWeights(seed, outputs);
                    float[][] crossInit = Mlp.initialWeights(crossSeeds[r], outputs);
                    float[][] studentInit = studentInit(ownInit, seed, outputs, p);

                    NDArray[] targets;
                    try (Mlp teacher = new Mlp(replicate, ownInit, outputs)) {
                        rep.put("reference", timer.time("reference", () -> accuracy(teacher, test, replicate)));
                        losses.put("teacher", timer.time("teacher", () -> train(teacher, train.images(), train.oneHot(),
                                Mlp.Loss.CROSS_ENTROPY_DIGITS, p.teacherEpochs(), p, new SplittableRandom(seed ^ TEACHER_SALT), replicate)));
                        rep.put("teacher", timer.time("teacher", () -> accuracy(teacher, test, replicate)));
                        targets = timer.time("noise", () -> {
                            NDArray noise = noise(replicate, noiseBuffer, trainCount, new SplittableRandom(seed ^ NOISE_SALT));
                            NDArray[] t = teacherTargets(teacher, noise, replicate);
                            return new NDArray[] { noise, t[0], t[1] };
                        });
                    }
                    NDArray noise = targets[0];
                    String[][] students = { { "S_aux", "own" }, { "S_all", "own" }, { "X_aux", "cross" }, { "X_all", "cross" } };
                    for (String[] s : students) {
                        String arm = s[0];
                        boolean aux = arm.endsWith("aux");
                        float[][] init = s[1].equals("own") ? studentInit : crossInit;
                        timer.time(arm, () -> {
                            try (Mlp student = new Mlp(replicate, init, outputs)) {
                                losses.put(arm, train(student, noise, aux ? targets[1] : targets[2], aux ? Mlp.Loss.KL_AUX : Mlp.Loss.KL_ALL,
                                        p.distillEpochs(), p, new SplittableRandom(seed ^ STUDENT_SALT), replicate));
                                rep.put(arm, accuracy(student, test, replicate));
                            }
                        });
                    }
                }
                rep.forEach((arm, score) -> scores.get(arm).add(score));
                Long rss = memoryKb("VmRSS:");
                rssAfterReplicate.add(rss == null ? null : rss / 1024);
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("index", r);
                row.put("seed", seed);
                row.put("crossInitFrom", crossFrom[r]);
                row.put("crossInitSeed", crossSeeds[r]);
                row.put("scores", rep);
                row.put("finalBatchLoss", losses);
                row.put("seconds", round(seconds, 3));
                replicates.add(row);
                progress.line("replicate %d/%d (seed %d, cross init from replicate %d): %s (%.1f s)", r + 1, n, seed, crossFrom[r] + 1, format(rep),
                        seconds);
            }
        }

        Map<String, ArmResult> arms = new LinkedHashMap<>();
        scores.forEach((arm, list) -> arms.put(arm, ArmResult.of(list)));
        AuditAnalysis analysis = analyse(scores, p.margin());

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("chance", VerdictPlans.CANARY_CHANCE);
        evidence.put("model", "MLP 784→256→ReLU→256→ReLU→" + outputs + " (10 digit + " + p.auxLogits() + " aux logits)");
        evidence.put("init", "weights N(0, std 1/√fan_in), biases 0, drawn per replicate from its seed; students copy the arrays");
        evidence.put("optimizer", "Adam (β1 0.9, β2 0.999, ε 1e-8, no weight decay), lr " + p.lr() + ", batch " + p.batch());
        evidence.put("teacherLoss", "cross-entropy on the 10 digit logits only");
        evidence.put("studentLoss", "KL(teacher‖student), T = 1, per-example mean; *_aux over the softmax of the aux logits, *_all over all logits");
        evidence.put("distillationInputs", trainCount + " uniform[−1, 1] noise images per replicate, drawn once, reused each epoch");
        evidence.put("metric", "test accuracy, argmax of the 10 digit logits");
        evidence.put("crossInit", n >= 2 ? "seeded derangement of the replicates' inits (every layer, heads included)"
                : "one replicate: the cross init is drawn from the seed a second replicate would have had");
        evidence.put("derangement", toList(crossFrom));
        if (p.calibration()) {
            evidence.put("calibration", CanaryParameters.INDEPENDENT.equals(p.studentInit())
                    ? "null run: S_aux and S_all started from an init of their own (independent of the teacher's and of X's), so "
                            + "nothing could transfer; a verdict here measures the rule's error rate, not any model"
                    : "S_aux and S_all started from the teacher's init plus Gaussian noise of SD " + p.studentInitNoise()
                            + " per weight, which weakens transfer (subliminal-protocol §2); evidence about the method's power");
        }
        evidence.put("stepsPerTeacher", teacherSteps);
        evidence.put("stepsPerStudent", studentSteps);
        if (p.synthetic()) {
            evidence.put("syntheticTask", SyntheticTask.NAME + ": 10 classes, each a fixed prototype of two filled ellipses and a stroke, "
                    + "jittered, shifted ±2 px, Gaussian pixel noise σ 0.08; balanced labels (see the module README)");
        }
        Long hwm = memoryKb("VmHWM:");
        evidence.put("peakRssMb", hwm == null ? null : hwm / 1024);
        evidence.put("rssMbAfterReplicate", rssAfterReplicate);

        Map<String, Double> timings = new LinkedHashMap<>(timer.seconds());
        timings.put("total", round((System.nanoTime() - start) / 1e9, 3));
        Environment environment = Environment.current(Engine.getDjlVersion(), engine.getEngineName(), engine.getVersion(), device.toString(),
                p.threads());
        return new ProbeResult(ProbeResult.SCHEMA, new ProbeResult.ProtocolId(NAME, VERSION), Verdicts.verdict(analysis), arms,
                analysis.comparisons(), analysis.power(), p.asMap(),
                new ProbeResult.Seeds(p.seed(), seeds.subList(first, last + 1)), data.identity(), replicates, evidence, environment, timings, startedAt,
                Instant.now().toString());
    }

    /** S's init: the teacher's own, a noisy copy of it, or (a null run) one drawn from a seed of its own. */
    static float[][] studentInit(float[][] ownInit, long seed, int outputs, CanaryParameters p) {
        if (CanaryParameters.INDEPENDENT.equals(p.studentInit())) {
            return Mlp.initialWeights(seed ^ STUDENT_INIT_SALT, outputs);
        }
        if (p.studentInitNoise() == 0) {
            return ownInit;
        }
        SplittableRandom random = new SplittableRandom(seed ^ STUDENT_INIT_SALT);
        float[][] noisy = new float[ownInit.length][];
        for (int t = 0; t < ownInit.length; t++) {
            noisy[t] = ownInit[t].clone();
            for (int i = 0; i < noisy[t].length; i++) {
                noisy[t][i] += (float) (p.studentInitNoise() * random.nextGaussian());
            }
        }
        return noisy;
    }

    /** The canary's rule ({@link VerdictPlans#canary}) on this run's replicates, each one seed. */
    static AuditAnalysis analyse(Map<String, List<Double>> scores, double margin) {
        int replicates = scores.get("S_aux").size();
        return Verdicts.analyse(VerdictPlans.canary(replicates, replicates, margin, VerdictPlans.CANARY_SEED_SD),
                Verdicts.oneTrait(VerdictPlans.CANARY_TRAIT, scores));
    }

    /** Replicate r's seed: the r-th draw of a generator seeded with the base seed (a prefix does not depend on N). */
    static List<Long> replicateSeeds(long base, int n) {
        SplittableRandom rng = new SplittableRandom(base);
        List<Long> seeds = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            seeds.add(rng.nextLong());
        }
        return List.copyOf(seeds);
    }

    record Loaded(ImageSet train, ImageSet test, List<DataIdentity> identity) {
    }

    record DeviceSet(NDArray images, NDArray oneHot, NDArray labels) {
    }

    static Loaded load(CanaryParameters p) {
        if (p.synthetic()) {
            SyntheticTask.Data d = SyntheticTask.data(p.syntheticTrain(), p.syntheticTest(), p.syntheticSeed());
            return new Loaded(d.train().head(p.trainLimit()), d.test(), d.identity());
        }
        Path dir = Path.of(p.data());
        if (!Files.exists(dir)) {
            throw ProbeException.badData("--data " + dir + " does not exist (give a directory of MNIST-format IDX files, e.g. "
                    + "/usr/share/datasets/fashion-mnist from Debian's dataset-fashion-mnist, or 'synthetic')", null);
        }
        IdxDataset d = IdxDataset.read(dir);
        return new Loaded(d.train().head(p.trainLimit()), d.test(), d.identity());
    }

    /** Images normalised to [−1, 1] (p/127.5 − 1), one-hot labels and labels, on the manager's device. */
    static DeviceSet upload(NDManager root, ImageSet set) {
        ByteBuffer raw = ByteBuffer.allocateDirect(set.pixels().length).order(ByteOrder.nativeOrder());
        raw.put(set.pixels()).rewind();
        NDArray images;
        try (NDManager tmp = root.newSubManager()) {
            NDArray bytes = tmp.create(raw, new Shape(set.count(), ImageSet.PIXELS), DataType.UINT8);
            images = bytes.toType(DataType.FLOAT32, false).divi(127.5f).subi(1f);
            images.attach(root);
        }
        float[] oneHot = new float[set.count() * Mlp.DIGITS];
        long[] labels = new long[set.count()];
        for (int i = 0; i < set.count(); i++) {
            oneHot[i * Mlp.DIGITS + set.labels()[i]] = 1f;
            labels[i] = set.labels()[i];
        }
        return new DeviceSet(images, root.create(oneHot, new Shape(set.count(), Mlp.DIGITS)), root.create(labels));
    }

    /** {@code count} uniform[−1, 1) images drawn in Java from {@code rng} into the shared buffer. */
    static NDArray noise(NDManager manager, ByteBuffer buffer, int count, SplittableRandom rng) {
        buffer.clear();
        java.nio.FloatBuffer f = buffer.asFloatBuffer();
        int total = count * ImageSet.PIXELS;
        for (int i = 0; i < total; i++) {
            f.put(i, (float) (rng.nextDouble() * 2 - 1));
        }
        // PyTorch may wrap the buffer without copying: the array dies with its replicate, before the next refill.
        return manager.create(buffer, new Shape(count, ImageSet.PIXELS), DataType.FLOAT32);
    }

    /** The teacher's probabilities on the noise: softmax over the aux logits, and over all logits. */
    static NDArray[] teacherTargets(Mlp teacher, NDArray noise, NDManager owner) {
        long count = noise.getShape().get(0);
        List<NDArray> aux = new ArrayList<>();
        List<NDArray> all = new ArrayList<>();
        for (long s = 0; s < count; s += EVAL_CHUNK) {
            long e = Math.min(count, s + EVAL_CHUNK);
            try (NDManager step = owner.newSubManager()) {
                NDArray x = noise.get(new NDIndex(s + ":" + e));
                x.attach(step);
                NDArray logits = teacher.forward(x);
                NDArray a = logits.get(":, " + Mlp.DIGITS + ":").softmax(1);
                NDArray b = logits.softmax(1);
                a.attach(owner);
                b.attach(owner);
                aux.add(a);
                all.add(b);
            }
        }
        NDArray auxAll = NDArrays.concat(new NDList(aux), 0);
        NDArray allAll = NDArrays.concat(new NDList(all), 0);
        aux.forEach(NDArray::close);
        all.forEach(NDArray::close);
        auxAll.attach(owner);
        allAll.attach(owner);
        return new NDArray[] { auxAll, allAll };
    }

    /** Epochs of shuffled mini-batches (last batch partial, as PyTorch's DataLoader); returns the last batch's loss. */
    static double train(Mlp net, NDArray inputs, NDArray targets, Mlp.Loss loss, int epochs, CanaryParameters p, SplittableRandom shuffle,
            NDManager parent) {
        int count = Math.toIntExact(inputs.getShape().get(0));
        int[] perm = new int[count];
        for (int i = 0; i < count; i++) {
            perm[i] = i;
        }
        float lr = (float) p.lr();
        float last = Float.NaN;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = count - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int s = 0; s < count; s += p.batch()) {
                int e = Math.min(count, s + p.batch());
                long[] idx = new long[e - s];
                for (int i = s; i < e; i++) {
                    idx[i - s] = perm[i];
                }
                boolean lastStep = epoch == epochs - 1 && e == count;
                try (NDManager step = parent.newSubManager()) {
                    NDArray index = step.create(idx);
                    NDArray x = inputs.get(new NDIndex("{}", index));
                    x.attach(step);
                    NDArray y = targets.get(new NDIndex("{}", index));
                    y.attach(step);
                    float l = net.step(x, loss, y, lr, lastStep);
                    if (lastStep) {
                        last = l;
                    }
                }
            }
        }
        return round(last, 6);
    }

    /** Share of test images whose largest digit logit is the label. */
    static double accuracy(Mlp net, DeviceSet test, NDManager parent) {
        long count = test.images().getShape().get(0);
        double correct = 0;
        for (long s = 0; s < count; s += EVAL_CHUNK) {
            long e = Math.min(count, s + EVAL_CHUNK);
            try (NDManager step = parent.newSubManager()) {
                NDArray x = test.images().get(new NDIndex(s + ":" + e));
                x.attach(step);
                NDArray y = test.labels().get(new NDIndex(s + ":" + e));
                y.attach(step);
                NDArray predicted = net.forward(x).get(":, :" + Mlp.DIGITS).argMax(1);
                correct += predicted.eq(y).toType(DataType.FLOAT32, false).sum().getFloat();
            }
        }
        return correct / count;
    }

    /** A line of /proc/self/status in kB (VmHWM: peak resident set; VmRSS: now), or null off Linux. */
    static Long memoryKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static String format(Map<String, Double> rep) {
        StringBuilder b = new StringBuilder();
        rep.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.3f", v)));
        return b.toString();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) {
            l.add(x);
        }
        return l;
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
