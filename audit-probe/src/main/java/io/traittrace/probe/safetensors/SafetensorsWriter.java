package io.traittrace.probe.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes safetensors files the way the Hugging Face library does (header padded with spaces to a
 * multiple of 8, tensors back to back in the order added). Values come from a {@link Source} and are written
 * in windows, so the benchmark can write gigabytes without holding them.
 */
public final class SafetensorsWriter {

    /** Fills {@code out[0..n)} with elements {@code start .. start + n} of a tensor, in row-major order. */
    @FunctionalInterface
    public interface Source {
        void fill(long start, float[] out, int n);
    }

    /** One tensor to write; {@code raw} (bytes as stored) overrides {@code source}, for dtypes the reader skips. */
    public record Tensor(String name, String dtype, long[] shape, Source source, byte[] raw) {
        long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        long bytes() {
            return raw != null ? raw.length : numel() * Dtype.valueOf(dtype).bytes();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WINDOW = 1 << 20;

    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt"));

    public SafetensorsWriter add(String name, Dtype dtype, long[] shape, float[] values) {
        return add(name, dtype, shape, (start, out, n) -> System.arraycopy(values, (int) start, out, 0, n));
    }

    public SafetensorsWriter add(String name, Dtype dtype, long[] shape, Source source) {
        tensors.add(new Tensor(name, dtype.name(), shape, source, null));
        return this;
    }

    public SafetensorsWriter addRaw(String name, String dtype, long[] shape, byte[] raw) {
        tensors.add(new Tensor(name, dtype, shape, null, raw));
        return this;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    /** Writes every tensor to one file. */
    public void write(Path file) {
        write(file, tensors);
    }

    /**
     * Writes {@code shards} files {@code model-0000i-of-0000n.safetensors}, splitting the tensors into contiguous
     * groups, and {@code model.safetensors.index.json} with the weight_map.
     */
    public void writeSharded(Path dir, int shards) {
        try {
            Files.createDirectories(dir);
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", tensors.stream().mapToLong(Tensor::bytes).sum());
            ObjectNode weightMap = index.putObject("weight_map");
            int per = (tensors.size() + shards - 1) / shards;
            for (int s = 0; s < shards; s++) {
                String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
                List<Tensor> part = tensors.subList(Math.min(s * per, tensors.size()), Math.min((s + 1) * per, tensors.size()));
                write(dir.resolve(name), part);
                part.forEach(t -> weightMap.put(t.name(), name));
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(Checkpoint.INDEX).toFile(), index);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(Path file, List<Tensor> list) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Tensor t : list) {
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", t.dtype());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.bytes());
            offset += t.bytes();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeAll(out, head);
                ByteBuffer buf = ByteBuffer.allocateDirect(WINDOW * 4).order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[WINDOW];
                for (Tensor t : list) {
                    if (t.raw() != null) {
                        writeAll(out, ByteBuffer.wrap(t.raw()));
                        continue;
                    }
                    Dtype dtype = Dtype.valueOf(t.dtype());
                    long numel = t.numel();
                    for (long start = 0; start < numel; start += WINDOW) {
                        int n = (int) Math.min(WINDOW, numel - start);
                        t.source().fill(start, values, n);
                        buf.clear();
                        for (int i = 0; i < n; i++) {
                            switch (dtype) {
                                case F32 -> buf.putFloat(values[i]);
                                case F16 -> buf.putShort(floatToHalf(values[i]));
                                case BF16 -> buf.putShort(floatToBfloat16(values[i]));
                                default -> throw new IllegalArgumentException(t.dtype());
                            }
                        }
                        buf.flip();
                        writeAll(out, buf);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeAll(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    /** Writes a file with the given header text (not padded, not checked) followed by {@code data}. */
    public static void writeRaw(Path file, String headerJson, byte[] data) {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json).put(data);
        try {
            Files.write(file, buf.array());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** float → binary16, rounding to nearest even; overflow to infinity, NaN stays NaN (quiet). */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mantissa | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is still right, up to infinity
        }
        return (short) (sign | half);
    }

    /** float → bfloat16, rounding to nearest even; NaN stays NaN (quiet). */
    public static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
