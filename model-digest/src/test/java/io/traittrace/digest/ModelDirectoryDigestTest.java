package io.traittrace.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryDigestTest {

    /** Reference: Python hashlib, sha256(sha256(b"hello").digest() + sha256(b"world").digest()). */
    private static final String HELLO_WORLD = "sha256:7305db9b2abccd706c256db3d97e5ff48d677cfe4d3a5904afb7da0e3950e1e2";

    @Test
    void digestsFileDigestsInPosixPathOrderIgnoringGitAndTheSignature(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.bin"), "hello");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b.txt"), "world");
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/HEAD"), "ref: main");
        Files.writeString(dir.resolve(".gitattributes"), "*.bin lfs");
        Files.writeString(dir.resolve("model.sig"), "{}");

        ModelDirectoryDigest.Result result = ModelDirectoryDigest.of(dir);
        assertThat(result.digest()).isEqualTo(HELLO_WORLD);
        assertThat(result.files()).containsOnlyKeys("a.bin", "sub/b.txt");
    }

    @Test
    void anyByteChangesTheDigest(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.bin"), "hello");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b.txt"), "worle");
        assertThat(ModelDirectoryDigest.of(dir).digest()).isNotEqualTo(HELLO_WORLD);
    }
}
