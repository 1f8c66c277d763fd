package io.traittrace.probe.family;
import io.traittrace.probe.safetensors.Checkpoint;
import io.traittrace.probe.safetensors.Dtype;
import io.traittrace.probe.safetensors.HalfFloats;
import io.traittrace.probe.safetensors.SafetensorsReader;
import io.traittrace.probe.safetensors.SafetensorsWriter;
import io.traittrace.probe.safetensors.TensorInfo;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.traittrace.probe.ProbeException;

class SafetensorsReaderTest {

    @TempDir
    Path dir;

    @Test
    void halfConversionMatchesTheDefinitionForAll65536Values() {
        for (int h = 0; h < 1 << 16; h++) {
            int sign = (h >>> 15) == 0 ? 1 : -1;
            int exponent = (h >>> 10) & 0x1f;
            int mantissa = h & 0x3ff;
            float actual = HalfFloats.halfToFloat((short) h);
            assertThat(Float.floatToRawIntBits(actual)).isEqualTo(Float.floatToRawIntBits(HalfFloats.halfToFloatSlow((short) h)));
            if (exponent == 0x1f) {
                assertThat(mantissa == 0 ? Float.isInfinite(actual) && Math.signum(actual) == sign : Float.isNaN(actual)).isTrue();
                continue;
            }
            double expected = exponent == 0 ? sign * mantissa * Math.pow(2, -24)
                    : sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            assertThat((double) actual).as("half 0x%04x", h).isEqualTo(expected);
            // and back: every finite half survives the writer's rounding unchanged (±0 included)
            assertThat(SafetensorsWriter.floatToHalf(actual)).as("half 0x%04x", h).isEqualTo((short) h);
        }
    }

