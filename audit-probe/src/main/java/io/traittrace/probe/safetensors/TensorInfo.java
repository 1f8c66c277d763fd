package io.traittrace.probe.safetensors;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a checkpoint, as its shard's header describes it.
 *
 * @param dtype    the element type, or {@code null} when the header names a type this reader does not know
 * @param dtypeName the type as the header spells it
 * @param offset   absolute byte position of the first element in {@code file}
 * @param length   bytes of data
 */
public record TensorInfo(String name, Dtype dtype, String dtypeName, long[] shape, Path file, long offset, long length) {

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public boolean sameShape(TensorInfo other) {
        return Arrays.equals(shape, other.shape);
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    /** Whether the family test can read it (F32, F16 or BF16). */
    public boolean readable() {
        return dtype != null && dtype.readable();
    }
}
