package io.traittrace.probe.safetensors;

/**
 * IEEE 754 binary16 and bfloat16 to float, by bit manipulation (Java 17 has no {@code Float.float16ToFloat}).
 * Both conversions are exact: every half and every bfloat16 value is a float.
 */
public final class HalfFloats {

    /** All 65,536 half values as floats: 256 KB, small enough to stay in cache, and faster than the branches. */
    private static final float[] HALF_TABLE = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TABLE.length; h++) {
            HALF_TABLE[h] = halfToFloatSlow((short) h);
        }
    }

    private HalfFloats() {
    }

    /** binary16 → float via the lookup table. */
    public static float halfToFloat(short half) {
        return HALF_TABLE[half & 0xffff];
    }

    /**
     * binary16 → float by its fields: sign 1 bit, exponent 5 bits (bias 15), mantissa 10 bits. Subnormals
     * (exponent 0) are mantissa × 2⁻²⁴; exponent 31 is infinity (mantissa 0) or NaN (payload kept, shifted).
     */
    public static float halfToFloatSlow(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            // ±0 and subnormals: the mantissa counts units of 2^-24, exactly representable as a float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** bfloat16 → float: a bfloat16 is the upper 16 bits of a float. */
    public static float bfloat16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** The lookup table itself, for the bulk decoding loop. */
    public static float[] halfTable() {
        return HALF_TABLE;
    }
}