    @Test
    void halfAndBfloat16EdgeCases() {
        assertThat(Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x0000))).isZero();
        assertThat(Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x8000))).isEqualTo(0x80000000);
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(HalfFloats.halfToFloat((short) 0x03ff)).isEqualTo(1023 * 0x1p-24f); // largest subnormal
        assertThat(HalfFloats.halfToFloat((short) 0x0400)).isEqualTo(0x1p-14f); // smallest normal
        assertThat(HalfFloats.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(HalfFloats.halfToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(HalfFloats.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(HalfFloats.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0x7e00)).isNaN();
        assertThat(HalfFloats.halfToFloat((short) 0xfc01)).isNaN();

        assertThat(HalfFloats.bfloat16ToFloat((short) 0x3f80)).isEqualTo(1f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0xc040)).isEqualTo(-3f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x0001)).isEqualTo(Float.intBitsToFloat(0x00010000)); // subnormal
        assertThat(Float.floatToRawIntBits(HalfFloats.bfloat16ToFloat((short) 0x8000))).isEqualTo(0x80000000);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x7f80)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0xff80)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x7fc0)).isNaN();

        assertThat(SafetensorsWriter.floatToHalf(1e6f)).isEqualTo((short) 0x7c00); // overflow → inf
        assertThat(SafetensorsWriter.floatToHalf(0x1p-26f)).isEqualTo((short) 0); // underflow → 0
        assertThat(SafetensorsWriter.floatToBfloat16(1f + 0x1p-8f)).isEqualTo((short) 0x3f80); // tie → even
    }

    @Test
    void roundTripsEveryDtypeIncludingSpecialValues() {
        float[] values = { 0f, -0f, 1f, -2.5f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 65504f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, 0.1f, 3.14159f, -1e-3f, 7f, 1e-7f };
        long[] shape = { 4, 4 };
        new SafetensorsWriter().add("f32", Dtype.F32, shape, values).add("f16", Dtype.F16, shape, values)
                .add("bf16", Dtype.BF16, shape, values).addRaw("ids", "I64", new long[] { 2 }, new byte[16])
                .write(dir.resolve("m.safetensors"));
        Checkpoint c = Checkpoint.open(dir);
        assertThat(c.tensors()).containsOnlyKeys("f32", "f16", "bf16", "ids");
        assertThat(c.tensors().get("ids").readable()).isFalse();
        try (TensorStreamer s = new TensorStreamer()) {
            float[] f32 = s.read(c.tensors().get("f32"));
            float[] f16 = s.read(c.tensors().get("f16"));
            float[] bf16 = s.read(c.tensors().get("bf16"));
            for (int i = 0; i < values.length; i++) {
                // compared as bits (NaN canonicalised), so -0 differs from +0 and NaN equals NaN
                assertThat(Float.floatToIntBits(f32[i])).isEqualTo(Float.floatToIntBits(values[i]));
                assertThat(Float.floatToIntBits(f16[i]))
                        .isEqualTo(Float.floatToIntBits(HalfFloats.halfToFloat(SafetensorsWriter.floatToHalf(values[i]))));
                assertThat(Float.floatToIntBits(bf16[i]))
                        .isEqualTo(Float.floatToIntBits(HalfFloats.bfloat16ToFloat(SafetensorsWriter.floatToBfloat16(values[i]))));
            }
            // the values that are exact in half come back exactly, signs of zero and infinities included
            assertThat(List.of(f16[0], f16[1], f16[4], f16[5], f16[6], f16[7], f16[8], f16[9]))
                    .containsExactly(0f, -0f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 65504f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
            assertThat(f16[10]).isNaN();
            assertThat(bf16[10]).isNaN();
            assertThat(bf16[1]).isEqualTo(-0f);
        }
    }

    @Test
    void streamsTensorsLargerThanOneWindow() {
        int n = TensorStreamer.WINDOW_ELEMENTS * 2 + 123;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.sin(i * 0.001);
            b[i] = (float) Math.cos(i * 0.0007);
        }
        new SafetensorsWriter().add("w", Dtype.F32, new long[] { 1, n }, a).write(dir.resolve("a.safetensors"));
        new SafetensorsWriter().add("w", Dtype.F32, new long[] { 1, n }, b).write(dir.resolve("b.safetensors"));
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < n; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        try (TensorStreamer s = new TensorStreamer()) {
            TensorStreamer.Sums sums = s.compare(Checkpoint.open(dir.resolve("a.safetensors")).tensors().get("w"),
                    Checkpoint.open(dir.resolve("b.safetensors")).tensors().get("w"), null);
            assertThat(sums.cosine()).isCloseTo(dot / Math.sqrt(aa * bb), org.assertj.core.api.Assertions.within(1e-12));
            assertThat(s.bytesRead()).isEqualTo(8L * n);
        }
    }

    @Test
    void readsShardedCheckpointsThroughTheIndex() throws IOException {
        SafetensorsWriter w = TestModels.writer(TestModels.init(1));
        w.writeSharded(dir, 3);
        Checkpoint c = Checkpoint.open(dir);
        assertThat(c.tensors()).hasSize(w.tensors().size());
        assertThat(c.files()).hasSize(4); // three shards and the index
        assertThat(c.tensors().values().stream().map(TensorInfo::file).distinct()).hasSize(3);
        // a stray consolidated file next to an index is not read (it would duplicate every tensor)
        TestModels.writer(TestModels.init(2)).write(dir.resolve("consolidated.safetensors"));
        assertThat(Checkpoint.open(dir).notes()).anyMatch(n -> n.contains("consolidated.safetensors"));
        // without the index every shard is read, and a duplicate name is an error
        Files.delete(dir.resolve(Checkpoint.INDEX));
        assertThatThrownBy(() -> Checkpoint.open(dir)).isInstanceOf(ProbeException.class)
                .hasMessageContaining("is in two shards").extracting(e -> ((ProbeException) e).exitCode()).isEqualTo(3);
    }

    @Test
    void anIndexNamingAMissingShardIsBadData() throws IOException {
        TestModels.writer(TestModels.init(1)).writeSharded(dir, 2);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertBadData(() -> Checkpoint.open(dir), "which is missing");
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        Path f = dir.resolve("x.safetensors");

        Files.write(f, new byte[] { 1, 2, 3 });
        assertBadData(() -> SafetensorsReader.read(f), "shorter than the 8-byte header length");

        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Files.write(f, huge.array());
        assertBadData(() -> SafetensorsReader.read(f), "declares a header of 1099511627776 bytes");

        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\", ", new byte[0]);
        assertBadData(() -> SafetensorsReader.read(f), "not valid JSON");

        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                + " \"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", new byte[8]);
        assertBadData(() -> SafetensorsReader.read(f), "Duplicate field 'w'");

        SafetensorsWriter.writeRaw(f, "[1, 2]", new byte[0]);
        assertBadData(() -> SafetensorsReader.read(f), "not a JSON object");

        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 16]}}", new byte[8]);
        assertBadData(() -> SafetensorsReader.read(f), "beyond the 8 data bytes");

        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 16]}}", new byte[16]);
        assertBadData(() -> SafetensorsReader.read(f), "needs 24");

        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"v\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", new byte[12]);
        assertBadData(() -> SafetensorsReader.read(f), "overlapping");

        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", new byte[8]);
        assertBadData(() -> SafetensorsReader.read(f), "bad shape");

        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2]}}", new byte[8]);
        assertBadData(() -> SafetensorsReader.read(f), "no data_offsets");
    }

    @Test
    void aTruncatedFileIsBadData() throws IOException {
        Path f = dir.resolve("m.safetensors");
        TestModels.writer(TestModels.init(1)).write(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() - 100);
        }
        assertBadData(() -> SafetensorsReader.read(f), "truncated?");
    }

    @Test
    void anUnknownDtypeIsKeptButNotReadable() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F4\", \"shape\": [4], \"data_offsets\": [0, 2]}}", new byte[2]);
        TensorInfo t = SafetensorsReader.read(f).tensors().get(0);
        assertThat(t.dtype()).isNull();
        assertThat(t.readable()).isFalse();
    }

    private static void assertBadData(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(ProbeException.class).hasMessageContaining(message)
                .extracting(e -> ((ProbeException) e).exitCode()).isEqualTo(ProbeException.BAD_DATA);
    }
}
