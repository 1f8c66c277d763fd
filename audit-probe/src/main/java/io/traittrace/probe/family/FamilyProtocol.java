package io.traittrace.probe.family;

import io.traittrace.probe.safetensors.Checkpoint;
import io.traittrace.probe.safetensors.TensorInfo;

import io.traittrace.digest.ModelDirectoryDigest;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.Progress;
import io.traittrace.probe.result.Environment;
import io.traittrace.probe.result.PhaseTimer;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.ProbeResult.DataIdentity;
import io.traittrace.probe.result.Verdict;
import io.traittrace.probe.result.Verdict.Outcome;

/**
 * The weight-space family test (subliminal-protocol §4): do two checkpoints share an initialisation?
 * Tensors are matched by name and shape and compared by cosine similarity, streamed from the safetensors
 * files in one pass; the vocabulary-anchored tensors (embedding, unembedding) are also compared by a statistic
 * that permutations of hidden units and rotations of the residual stream leave unchanged ({@link AnchorGram}).
 * See {@link #RULE} for the verdict and docs/probe/figures.md for the calibration behind the defaults.
 *
 * <p>Parameters: {@code a}, {@code b} (checkpoint directories or single .safetensors files, required),
 * {@code base} (optional: also report cos(a − base, b − base) per tensor), {@code sharedThreshold} (0.5),
 * {@code independentZ} (4), {@code anchorThreshold} (0.5), {@code anchors} (tensor names whose first axis is a
 * vocabulary; default: recognised by name), {@code anchorRows} (512), {@code minTensors} (4), {@code minNumel}
 * (1024), {@code maxListed} (2000 tensors listed in the evidence, then the summary only) and {@code digest}
 * (true: SHA-256 every file, a second full read).
 */
public final class FamilyProtocol implements io.traittrace.probe.spec.Protocol {

    public static final String NAME = "family";
    public static final String VERSION = "1.1";

    public static final double SHARED_THRESHOLD = 0.5;
    public static final double INDEPENDENT_Z = 4;
    public static final double ANCHOR_THRESHOLD = 0.5;
    public static final int ANCHOR_ROWS = 512;
    public static final int MIN_TENSORS = 4;
    public static final long MIN_NUMEL = 1024;
    public static final int MAX_LISTED = 2000;

    static final String RULE = "Eligible tensors: present in both checkpoints with the same name and shape, a float dtype "
            + "(F32/F16/BF16), at least 2 dimensions, at least minNumel elements, finite values and non-zero norms "
            + "(1-D norm scales and biases are initialised to constants, so they agree across independent inits; "
            + "tiny tensors have chance cosines of order 1/sqrt(numel)); each cosine's z is cosine x sqrt(numel), its size "
            + "against chance. Anchors: eligible tensors whose first axis is a vocabulary (embed_tokens, lm_head, wte, "
            + "word_embeddings, tok_embeddings, embed_in, embed_out, output, or those named in 'anchors'), compared by "
            + "the correlation of their Gram matrices over anchorRows evenly spaced rows, which permuting hidden units "
            + "or rotating the residual stream does not change, with its z against 200 relabellings of B's rows. "
            + "Fewer than minTensors eligible tensors: INCONCLUSIVE. SHARED_INIT if the median cosine >= sharedThreshold, "
            + "or if every anchor's Gram correlation >= anchorThreshold with z >= independentZ (the same init up to a "
            + "relabelling or rotation). INDEPENDENT if the median |z| of the cosines <= independentZ and every anchor's "
            + "|z| <= independentZ (at least one anchor: without one, a permuted or rotated copy cannot be ruled out). "
            + "Otherwise INCONCLUSIVE. With a base, cos(a - base, b - base) is evidence only.";

    private static final Set<String> PARAMETERS = Set.of("a", "b", "base", "sharedThreshold", "independentZ",
            "anchorThreshold", "anchors", "anchorRows", "minTensors", "minNumel", "maxListed", "digest");

