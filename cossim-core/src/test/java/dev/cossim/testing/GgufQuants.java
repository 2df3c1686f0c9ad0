package dev.cossim.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * ggml quantised blocks built from known values, with the values they stand for worked out in double straight from
 * the block definitions (ggml-common.h): the bytes place each quant's bits where the format says, and the expected
 * value is the format's formula on the known scale, min and quant, never a decoding of the bytes.
 */
public final class GgufQuants {
    /** One block: its bytes, the value of each element, and the size of the terms that make it (for a tolerance). */
    public record Block(byte[] bytes, double[] values, double[] magnitude) {
    }

    private GgufQuants() {
    }

    public static int blockSize(int type) {
        return switch (type) {
            case GgufBytes.Q4_0, GgufBytes.Q4_1, GgufBytes.Q5_0, GgufBytes.Q5_1, GgufBytes.Q8_0 -> 32;
            default -> 256;
        };
    }

    /**
     * A random block of ggml {@code type}. With {@code exact}, scales are powers of two and mins small multiples of
     * them, so every value is exactly a float32 and the reader must give it bit for bit.
     */
    public static Block random(int type, SplittableRandom r, boolean exact) {
        return switch (type) {
            case GgufBytes.Q8_0 -> {
                float d = scale(r, exact);
                int[] q = ints(r, 32, -128, 127);
                ByteBuffer b = le(34).putShort(Float.floatToFloat16(d));
                double[] v = new double[32], mag = new double[32];
                for (int i = 0; i < 32; i++) {
                    b.put((byte) q[i]);
                    v[i] = (double) d * q[i];
                    mag[i] = Math.abs(v[i]);
                }
                yield new Block(b.array(), v, mag);
            }
            case GgufBytes.Q4_0, GgufBytes.Q4_1, GgufBytes.Q5_0, GgufBytes.Q5_1 -> legacy(type, r, exact);
            case GgufBytes.Q4_K, GgufBytes.Q5_K -> kQuant(type, r, exact);
            case GgufBytes.Q6_K -> {
                float d = scale(r, exact);
                int[] sc = ints(r, 16, -128, 127);
                int[] q = ints(r, 256, 0, 63);
                byte[] ql = new byte[128], qh = new byte[64];
                double[] v = new double[256], mag = new double[256];
                for (int i = 0; i < 256; i++) {
                    // Element i: half n = i/128; in it, quarter k = (i%128)/32 and lane l = i%32. The low 4 bits go to
                    // ql[64n + l] (k = 0, low nibble), ql[64n + 32 + l] (k = 1, low), the same bytes' high nibbles for
                    // k = 2 and 3; the top 2 bits to bits 2k, 2k+1 of qh[32n + l]. Scale: sc[i / 16].
                    int n = i / 128, k = (i % 128) / 32, l = i % 32;
                    int lowByte = 64 * n + (k % 2) * 32 + l;
                    ql[lowByte] |= (byte) ((q[i] & 0xf) << (k < 2 ? 0 : 4));
                    qh[32 * n + l] |= (byte) ((q[i] >> 4) << (2 * k));
                    v[i] = (double) d * sc[i / 16] * (q[i] - 32);
                    mag[i] = Math.abs(v[i]);
                }
                ByteBuffer b = le(210).put(ql).put(qh);
                for (int s : sc) {
                    b.put((byte) s);
                }
                b.putShort(Float.floatToFloat16(d));
                yield new Block(b.array(), v, mag);
            }
            case GgufBytes.Q8_K -> {
                float d = exact ? scale(r, true) : (float) (r.nextDouble() * 0.01 + 1e-4);
                int[] q = ints(r, 256, -128, 127);
                ByteBuffer b = le(292).putFloat(d);
                double[] v = new double[256], mag = new double[256];
                for (int i = 0; i < 256; i++) {
                    b.put((byte) q[i]);
                    v[i] = (double) d * q[i];
                    mag[i] = Math.abs(v[i]);
                }
                for (int g = 0; g < 16; g++) {
                    int sum = 0;
                    for (int i = 0; i < 16; i++) {
                        sum += q[16 * g + i];
                    }
                    b.putShort((short) sum);
                }
                yield new Block(b.array(), v, mag);
            }
            default -> throw new IllegalArgumentException("type " + type);
        };
    }

