package io.traittrace.probe.canary;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.result.ProbeResult.DataIdentity;

/**
 * An MNIST-format directory: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each gzipped or not (gzip is detected by its
 * magic bytes, whatever the name says; {@code .gz} and the {@code train-images.idx3-ubyte} spelling are also
 * looked for). Real MNIST and Debian's {@code dataset-fashion-mnist} ({@code /usr/share/datasets/fashion-mnist})
 * both read. Identity: the directory, the SHA-256 of each file as stored, and one SHA-256 over the four.
 */
public record IdxDataset(Path dir, ImageSet train, ImageSet test, List<DataIdentity> identity) {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    public static IdxDataset read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw ProbeException.badData("--data " + dir + " is not a directory (expected MNIST-format IDX files, "
                    + "e.g. /usr/share/datasets/fashion-mnist from Debian's dataset-fashion-mnist, or 'synthetic')", null);
        }
        Path trainImages = find(dir, "train-images", "idx3-ubyte");
        Path trainLabels = find(dir, "train-labels", "idx1-ubyte");
        Path testImages = find(dir, "t10k-images", "idx3-ubyte");
        Path testLabels = find(dir, "t10k-labels", "idx1-ubyte");
        List<DataIdentity> identity = new ArrayList<>();
        MessageDigest all = sha256();
        byte[][] raw = new byte[4][];
        Path[] files = { trainImages, trainLabels, testImages, testLabels };
        for (int i = 0; i < 4; i++) {
            try {
                raw[i] = Files.readAllBytes(files[i]);
            } catch (IOException e) {
                throw ProbeException.badData("Cannot read " + files[i] + ": " + e.getMessage(), e);
            }
            all.update(raw[i]);
        }
        ImageSet train = parse(files[0], raw[0], files[1], raw[1]);
        ImageSet test = parse(files[2], raw[2], files[3], raw[3]);
        identity.add(new DataIdentity("dataset", dir.toAbsolutePath().normalize().toString(),
                "sha256:" + HexFormat.of().formatHex(all.digest()), (long) train.count() + test.count()));
        String[] roles = { "train-images", "train-labels", "test-images", "test-labels" };
        long[] counts = { train.count(), train.count(), test.count(), test.count() };
        for (int i = 0; i < 4; i++) {
            identity.add(new DataIdentity(roles[i], files[i].toAbsolutePath().normalize().toString(),
                    "sha256:" + HexFormat.of().formatHex(sha256().digest(raw[i])), counts[i]));
        }
        return new IdxDataset(dir, train, test, List.copyOf(identity));
    }

    private static Path find(Path dir, String stem, String kind) {
        for (String name : List.of(stem + "-" + kind, stem + "." + kind)) {
            for (String suffix : List.of("", ".gz")) {
                Path p = dir.resolve(name + suffix);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw ProbeException.badData("Missing " + stem + "-" + kind + "[.gz] in " + dir
                + " (an MNIST-format directory holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte"
                + " and t10k-labels-idx1-ubyte, gzipped or not)", null);
    }

    static ImageSet parse(Path imagesFile, byte[] imagesRaw, Path labelsFile, byte[] labelsRaw) {
        ByteBuffer images = ByteBuffer.wrap(inflate(imagesFile, imagesRaw));
        ByteBuffer labels = ByteBuffer.wrap(inflate(labelsFile, labelsRaw));
        int n = header(imagesFile, images, IMAGES_MAGIC, "images (magic 0x00000803: unsigned bytes, 3 dimensions)");
        int rows = images.getInt();
        int cols = images.getInt();
        if (rows != ImageSet.SIDE || cols != ImageSet.SIDE) {
            throw ProbeException.badData(imagesFile + ": images are " + rows + "×" + cols + "; the canary's MLP needs 28×28", null);
        }
        int m = header(labelsFile, labels, LABELS_MAGIC, "labels (magic 0x00000801: unsigned bytes, 1 dimension)");
        if (n != m) {
            throw ProbeException.badData(imagesFile + " holds " + n + " images but " + labelsFile + " holds " + m + " labels", null);
        }
        if (n <= 0) {
            throw ProbeException.badData(imagesFile + " holds no images", null);
        }
        long expected = (long) n * ImageSet.PIXELS;
        if (images.remaining() != expected) {
            throw ProbeException.badData(imagesFile + ": header says " + n + " images of 28×28 (" + expected + " bytes) but "
                    + images.remaining() + " bytes follow", null);
        }
        if (labels.remaining() != n) {
            throw ProbeException.badData(labelsFile + ": header says " + n + " labels but " + labels.remaining() + " bytes follow", null);
        }
        byte[] pixels = new byte[(int) expected];
        images.get(pixels);
        byte[] l = new byte[n];
        labels.get(l);
        for (int i = 0; i < n; i++) {
            if (l[i] < 0 || l[i] > 9) {
                throw ProbeException.badData(labelsFile + ": label " + (l[i] & 0xff) + " at index " + i + " is not a class 0–9", null);
            }
        }
        return new ImageSet(n, pixels, l);
    }

    private static int header(Path file, ByteBuffer buffer, int magic, String what) {
        if (buffer.remaining() < 8) {
            throw ProbeException.badData(file + " is too short to be an IDX file", null);
        }
        int found = buffer.getInt();
        if (found != magic) {
            throw ProbeException.badData(String.format("%s: bad IDX magic number 0x%08x; expected 0x%08x for %s", file, found, magic, what), null);
        }
        if (magic == IMAGES_MAGIC && buffer.remaining() < 12) {
            throw ProbeException.badData(file + " is too short to be an IDX image file", null);
        }
        return buffer.getInt();
    }

    /** Gunzips when the bytes start with the gzip magic (1f 8b), whatever the file is called. */
    static byte[] inflate(Path file, byte[] raw) {
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw ProbeException.badData(file + " looks gzipped but cannot be decompressed: " + e.getMessage(), e);
            }
        }
        return raw;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