    /** Vocabulary-pinned tensors of the common layouts (Llama/Qwen2/Mistral, GPT-2, BERT, Meta's Llama, GPT-NeoX). */
    private static final java.util.regex.Pattern ANCHOR_NAME = java.util.regex.Pattern.compile(
            "(^|.*\\.)(embed_tokens|lm_head|wte|word_embeddings|tok_embeddings|embed_in|embed_out)\\.weight|output\\.weight");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    /** The parameters, validated, with defaults filled in. */
    record Params(Path a, Path b, Path base, double sharedThreshold, double independentZ, double anchorThreshold,
            List<String> anchors, int anchorRows, int minTensors, long minNumel, int maxListed, boolean digest) {

        static Params of(ObjectNode p) {
            for (Iterator<String> it = p.fieldNames(); it.hasNext();) {
                String key = it.next();
                if (!PARAMETERS.contains(key)) {
                    throw ProbeException.badSpec("Unknown family parameter '" + key + "'; known: " + new java.util.TreeSet<>(PARAMETERS));
                }
            }
            Params params = new Params(path(p, "a", true), path(p, "b", true), path(p, "base", false),
                    number(p, "sharedThreshold", SHARED_THRESHOLD), number(p, "independentZ", INDEPENDENT_Z),
                    number(p, "anchorThreshold", ANCHOR_THRESHOLD), names(p, "anchors"), (int) integer(p, "anchorRows", ANCHOR_ROWS),
                    (int) integer(p, "minTensors", MIN_TENSORS), integer(p, "minNumel", MIN_NUMEL),
                    (int) integer(p, "maxListed", MAX_LISTED), bool(p, "digest", true));
            if (!(params.sharedThreshold > 0 && params.sharedThreshold <= 1 && params.anchorThreshold > 0
                    && params.anchorThreshold <= 1)) {
                throw ProbeException.badSpec("sharedThreshold and anchorThreshold are correlations in (0, 1]; got "
                        + params.sharedThreshold + " and " + params.anchorThreshold);
            }
            if (!(params.independentZ > 0 && Double.isFinite(params.independentZ))) {
                throw ProbeException.badSpec("independentZ is a number of chance standard deviations, above 0; got " + params.independentZ);
            }
            if (params.minTensors < 1 || params.minNumel < 1 || params.maxListed < 0 || params.anchorRows < 8) {
                throw ProbeException.badSpec("minTensors and minNumel must be at least 1, maxListed at least 0, anchorRows at least 8");
            }
            return params;
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("a", a.toString());
            m.put("b", b.toString());
            if (base != null) {
                m.put("base", base.toString());
            }
            m.put("sharedThreshold", sharedThreshold);
            m.put("independentZ", independentZ);
            m.put("anchorThreshold", anchorThreshold);
            if (anchors != null) {
                m.put("anchors", anchors);
            }
            m.put("anchorRows", anchorRows);
            m.put("minTensors", minTensors);
            m.put("minNumel", minNumel);
            m.put("maxListed", maxListed);
            m.put("digest", digest);
            return m;
        }

        private static Path path(ObjectNode p, String key, boolean required) {
            JsonNode v = p.get(key);
            if (v == null || v.isNull()) {
                if (required) {
                    throw ProbeException.badSpec("The family test needs parameter '" + key + "' (a checkpoint directory)");
                }
                return null;
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                throw ProbeException.badSpec("Parameter '" + key + "' must be a path string");
            }
            return Path.of(v.asText());
        }

        private static List<String> names(ObjectNode p, String key) {
            JsonNode v = p.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            List<String> names = new ArrayList<>();
            if (v.isArray()) {
                v.forEach(n -> names.add(n.isTextual() ? n.asText() : ""));
            }
            if (!v.isArray() || names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
                throw ProbeException.badSpec("Parameter '" + key + "' must be a non-empty array of tensor names");
            }
            return List.copyOf(names);
        }

        private static double number(ObjectNode p, String key, double fallback) {
            JsonNode v = p.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber()) {
                throw ProbeException.badSpec("Parameter '" + key + "' must be a number");
            }
            return v.asDouble();
        }

