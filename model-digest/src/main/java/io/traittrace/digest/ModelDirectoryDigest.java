package io.traittrace.digest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The model-directory digest of the OpenSSF model-signing convention, the one certificates name as their
 * subject: SHA-256 over the concatenated raw 32-byte SHA-256 of every regular file, files ordered by POSIX
 * relative path, ignoring {@code .git*} paths and the signature file {@code model.sig}. A single file is
 * digested as a directory holding only it. The probe records it for every input; certificates name it as
 * their subject; the offline verifier recomputes it.
 */
public final class ModelDirectoryDigest {

    static final String SIGNATURE_FILE = "model.sig";

    private ModelDirectoryDigest() {
    }

    /** {@code sha256:<hex>} of the directory, and the hex SHA-256 of each file by relative path. */
    public record Result(String digest, Map<String, String> files) {
    }

    public static Result of(Path path) throws IOException {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Map<String, Path> byRelativePath = new TreeMap<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).forEach(f -> {
                    String relative = posix(dir.relativize(f));
                    if (!ignored(relative)) {
                        byRelativePath.put(relative, f);
                    }
                });
            }
        } else {
            byRelativePath.put(path.getFileName().toString(), path);
        }
        MessageDigest outer = sha256();
        Map<String, String> perFile = new TreeMap<>();
        for (Map.Entry<String, Path> entry : byRelativePath.entrySet()) {
            byte[] fileDigest = sha256(entry.getValue());
            outer.update(fileDigest);
            perFile.put(entry.getKey(), HexFormat.of().formatHex(fileDigest));
        }
        return new Result("sha256:" + HexFormat.of().formatHex(outer.digest()), perFile);
    }

    static boolean ignored(String relativePath) {
        if (relativePath.equals(SIGNATURE_FILE)) {
            return true;
        }
        for (String part : relativePath.split("/")) {
            if (part.startsWith(".git")) {
                return true;
            }
        }
        return false;
    }

    private static String posix(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 22);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                md.update(buffer);
                buffer.clear();
            }
        }
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