    /** Q4_0, Q4_1, Q5_0, Q5_1: 32 values; element j < 16 in the low nibble of byte j, element j + 16 in its high. */
    private static Block legacy(int type, SplittableRandom r, boolean exact) {
        boolean five = type == GgufBytes.Q5_0 || type == GgufBytes.Q5_1;
        boolean withMin = type == GgufBytes.Q4_1 || type == GgufBytes.Q5_1;
        float d = scale(r, exact);
        float m = withMin ? min(r, exact) : 0;
        int[] q = ints(r, 32, 0, five ? 31 : 15);
        int size = 2 + (withMin ? 2 : 0) + (five ? 4 : 0) + 16;
        ByteBuffer b = le(size).putShort(Float.floatToFloat16(d));
        if (withMin) {
            b.putShort(Float.floatToFloat16(m));
        }
        if (five) {
            int qh = 0;
            for (int i = 0; i < 32; i++) {
                qh |= (q[i] >> 4) << i; // the fifth bit of element i is bit i of a little-endian u32
            }
            b.putInt(qh);
        }
        for (int j = 0; j < 16; j++) {
            b.put((byte) ((q[j] & 0xf) | (q[j + 16] & 0xf) << 4));
        }
        int offset = five ? 16 : 8;
        double[] v = new double[32], mag = new double[32];
        for (int i = 0; i < 32; i++) {
            v[i] = withMin ? (double) q[i] * d + m : (double) (q[i] - offset) * d;
            mag[i] = Math.abs((withMin ? q[i] : q[i] - offset) * (double) d) + Math.abs(m);
        }
        return new Block(b.array(), v, mag);
    }

    /** Q4_K, Q5_K: 256 values in eight sub-blocks of 32, each d·scale·q − dmin·min with 6-bit scale and min. */
    private static Block kQuant(int type, SplittableRandom r, boolean exact) {
        boolean five = type == GgufBytes.Q5_K;
        float d = scale(r, exact), dmin = scale(r, exact);
        int[] sc = ints(r, 8, 0, 63), mn = ints(r, 8, 0, 63);
        int[] q = ints(r, 256, 0, five ? 31 : 15);
        byte[] scales = new byte[12];
        for (int s = 0; s < 8; s++) {
            if (s < 4) { // bytes 0..3 hold scales 0..3, bytes 4..7 mins 0..3, in their low 6 bits
                scales[s] |= (byte) sc[s];
                scales[s + 4] |= (byte) mn[s];
            } else { // bytes 8..11: scale s low 4 bits | min s low 4 bits << 4; their top 2 bits in the top of bytes s-4, s
                scales[s + 4] = (byte) ((sc[s] & 0xf) | (mn[s] & 0xf) << 4);
                scales[s - 4] |= (byte) ((sc[s] >> 4) << 6);
                scales[s] |= (byte) ((mn[s] >> 4) << 6);
            }
        }
        byte[] qs = new byte[128], qh = new byte[32];
        double[] v = new double[256], mag = new double[256];
        for (int i = 0; i < 256; i++) {
            // Element i: chunk c = i/64 of 32 bytes; its first 32 values are the low nibbles, the next 32 the high.
            int c = i / 64, w = i % 64, s = i / 32;
            qs[32 * c + w % 32] |= (byte) ((q[i] & 0xf) << (w < 32 ? 0 : 4));
            if (five) {
                qh[i % 32] |= (byte) ((q[i] >> 4) << s); // the fifth bit: bit s of qh[i % 32]
            }
            v[i] = (double) d * sc[s] * q[i] - (double) dmin * mn[s];
            mag[i] = Math.abs((double) d * sc[s] * q[i]) + Math.abs((double) dmin * mn[s]);
        }
        ByteBuffer b = le(five ? 176 : 144).putShort(Float.floatToFloat16(d)).putShort(Float.floatToFloat16(dmin)).put(scales);
        if (five) {
            b.put(qh);
        }
        b.put(qs);
        return new Block(b.array(), v, mag);
    }

    /** A positive float16 scale: a power of two when exact. */
    private static float scale(SplittableRandom r, boolean exact) {
        double d = exact ? Math.scalb(1.0, -r.nextInt(2, 9)) : r.nextDouble() * 0.05 + 0.001;
        return Float.float16ToFloat(Float.floatToFloat16((float) d));
    }

    /** A signed float16 min: a small multiple of 1/64 when exact. */
    private static float min(SplittableRandom r, boolean exact) {
        double m = exact ? r.nextInt(-200, 201) / 64.0 : (r.nextDouble() - 0.5) * 2;
        return Float.float16ToFloat(Float.floatToFloat16((float) m));
    }

    private static int[] ints(SplittableRandom r, int n, int lo, int hi) {
        return r.ints(n, lo, hi + 1).toArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
