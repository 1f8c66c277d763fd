package io.traittrace.report.domain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The OpenSSF model-signing directory digest that certificates name as their subject (same rule as the
 * probe's {@code ModelDigest}; kept here so the verifier needs nothing of the probe): SHA-256 over the
 * concatenated raw SHA-256 of every regular file, ordered by POSIX relative path, ignoring {@code .git*}
 * paths and {@code model.sig}. A single file is digested as a directory holding only it.
 */
public final class ModelDirectoryDigest {

    private ModelDirectoryDigest() {
    }

    /** {@code sha256:<hex>} */
    public static String of(Path path) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).forEach(f -> {
                    String relative = path.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                    if (!ignored(relative)) {
                        files.put(relative, f);
                    }
                });
            }
        } else {
            files.put(path.getFileName().toString(), path);
        }
        MessageDigest outer = sha256();
        for (Path file : files.values()) {
            MessageDigest inner = sha256();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0;) {
                    inner.update(buffer, 0, n);
                }
            }
            outer.update(inner.digest());
        }
        return "sha256:" + HexFormat.of().formatHex(outer.digest());
    }

    static boolean ignored(String relativePath) {
        if (relativePath.equals("model.sig")) {
            return true;
        }
        for (String part : relativePath.split("/")) {
            if (part.startsWith(".git")) {
                return true;
            }
        }
        return false;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
