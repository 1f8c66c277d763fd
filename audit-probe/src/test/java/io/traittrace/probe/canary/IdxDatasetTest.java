package io.traittrace.probe.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.traittrace.probe.ProbeException;

class IdxDatasetTest {

    @TempDir
    Path dir;

    static byte[] images(int n, int rows, int cols, int magic) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) (i * 7 + n));
        }
        return b.array();
    }

    static byte[] labels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    void write(boolean gz, int train, int test) throws IOException {
        String suffix = gz ? ".gz" : "";
        Files.write(dir.resolve("train-images-idx3-ubyte" + suffix), gz ? gzip(images(train, 28, 28, 0x803)) : images(train, 28, 28, 0x803));
        Files.write(dir.resolve("train-labels-idx1-ubyte" + suffix), gz ? gzip(labels(train)) : labels(train));
        Files.write(dir.resolve("t10k-images-idx3-ubyte" + suffix), gz ? gzip(images(test, 28, 28, 0x803)) : images(test, 28, 28, 0x803));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte" + suffix), gz ? gzip(labels(test)) : labels(test));
    }

    @Test
    void readsRawFiles() throws IOException {
        write(false, 12, 5);
        IdxDataset d = IdxDataset.read(dir);
        assertThat(d.train().count()).isEqualTo(12);
        assertThat(d.test().count()).isEqualTo(5);
        assertThat(d.train().pixels()).hasSize(12 * 784);
        assertThat(d.train().pixels()[3]).isEqualTo((byte) (3 * 7 + 12));
        assertThat(d.train().labels()[11]).isEqualTo((byte) 1);
        assertThat(d.identity()).hasSize(5);
        assertThat(d.identity().get(0).role()).isEqualTo("dataset");
        assertThat(d.identity().get(0).path()).isEqualTo(dir.toAbsolutePath().normalize().toString());
        assertThat(d.identity()).allSatisfy(id -> assertThat(id.digest()).matches("sha256:[0-9a-f]{64}"));
    }

    @Test
    void gzippedFilesGiveTheSameExamplesButAnotherDigest() throws IOException {
        write(false, 12, 5);
        IdxDataset raw = IdxDataset.read(dir);
        for (Path p : Files.list(dir).toList()) {
            Files.delete(p);
        }
        write(true, 12, 5);
        IdxDataset gz = IdxDataset.read(dir);
        assertThat(gz.train().pixels()).isEqualTo(raw.train().pixels());
        assertThat(gz.test().labels()).isEqualTo(raw.test().labels());
        assertThat(gz.identity().get(1).path()).endsWith(".gz");
        assertThat(gz.identity().get(0).digest()).isNotEqualTo(raw.identity().get(0).digest());
    }

    @Test
    void gzipIsDetectedByMagicBytesNotByName() throws IOException {
        write(false, 4, 3);
        Files.write(dir.resolve("train-images-idx3-ubyte"), gzip(images(4, 28, 28, 0x803)));
        assertThat(IdxDataset.read(dir).train().count()).isEqualTo(4);
    }

    @Test
    void badMagicIsBadData() throws IOException {
        write(false, 4, 3);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(3, 28, 28, 0x0802));
        assertThatThrownBy(() -> IdxDataset.read(dir)).isInstanceOfSatisfying(ProbeException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ProbeException.BAD_DATA);
            assertThat(e.getMessage()).contains("bad IDX magic number 0x00000802").contains("t10k-images");
        });
    }

    @Test
    void wrongSizesAndCountsAreBadData() throws IOException {
        write(false, 4, 3);
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(4, 32, 32, 0x803));
        assertThatThrownBy(() -> IdxDataset.read(dir)).hasMessageContaining("32×32");
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(5, 28, 28, 0x803));
        assertThatThrownBy(() -> IdxDataset.read(dir)).hasMessageContaining("5 images but");
        byte[] truncated = java.util.Arrays.copyOf(images(4, 28, 28, 0x803), 16 + 100);
        Files.write(dir.resolve("train-images-idx3-ubyte"), truncated);
        assertThatThrownBy(() -> IdxDataset.read(dir)).isInstanceOfSatisfying(ProbeException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ProbeException.BAD_DATA));
    }

    @Test
    void missingFileOrDirectoryIsBadData() throws IOException {
        write(false, 4, 3);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        assertThatThrownBy(() -> IdxDataset.read(dir)).isInstanceOfSatisfying(ProbeException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ProbeException.BAD_DATA);
            assertThat(e.getMessage()).contains("Missing t10k-labels-idx1-ubyte");
        });
        assertThatThrownBy(() -> IdxDataset.read(dir.resolve("nope"))).isInstanceOfSatisfying(ProbeException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ProbeException.BAD_DATA));
    }
}