        private static long integer(ObjectNode p, String key, long fallback) {
            JsonNode v = p.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw ProbeException.badSpec("Parameter '" + key + "' must be an integer");
            }
            return v.asLong();
        }

        private static boolean bool(ObjectNode p, String key, boolean fallback) {
            JsonNode v = p.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw ProbeException.badSpec("Parameter '" + key + "' must be true or false");
            }
            return v.asBoolean();
        }
    }

    /** One matched tensor's outcome. */
    record Row(TensorInfo a, TensorInfo b, TensorStreamer.Sums sums, String excluded) {
        boolean eligible() {
            return excluded == null;
        }

        /** The cosine in units of its chance SD, 1/sqrt(numel). */
        double z() {
            return sums.cosine() * Math.sqrt(sums.numel());
        }
    }

    /** One anchor tensor's Gram comparison. */
    record Anchor(String name, AnchorGram.Result gram) {
    }

    @Override
    public ProbeResult run(ObjectNode parameters, Progress progress) {
        String startedAt = now();
        Params p = Params.of(parameters);
        PhaseTimer timer = new PhaseTimer();

        Checkpoint[] opened = timer.time("headers", () -> new Checkpoint[] { Checkpoint.open(p.a()), Checkpoint.open(p.b()),
                p.base() == null ? null : Checkpoint.open(p.base()) });
        Checkpoint a = opened[0], b = opened[1], base = opened[2];
        double[] digestSeconds = { 0 };
        progress.line("A: %d tensors in %d file(s); B: %d tensors in %d file(s)%s", a.tensors().size(), a.files().size(),
                b.tensors().size(), b.files().size(), base == null ? "" : "; base: " + base.tensors().size() + " tensors");

        // Match by name, then shape; skip types this test does not read.
        List<String> onlyA = new ArrayList<>();
        List<String> onlyB = new ArrayList<>();
        List<Map<String, Object>> shapeMismatches = new ArrayList<>();
        List<Map<String, Object>> skipped = new ArrayList<>();
        List<String> baseMissing = new ArrayList<>();
        List<TensorInfo[]> matched = new ArrayList<>();
        for (TensorInfo ta : a.tensors().values()) {
            TensorInfo tb = b.tensors().get(ta.name());
            if (tb == null) {
                onlyA.add(ta.name());
            } else if (!ta.sameShape(tb)) {
                shapeMismatches.add(ordered("name", ta.name(), "shapeA", ta.shape(), "shapeB", tb.shape()));
            } else if (!ta.readable() || !tb.readable()) {
                skipped.add(ordered("name", ta.name(), "dtypeA", ta.dtypeName(), "dtypeB", tb.dtypeName()));
            } else {
                TensorInfo tz = null;
                if (base != null) {
                    tz = base.tensors().get(ta.name());
                    if (tz == null || !tz.sameShape(ta) || !tz.readable()) {
                        baseMissing.add(ta.name());
                        tz = null;
                    }
                }
                matched.add(new TensorInfo[] { ta, tb, tz });
            }
        }
        for (String name : b.tensors().keySet()) {
            if (!a.tensors().containsKey(name)) {
                onlyB.add(name);
            }
        }
        if (p.anchors() != null) {
            Set<String> comparable = new java.util.HashSet<>();
            matched.forEach(t -> comparable.add(t[0].name()));
            for (String name : p.anchors()) {
                if (!comparable.contains(name) || a.tensors().get(name).shape().length != 2) {
                    throw ProbeException.badSpec("Anchor '" + name + "' is not a 2-D float tensor present in both checkpoints with one shape");
                }
            }
        }
        // Read A's files in order, front to back: sequential reads for a cold page cache.
        matched.sort(Comparator.<TensorInfo[], String>comparing(t -> t[0].file().toString()).thenComparingLong(t -> t[0].offset()));

        // The SHA-256 digests (a full read of every file) run on a second thread while the compare runs.
        ExecutorService digester = p.digest() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "family-digest");
            t.setDaemon(true);
            return t;
        }) : null;
        Future<ModelDirectoryDigest.Result[]> digestsFuture = digester == null ? null : digester.submit(() -> {
            long t0 = System.nanoTime();
            ModelDirectoryDigest.Result[] d = new ModelDirectoryDigest.Result[3];
            for (int i = 0; i < 3; i++) {
                d[i] = opened[i] == null ? null : opened[i].digest();
            }
            digestSeconds[0] = (System.nanoTime() - t0) / 1e9;
            return d;
        });

        long totalBytes = matched.stream().mapToLong(t -> t[0].length() + t[1].length() + (t[2] == null ? 0 : t[2].length())).sum();
        List<Row> rows = new ArrayList<>(matched.size());
        long[] bytesRead = { 0 };
        double compareSeconds;
        try {
            compareSeconds = timer.time("compare", () -> {
                long start = System.nanoTime();
                long nextReport = 1L << 30;
                try (TensorStreamer streamer = new TensorStreamer()) {
                    for (TensorInfo[] t : matched) {
                        TensorStreamer.Sums sums = streamer.compare(t[0], t[1], t[2]);
                        rows.add(new Row(t[0], t[1], sums, exclusion(t[0], sums, p)));
                        if (streamer.bytesRead() >= nextReport) {
                            progress.line("compared %.1f of %.1f GB", streamer.bytesRead() / 1e9, totalBytes / 1e9);
                            nextReport += 1L << 30;
                        }
                    }
                    bytesRead[0] = streamer.bytesRead();
                }
                return (System.nanoTime() - start) / 1e9;
            });
        } catch (RuntimeException e) {
            if (digester != null) {
                digester.shutdownNow(); // a bad tensor ends the run; stop hashing
            }
            throw e;
        }
        progress.line("compared %d tensors, %.2f GB in %.2f s (%.2f GB/s)", rows.size(), bytesRead[0] / 1e9, compareSeconds,
                bytesRead[0] / 1e9 / compareSeconds);

        List<Row> eligible = rows.stream().filter(Row::eligible).toList();
        double[] cosines = eligible.stream().mapToDouble(r -> r.sums().cosine()).toArray();
        double[] absCosines = Arrays.stream(cosines).map(Math::abs).toArray();
        double[] absZ = eligible.stream().mapToDouble(r -> Math.abs(r.z())).toArray();
        List<Anchor> anchors = timer.time("anchors", () -> anchors(eligible, p));
        anchors.forEach(x -> progress.line("anchor %s: Gram correlation %.4f (chance %.4f ± %.4f, z %.1f)", x.name(),
                x.gram().correlation(), x.gram().nullMean(), x.gram().nullSd(), x.gram().z()));
        Verdict verdict = verdict(p, cosines, absZ, anchors, rows.size(), onlyA.size(), onlyB.size(), shapeMismatches.size());
        progress.line("%s: %s", verdict.outcome(), String.join("; ", verdict.reasons()));

        ModelDirectoryDigest.Result[] digests = new ModelDirectoryDigest.Result[3];
        if (digester != null) {
            try {
                digests = timer.time("digestWait", () -> {
                    try {
                        return digestsFuture.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("Interrupted while hashing the checkpoints", e);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException r) {
                            throw r;
                        }
                        throw new IllegalStateException(e.getCause());
                    }
                });
            } finally {
                digester.shutdownNow();
            }
        }
        List<DataIdentity> data = new ArrayList<>();
        Map<String, Object> fileDigests = new LinkedHashMap<>();
        String[] roles = { "a", "b", "base" };
        for (int i = 0; i < 3; i++) {
            if (opened[i] != null) {
                data.add(new DataIdentity(roles[i], opened[i].path().toString(), digests[i] == null ? null : digests[i].digest(),
                        (long) opened[i].tensors().size()));
                if (digests[i] != null) {
                    fileDigests.put(roles[i], digests[i].files());
                }
            }
        }

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("checkpoints", checkpoints(a, b, base));
        evidence.put("tensorsMatched", rows.size());
        evidence.put("tensorsEligible", eligible.size());
        evidence.put("tensorsOnlyInA", onlyA.size());
        evidence.put("tensorsOnlyInB", onlyB.size());
        evidence.put("namesOnlyInA", cap(onlyA, 100));
        evidence.put("namesOnlyInB", cap(onlyB, 100));
        evidence.put("shapeMismatches", shapeMismatches);
        evidence.put("skippedDtypes", skipped);
        if (base != null) {
            evidence.put("tensorsWithoutBase", baseMissing.size());
        }
        evidence.put("bytesRead", bytesRead[0]);
        evidence.put("compareSeconds", compareSeconds);
        evidence.put("throughputGBps", compareSeconds > 0 ? bytesRead[0] / 1e9 / compareSeconds : null);
        evidence.put("cosine", distribution(cosines));
        evidence.put("absCosine", distribution(absCosines));
        evidence.put("absCosineZ", distribution(absZ));
        evidence.put("anchors", anchors.stream().map(FamilyProtocol::anchor).toList());
        if (base != null) {
            double[] diff = eligible.stream().mapToDouble(r -> r.sums().differenceCosine()).filter(Double::isFinite).toArray();
            Map<String, Object> moved = distribution(diff);
            moved.put("meaning", "cos(a - base, b - base) per eligible tensor: > 0 when a and b moved from the base in "
                    + "correlated directions (e.g. a student distilled from a teacher fine-tuned from the same base); "
                    + "about 0 for unrelated fine-tunes. Evidence only: it does not change the verdict.");
            evidence.put("differenceCosine", moved);
        }
        evidence.put("layerTypes", layerTypes(eligible, base != null));
        evidence.put("tensorsListed", Math.min(rows.size(), p.maxListed()));
        evidence.put("tensors", rows.stream().limit(p.maxListed()).map(r -> row(r, base != null)).toList());
        if (!fileDigests.isEmpty()) {
            evidence.put("fileDigests", fileDigests);
            evidence.put("digestMethod", "OpenSSF model-signing directory digest: SHA-256 over the raw SHA-256 of every file "
                    + "(POSIX relative path order, .git* and model.sig ignored); computed on a second thread during the compare");
        }
        List<String> notes = new ArrayList<>();
        notes.addAll(prefixed("A", a.notes()));
        notes.addAll(prefixed("B", b.notes()));
        if (base != null) {
            notes.addAll(prefixed("base", base.notes()));
        }
        if (!skipped.isEmpty()) {
            notes.add(skipped.size() + " matched tensor(s) of a dtype other than F32/F16/BF16 were not compared");
        }
        if (rows.size() > p.maxListed()) {
            notes.add("Only the first " + p.maxListed() + " of " + rows.size() + " tensors are listed; the summaries cover all");
        }
        evidence.put("notes", notes);

        Map<String, Double> timings = new TreeMap<>(timer.seconds());
        if (digester != null) {
            timings.put("digest", digestSeconds[0]); // concurrent with "compare"; "digestWait" is what it added
        }
        return new ProbeResult(ProbeResult.SCHEMA, new ProbeResult.ProtocolId(NAME, VERSION), verdict, Map.of(), List.of(), null,
                p.asMap(), null, data, null, evidence, Environment.current(null, null, null, "cpu", 1), timings, startedAt, now());
    }

    static String exclusion(TensorInfo t, TensorStreamer.Sums s, Params p) {
        if (t.shape().length < 2) {
            return "fewer than 2 dimensions (norm scale, bias or scalar: constant init)";
        }
        if (t.numel() < p.minNumel()) {
            return "fewer than " + p.minNumel() + " elements";
        }
        if (!s.finite()) {
            return "non-finite values";
        }
        if (!(s.aa() > 0 && s.bb() > 0)) {
            return "zero norm";
        }
        return null;
    }

    /** The eligible anchors' Gram comparisons, in name order. */
    static List<Anchor> anchors(List<Row> eligible, Params p) {
        List<Anchor> out = new ArrayList<>();
        try (TensorStreamer streamer = new TensorStreamer()) {
            for (Row r : eligible) {
                String name = r.a().name();
                boolean anchor = p.anchors() != null ? p.anchors().contains(name) : ANCHOR_NAME.matcher(name).matches();
                if (!anchor || r.a().shape().length != 2 || r.a().shape()[1] > TensorStreamer.WINDOW_ELEMENTS) {
                    continue;
                }
                int[] sample = AnchorGram.sampleRows(r.a().shape()[0], p.anchorRows());
                if (sample.length < 3) {
                    continue;
                }
                int columns = (int) r.a().shape()[1];
                out.add(new Anchor(name, AnchorGram.compare(streamer.readRows(r.a(), sample), streamer.readRows(r.b(), sample),
                        sample.length, columns)));
            }
        }
        out.sort(Comparator.comparing(Anchor::name));
        return out;
    }

    static Verdict verdict(Params p, double[] cosines, double[] absZ, List<Anchor> anchors, int matched, int onlyA, int onlyB,
            int shapes) {
        List<String> reasons = new ArrayList<>();
        reasons.add(matched + " tensors matched by name and shape (" + onlyA + " only in A, " + onlyB + " only in B, "
                + shapes + " with different shapes); " + cosines.length + " eligible");
        if (cosines.length < p.minTensors()) {
            reasons.add("fewer than minTensors = " + p.minTensors() + " eligible tensors: the checkpoints do not share "
                    + "enough architecture to compare");
            return new Verdict(Outcome.INCONCLUSIVE, RULE, reasons);
        }
        double median = percentile(cosines, 0.5);
        double medianAbsZ = percentile(absZ, 0.5);
        List<Anchor> defined = anchors.stream().filter(x -> x.gram().defined()).toList();
        String anchorText = defined.isEmpty() ? "no anchor"
                : String.join(", ", defined.stream().map(x -> String.format("%s %.4f (z %.1f)", x.name(), x.gram().correlation(),
                        x.gram().z())).toList());
        if (median >= p.sharedThreshold()) {
            reasons.add(String.format("median cosine %.4f >= sharedThreshold %.2f (min %.4f): the weights agree as they are", median,
                    p.sharedThreshold(), Arrays.stream(cosines).min().orElse(Double.NaN)));
            return new Verdict(Outcome.SHARED_INIT, RULE, reasons);
        }
        if (!defined.isEmpty() && defined.stream().allMatch(x -> x.gram().correlation() >= p.anchorThreshold()
                && x.gram().z() >= p.independentZ())) {
            reasons.add(String.format("median cosine %.4f < sharedThreshold %.2f, but every anchor's Gram correlation >= "
                    + "anchorThreshold %.2f: %s; the same initialisation up to a relabelling of hidden units or a rotation "
                    + "of the residual stream", median, p.sharedThreshold(), p.anchorThreshold(), anchorText));
            return new Verdict(Outcome.SHARED_INIT, RULE, reasons);
        }
        if (medianAbsZ > p.independentZ()) {
            reasons.add(String.format("median cosine %.4f < sharedThreshold %.2f, yet the median |z| of the cosines %.1f > "
                    + "independentZ %.1f: related beyond chance but not aligned (anchors: %s)", median, p.sharedThreshold(),
                    medianAbsZ, p.independentZ(), anchorText));
            return new Verdict(Outcome.INCONCLUSIVE, RULE, reasons);
        }
        if (defined.isEmpty()) {
            reasons.add(String.format("the median |z| of the cosines %.1f <= independentZ %.1f, but no vocabulary-anchored tensor "
                    + "was compared: a permuted or rotated copy of a shared initialisation cannot be ruled out (name one in "
                    + "'anchors')", medianAbsZ, p.independentZ()));
            return new Verdict(Outcome.INCONCLUSIVE, RULE, reasons);
        }
        if (defined.stream().anyMatch(x -> Math.abs(x.gram().z()) > p.independentZ())) {
            reasons.add(String.format("the cosines are at chance (median |z| %.1f) but an anchor's Gram correlation is not, "
                    + "and below anchorThreshold %.2f: %s", medianAbsZ, p.anchorThreshold(), anchorText));
            return new Verdict(Outcome.INCONCLUSIVE, RULE, reasons);
        }
        reasons.add(String.format("median |z| of the cosines %.1f <= independentZ %.1f (median |cosine| %.4f) and every anchor's "
                + "Gram correlation at chance: %s", medianAbsZ, p.independentZ(), percentile(Arrays.stream(cosines).map(Math::abs)
                        .toArray(), 0.5), anchorText));
        return new Verdict(Outcome.INDEPENDENT, RULE, reasons);
    }

    /** Linear interpolation between order statistics (numpy's default). */
    static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static Map<String, Object> distribution(double[] v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", v.length);
        m.put("median", num(percentile(v, 0.5)));
        m.put("min", num(v.length == 0 ? Double.NaN : Arrays.stream(v).min().getAsDouble()));
        m.put("p10", num(percentile(v, 0.1)));
        m.put("p90", num(percentile(v, 0.9)));
        m.put("max", num(v.length == 0 ? Double.NaN : Arrays.stream(v).max().getAsDouble()));
        return m;
    }

    /** "model.layers.12.mlp.up_proj.weight" → "model.layers.*.mlp.up_proj.weight". */
    static String layerType(String name) {
        return name.replaceAll("(^|\\.)\\d+(?=\\.|$)", "$1*");
    }

    private static List<Map<String, Object>> layerTypes(List<Row> eligible, boolean withBase) {
        Map<String, List<Row>> groups = new TreeMap<>();
        for (Row r : eligible) {
            groups.computeIfAbsent(layerType(r.a().name()), k -> new ArrayList<>()).add(r);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        groups.forEach((type, rs) -> {
            double[] c = rs.stream().mapToDouble(r -> r.sums().cosine()).toArray();
            Map<String, Object> m = ordered("type", type, "n", rs.size(), "medianCosine", num(percentile(c, 0.5)),
                    "minCosine", num(Arrays.stream(c).min().orElse(Double.NaN)));
            if (withBase) {
                m.put("medianDifferenceCosine", num(percentile(
                        rs.stream().mapToDouble(r -> r.sums().differenceCosine()).filter(Double::isFinite).toArray(), 0.5)));
            }
            out.add(m);
        });
        return out;
    }

    private static Map<String, Object> row(Row r, boolean withBase) {
        Map<String, Object> m = ordered("name", r.a().name(), "shape", r.a().shape(), "dtypeA", r.a().dtypeName(),
                "dtypeB", r.b().dtypeName(), "cosine", num(r.sums().cosine()), "z", num(r.z()), "relativeDistance", num(r.sums().relativeDistance()));
        if (withBase) {
            m.put("differenceCosine", num(r.sums().differenceCosine()));
        }
        m.put("eligible", r.eligible());
        if (!r.eligible()) {
            m.put("excluded", r.excluded());
        }
        return m;
    }

    private static Map<String, Object> anchor(Anchor x) {
        AnchorGram.Result g = x.gram();
        return ordered("name", x.name(), "rows", g.rows(), "columns", g.columns(), "gramCorrelation", num(g.correlation()),
                "chanceMean", num(g.nullMean()), "chanceSd", num(g.nullSd()), "z", num(g.z()), "p", num(g.p()));
    }

    private static Map<String, Object> checkpoints(Checkpoint a, Checkpoint b, Checkpoint base) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", checkpoint(a));
        m.put("b", checkpoint(b));
        if (base != null) {
            m.put("base", checkpoint(base));
        }
        return m;
    }

    private static Map<String, Object> checkpoint(Checkpoint c) {
        Map<String, Long> dtypes = new TreeMap<>();
        c.tensors().values().forEach(t -> dtypes.merge(t.dtypeName(), 1L, Long::sum));
        return ordered("path", c.path().toString(), "files", c.files().stream().map(f -> f.getFileName().toString()).toList(),
                "bytes", c.totalBytes(), "tensors", c.tensors().size(), "dtypes", dtypes);
    }

    private static List<String> prefixed(String who, List<String> notes) {
        return notes.stream().map(n -> who + ": " + n).toList();
    }

    private static List<String> cap(List<String> names, int n) {
        return names.size() <= n ? names : names.subList(0, n);
    }

    /** JSON has no NaN: undefined values are written as null. */
    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
