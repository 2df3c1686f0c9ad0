package dev.cossim.source;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** float16 and bfloat16 widening over all 65,536 bit patterns of each, against the formats' definitions. */
class HalfFloatsTest {
    /** IEEE 754 binary16 from its fields: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. */
    static float referenceF16(int bits) {
        int sign = (bits >> 15) & 1, exp = (bits >> 10) & 0x1f, frac = bits & 0x3ff;
        double m;
        if (exp == 0) {
            m = Math.scalb((double) frac, -24); // subnormal: frac * 2^-10 * 2^-14
        } else if (exp == 31) {
            m = frac == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            m = Math.scalb(1024.0 + frac, exp - 25); // (1 + frac / 2^10) * 2^(exp - 15)
        }
        return (float) (sign == 1 ? -m : m);
    }

    /** bfloat16 from its fields: 1 sign bit, 8 exponent bits (bias 127), 7 fraction bits. */
    static float referenceBf16(int bits) {
        int sign = (bits >> 15) & 1, exp = (bits >> 7) & 0xff, frac = bits & 0x7f;
        double m;
        if (exp == 0) {
            m = Math.scalb((double) frac, -133); // subnormal: frac * 2^-7 * 2^-126
        } else if (exp == 255) {
            m = frac == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            m = Math.scalb(128.0 + frac, exp - 134); // (1 + frac / 2^7) * 2^(exp - 127)
        }
        return (float) (sign == 1 ? -m : m);
    }

    static void same(float want, float got, String what) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + ": want NaN, got " + got);
        } else if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) { // tells -0 from +0
            fail(what + ": want " + want + ", got " + got);
        }
    }

    @Test
    void scalarWideningOfEveryPattern() {
        for (int b = 0; b < 65536; b++) {
            same(referenceF16(b), HalfFloats.f16((short) b), "f16 " + Integer.toHexString(b));
            same(referenceBf16(b), HalfFloats.bf16((short) b), "bf16 " + Integer.toHexString(b));
        }
        assertEquals(1.0f, HalfFloats.f16((short) 0x3c00));
        assertEquals(1.0f, HalfFloats.bf16((short) 0x3f80));
        assertEquals(65504f, HalfFloats.f16((short) 0x7bff));
    }

    @Test
    void bulkWideningOfEveryPatternInBothByteOrders() {
        short[] all = new short[65536];
        for (int b = 0; b < all.length; b++) {
            all[b] = (short) b;
        }
        for (ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer bytes = ByteBuffer.allocate(3 + 2 * all.length).order(order); // odd start: unaligned reads
            for (int b = 0; b < all.length; b++) {
                bytes.putShort(3 + 2 * b, all[b]);
            }
            MemorySegment seg = MemorySegment.ofBuffer(bytes);
            for (DType t : new DType[]{DType.F16, DType.BF16}) {
                float[] out = new float[5 + all.length];
                HalfFloats.widen(t, seg, 3, order, out, 5, all.length);
                float[] fromBuffer = new float[all.length];
                HalfFloats.widen(t, bytes, 3, fromBuffer, 0, all.length);
                float[] fromShorts = new float[all.length];
                if (t == DType.F16) {
                    HalfFloats.widenF16(all, fromShorts, 0, all.length);
                } else {
                    HalfFloats.widenBf16(all, fromShorts, 0, all.length);
                }
                for (int b = 0; b < all.length; b++) {
                    float want = t == DType.F16 ? referenceF16(b) : referenceBf16(b);
                    String what = t + " " + order + " " + Integer.toHexString(b);
                    same(want, out[5 + b], what);
                    same(want, fromBuffer[b], what + " (buffer)");
                    same(want, fromShorts[b], what + " (short[])");
                }
            }
        }
    }

    @Test
    void runsLongerThanTheBufferGoInPieces() {
        int n = (1 << 20) + 1000;
        MemorySegment seg = MemorySegment.ofArray(new byte[2 * n]);
        for (int i = 0; i < n; i++) {
            seg.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i, (short) i);
        }
        float[] out = new float[n];
        HalfFloats.widen(DType.BF16, seg, 0, ByteOrder.LITTLE_ENDIAN, out, 0, n);
        for (int i = 0; i < n; i++) {
            same(referenceBf16(i & 0xffff), out[i], "element " + i);
        }
    }

    @Test
    void tensorReadsWidenThroughIt() {
        byte[] data = dev.cossim.testing.TestFiles.bf16(1, -2.5f, 3, 0.5f);
        Tensor t = new Tensor("t", "t", DType.BF16, new long[]{2, 2}, MemorySegment.ofArray(data), ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[4];
        t.readFloats(0, out, 0, 4);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[]{1, -2.5f, 3, 0.5f}, out);
        assertEquals(-2.5, t.getDouble(1));
    }
}
