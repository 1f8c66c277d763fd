package io.traittrace.probe.safetensors;

import java.util.Locale;
import java.util.Optional;

/**
 * The element types a safetensors header may name. The family test reads the floating types
 * {@link #F32}, {@link #F16} and {@link #BF16}; the others are known only so that their byte ranges can be
 * validated, and their tensors are skipped with a note.
 */
public enum Dtype {
    F32(4, true), F16(2, true), BF16(2, true),
    F64(8, false), I64(8, false), I32(4, false), I16(2, false), I8(1, false), U64(8, false), U32(4, false),
    U16(2, false), U8(1, false), BOOL(1, false), F8_E4M3(1, false), F8_E5M2(1, false);

    private final int bytes;
    private final boolean readable;

    Dtype(int bytes, boolean readable) {
        this.bytes = bytes;
        this.readable = readable;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether the family test compares tensors of this type. */
    public boolean readable() {
        return readable;
    }

    /** The type a header names, or empty for a name this reader does not know. */
    public static Optional<Dtype> parse(String name) {
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
