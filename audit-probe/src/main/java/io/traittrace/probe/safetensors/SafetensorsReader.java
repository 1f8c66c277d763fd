package io.traittrace.probe.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.traittrace.probe.ProbeException;

/**
 * Reads the header of one {@code .safetensors} file: an unsigned 64-bit little-endian length N, N bytes of
 * UTF-8 JSON ({@code {"name": {"dtype": "F16", "shape": [..], "data_offsets": [begin, end]}, "__metadata__":
 * {..}}}), then the data, with offsets relative to its start. Only the header is read here; the data is
 * streamed later by the family test's {@code TensorStreamer}. Anything malformed is {@link ProbeException#badData}.
 */
public final class SafetensorsReader {

    /** The largest header accepted (the reference implementation's limit is 100 MB as well). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Strict about duplicate keys: a tensor named twice in one header would otherwise silently lose one entry. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafetensorsReader() {
    }

    /** The header of one shard: its tensors in data order, and its {@code __metadata__} (string → string). */
    public record Header(Path file, long fileSize, long dataStart, List<TensorInfo> tensors, Map<String, String> metadata) {
    }

    public static Header read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw bad(file, "is " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw bad(file, "declares a header of " + Long.toUnsignedString(headerLength)
                        + " bytes; expected 2.." + MAX_HEADER_BYTES + " (not a safetensors file, or a corrupt one)");
            }
            if (8 + headerLength > size) {
                throw bad(file, "declares a header of " + headerLength + " bytes but the file is only " + size
                        + " bytes (truncated?)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            long dataStart = 8 + headerLength;
            return parse(file, size, dataStart, new String(headerBytes.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ProbeException.badData("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Header parse(Path file, long fileSize, long dataStart, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw bad(file, "has a header that is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "has a header that is not a JSON object");
        }
        long dataSize = fileSize - dataStart;
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode entry = field.getValue();
            if (name.equals("__metadata__")) {
                if (!entry.isObject()) {
                    throw bad(file, "has a __metadata__ that is not an object");
                }
                entry.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.add(tensor(file, name, entry, dataStart, dataSize));
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::offset));
        long previousEnd = dataStart;
        String previous = null;
        for (TensorInfo t : tensors) {
            if (t.offset() < previousEnd) {
                throw bad(file, "has overlapping tensors '" + previous + "' and '" + t.name() + "'");
            }
            previousEnd = t.offset() + t.length();
            previous = t.name();
        }
        return new Header(file, fileSize, dataStart, List.copyOf(tensors), Map.copyOf(metadata));
    }

    private static TensorInfo tensor(Path file, String name, JsonNode entry, long dataStart, long dataSize) {
        String where = "tensor '" + name + "'";
        if (!entry.isObject()) {
            throw bad(file, "describes " + where + " with something other than an object");
        }
        JsonNode dtypeNode = entry.get("dtype");
        JsonNode shapeNode = entry.get("shape");
        JsonNode offsetsNode = entry.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw bad(file, "gives " + where + " no dtype");
        }
        if (shapeNode == null || !shapeNode.isArray()) {
            throw bad(file, "gives " + where + " no shape array");
        }
        if (offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2
                || !offsetsNode.get(0).canConvertToLong() || !offsetsNode.get(1).canConvertToLong()
                || !offsetsNode.get(0).isIntegralNumber() || !offsetsNode.get(1).isIntegralNumber()) {
            throw bad(file, "gives " + where + " no data_offsets [begin, end]");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw bad(file, "gives " + where + " a bad shape " + shapeNode);
            }
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException e) {
                throw bad(file, "gives " + where + " a shape too large to address: " + shapeNode);
            }
        }
        long begin = offsetsNode.get(0).asLong();
        long end = offsetsNode.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw bad(file, "gives " + where + " bad data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw bad(file, "gives " + where + " data_offsets [" + begin + ", " + end + "] beyond the "
                    + dataSize + " data bytes the file holds (truncated?)");
        }
        String dtypeName = dtypeNode.asText();
        Dtype dtype = Dtype.parse(dtypeName).orElse(null);
        if (dtype != null) {
            long expected;
            try {
                expected = Math.multiplyExact(numel, dtype.bytes());
            } catch (ArithmeticException e) {
                throw bad(file, "gives " + where + " a shape too large to address: " + shapeNode);
            }
            if (end - begin != expected) {
                throw bad(file, "gives " + where + " " + (end - begin) + " bytes of data, but shape " + shapeNode + " of "
                        + dtypeName + " needs " + expected);
            }
        }
        return new TensorInfo(name, dtype, dtypeName, shape, file, dataStart + begin, end - begin);
    }

    public static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    private static ProbeException bad(Path file, String what) {
        return ProbeException.badData("Not a valid safetensors file: " + file + " " + what, null);
    }
}
