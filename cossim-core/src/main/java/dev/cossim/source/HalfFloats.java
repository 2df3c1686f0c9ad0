package dev.cossim.source;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Widening of IEEE float16 (binary16) and bfloat16 to float32, in one place. Both widen exactly: every float16 and
 * every bfloat16 value is a float32 value.
 *
 * <p>The bulk methods copy a run of 16-bit patterns into a {@code short[]} and widen it in a plain loop, which the JIT
 * turns into vector conversions (float16: {@code vcvtph2ps}); element-wise reads through a segment cost several times
 * more.
 */
public final class HalfFloats {
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /**
     * The per-thread pattern buffer grows to this many shorts (2 MiB: a query block of 512 rows up to dimension 2048
     * in one piece); longer runs go in pieces of this size.
     */
    private static final int MAX_CHUNK = 1 << 20;
    private static final ThreadLocal<short[]> HALVES = ThreadLocal.withInitial(() -> new short[0]);

    private HalfFloats() {
    }

    /** The float16 {@code bits} as a float32. */
    public static float f16(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** The bfloat16 {@code bits} (the high half of a float32) as a float32. */
    public static float bf16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** {@code dst[off + i] = h[i]} as float16, for i < len. */
    public static void widenF16(short[] h, float[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = Float.float16ToFloat(h[i]);
        }
    }

    /** {@code dst[off + i] = h[i]} as bfloat16, for i < len. */
    public static void widenBf16(short[] h, float[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = Float.intBitsToFloat((h[i] & 0xffff) << 16);
        }
    }

    /**
     * Widens {@code len} 16-bit values of {@code dtype} ({@link DType#F16} or {@link DType#BF16}) stored in
     * {@code src} from byte offset {@code byteOffset} in byte order {@code order}, into {@code dst[dstOff..]}.
     */
    public static void widen(DType dtype, MemorySegment src, long byteOffset, ByteOrder order, float[] dst, int dstOff, int len) {
        boolean f16 = switch (dtype) {
            case F16 -> true;
            case BF16 -> false;
            default -> throw new IllegalArgumentException("not a 16-bit float type: " + dtype);
        };
        ValueLayout.OfShort layout = order == ByteOrder.LITTLE_ENDIAN ? I16_LE : I16_BE;
        short[] h = HALVES.get();
        int want = Math.min(len, MAX_CHUNK);
        if (h.length < want) {
            h = new short[want];
            HALVES.set(h);
        }
        for (int done = 0; done < len; ) {
            int n = Math.min(len - done, h.length);
            MemorySegment.copy(src, layout, byteOffset + 2L * done, h, 0, n);
            if (f16) {
                widenF16(h, dst, dstOff + done, n);
            } else {
                widenBf16(h, dst, dstOff + done, n);
            }
            done += n;
        }
    }

    /**
     * {@link #widen(DType, MemorySegment, long, ByteOrder, float[], int, int)} from a buffer, {@code offset} bytes past
     * its position, in the buffer's byte order; the buffer's position is left as it was.
     */
    public static void widen(DType dtype, ByteBuffer src, int offset, float[] dst, int dstOff, int len) {
        widen(dtype, MemorySegment.ofBuffer(src), offset, src.order(), dst, dstOff, len);
    }
}
