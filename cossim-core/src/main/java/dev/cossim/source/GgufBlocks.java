package dev.cossim.source;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml's block-quantised formats (GGUF tensors), dequantised to float32 as ggml's {@code dequantize_row_*} defines
 * them: float32 arithmetic on the block's float16 scales and its integer quants. Every block is little-endian:
 * <ul>
 * <li>Q4_0 (32 values, 18 bytes): scale d (f16), 16 bytes of 4-bit quants; value j is d·(low nibble − 8), value
 *     j + 16 is d·(high nibble − 8) of byte j.</li>
 * <li>Q4_1 (20): d, m (f16), 16 bytes; d·nibble + m.</li>
 * <li>Q5_0 (22): d, 32 high bits (u32), 16 bytes; the 5th bit of value j is bit j of the u32; d·(q − 16).</li>
 * <li>Q5_1 (24): d, m, 32 high bits, 16 bytes; d·q + m.</li>
 * <li>Q8_0 (34): d, 32 signed bytes; d·q.</li>
 * <li>Q4_K (256 values, 144 bytes): d, dmin (f16), 12 bytes of eight 6-bit (scale, min) pairs, 128 bytes of
 *     nibbles; sub-block s of 32 values is d·scale_s·q − dmin·min_s.</li>
 * <li>Q5_K (176): d, dmin, 12 scale bytes, 32 bytes of high bits, 128 bytes of nibbles.</li>
 * <li>Q6_K (210): 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 signed 8-bit scales, d;
 *     d·scale·(q − 32) over sixteen sub-blocks of 16.</li>
 * <li>Q8_K (292): d (f32), 256 signed bytes, 16 block sums (unused here); d·q.</li>
 * </ul>
 * Runs of blocks are copied from the segment into a per-thread buffer and decoded from there.
 */
final class GgufBlocks {
    /** Blocks copied out of the segment in one piece. */
    private static final int RUN = 64;
    private static final ThreadLocal<byte[]> RUN_BYTES = ThreadLocal.withInitial(() -> new byte[RUN * 292]);
    private static final ThreadLocal<float[]> PARTIAL = ThreadLocal.withInitial(() -> new float[256]);

    private GgufBlocks() {
    }

    /**
     * Dequantises the {@code len} elements starting at flat index {@code from} of a tensor of quantised type
     * {@code t} whose blocks are {@code data}, into {@code dst[off..]}. Blocks cut by either end are decoded whole
     * and the part asked for copied.
     */
    static void dequantize(DType t, MemorySegment data, long from, float[] dst, int off, int len) {
        int bs = t.blockSize();
        int bb = t.blockBytes();
        byte[] buf = RUN_BYTES.get();
        long block = from / bs;
        int skip = (int) (from % bs);
        int done = 0;
        while (done < len) {
            long lastBlock = (from + len - 1) / bs;
            int run = (int) Math.min(RUN, lastBlock - block + 1);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, block * bb, buf, 0, run * bb);
            for (int k = 0; k < run; k++) {
                int n = Math.min(bs - skip, len - done);
                if (n == bs) {
                    decode(t, buf, k * bb, dst, off + done);
                } else {
                    float[] part = PARTIAL.get();
                    decode(t, buf, k * bb, part, 0);
                    System.arraycopy(part, skip, dst, off + done, n);
                }
                done += n;
                skip = 0;
            }
            block += run;
        }
    }

    /** Decodes the one block at {@code b[p..]} into {@code y[o .. o + blockSize)}. */
    static void decode(DType t, byte[] b, int p, float[] y, int o) {
        switch (t) {
            case Q4_0 -> {
                float d = f16(b, p);
                for (int j = 0; j < 16; j++) {
                    int q = b[p + 2 + j] & 0xff;
                    y[o + j] = ((q & 0xf) - 8) * d;
                    y[o + j + 16] = ((q >> 4) - 8) * d;
                }
            }
            case Q4_1 -> {
                float d = f16(b, p), m = f16(b, p + 2);
                for (int j = 0; j < 16; j++) {
                    int q = b[p + 4 + j] & 0xff;
                    y[o + j] = (q & 0xf) * d + m;
                    y[o + j + 16] = (q >> 4) * d + m;
                }
            }
            case Q5_0 -> {
                float d = f16(b, p);
                int qh = u32(b, p + 2);
                for (int j = 0; j < 16; j++) {
                    int q = b[p + 6 + j] & 0xff;
                    int h0 = ((qh >>> j) << 4) & 0x10;
                    int h1 = (qh >>> (j + 12)) & 0x10;
                    y[o + j] = (((q & 0xf) | h0) - 16) * d;
                    y[o + j + 16] = (((q >> 4) | h1) - 16) * d;
                }
            }
            case Q5_1 -> {
                float d = f16(b, p), m = f16(b, p + 2);
                int qh = u32(b, p + 4);
                for (int j = 0; j < 16; j++) {
                    int q = b[p + 8 + j] & 0xff;
                    int h0 = ((qh >>> j) << 4) & 0x10;
                    int h1 = (qh >>> (j + 12)) & 0x10;
                    y[o + j] = ((q & 0xf) | h0) * d + m;
                    y[o + j + 16] = ((q >> 4) | h1) * d + m;
                }
            }
            case Q8_0 -> {
                float d = f16(b, p);
                for (int j = 0; j < 32; j++) {
                    y[o + j] = b[p + 2 + j] * d;
                }
            }
            case Q8_K -> {
                float d = Float.intBitsToFloat(u32(b, p));
                for (int j = 0; j < 256; j++) {
                    y[o + j] = d * b[p + 4 + j];
                }
            }
            case Q4_K -> {
                float d = f16(b, p), dmin = f16(b, p + 2);
                int sc = p + 4, qs = p + 16;
                for (int j = 0; j < 4; j++) {
                    float d1 = d * scale(b, sc, 2 * j), m1 = dmin * min(b, sc, 2 * j);
                    float d2 = d * scale(b, sc, 2 * j + 1), m2 = dmin * min(b, sc, 2 * j + 1);
                    for (int l = 0; l < 32; l++) {
                        int q = b[qs + 32 * j + l] & 0xff;
                        y[o + 64 * j + l] = d1 * (q & 0xf) - m1;
                        y[o + 64 * j + 32 + l] = d2 * (q >> 4) - m2;
                    }
                }
            }
            case Q5_K -> {
                float d = f16(b, p), dmin = f16(b, p + 2);
                int sc = p + 4, qh = p + 16, qs = p + 48;
                for (int j = 0; j < 4; j++) {
                    float d1 = d * scale(b, sc, 2 * j), m1 = dmin * min(b, sc, 2 * j);
                    float d2 = d * scale(b, sc, 2 * j + 1), m2 = dmin * min(b, sc, 2 * j + 1);
                    int u1 = 1 << (2 * j), u2 = 2 << (2 * j);
                    for (int l = 0; l < 32; l++) {
                        int q = b[qs + 32 * j + l] & 0xff;
                        int h = b[qh + l] & 0xff;
                        y[o + 64 * j + l] = d1 * ((q & 0xf) + ((h & u1) != 0 ? 16 : 0)) - m1;
                        y[o + 64 * j + 32 + l] = d2 * ((q >> 4) + ((h & u2) != 0 ? 16 : 0)) - m2;
                    }
                }
            }
            case Q6_K -> {
                float d = f16(b, p + 208);
                for (int n = 0; n < 2; n++) {
                    int ql = p + 64 * n, qh = p + 128 + 32 * n, sc = p + 192 + 8 * n, out = o + 128 * n;
                    for (int l = 0; l < 32; l++) {
                        int is = l / 16;
                        int lo0 = b[ql + l] & 0xff, lo1 = b[ql + l + 32] & 0xff, h = b[qh + l] & 0xff;
                        int q1 = ((lo0 & 0xf) | ((h & 3) << 4)) - 32;
                        int q2 = ((lo1 & 0xf) | (((h >> 2) & 3) << 4)) - 32;
                        int q3 = ((lo0 >> 4) | (((h >> 4) & 3) << 4)) - 32;
                        int q4 = ((lo1 >> 4) | (((h >> 6) & 3) << 4)) - 32;
                        y[out + l] = d * b[sc + is] * q1;
                        y[out + l + 32] = d * b[sc + is + 2] * q2;
                        y[out + l + 64] = d * b[sc + is + 4] * q3;
                        y[out + l + 96] = d * b[sc + is + 6] * q4;
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a block-quantised type: " + t);
        }
    }

    /** The 6-bit scale of sub-block {@code j} (0..7) of a Q4_K/Q5_K block whose 12 scale bytes start at {@code s}. */
    private static int scale(byte[] b, int s, int j) {
        return j < 4 ? b[s + j] & 63 : (b[s + j + 4] & 0xf) | (((b[s + j - 4] & 0xff) >> 6) << 4);
    }

    /** The 6-bit min of sub-block {@code j}, from the same 12 bytes. */
    private static int min(byte[] b, int s, int j) {
        return j < 4 ? b[s + j + 4] & 63 : ((b[s + j + 4] & 0xff) >> 4) | (((b[s + j] & 0xff) >> 6) << 4);
    }

    private static float f16(byte[] b, int i) {
        return HalfFloats.f16((short) ((b[i] & 0xff) | (b[i + 1] << 8)));
    }

    private static int u32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }
}
