package dev.cossim.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A register-blocked GEMM micro-kernel on the Vector API, laid out the way BLIS does it: the depth d is cut into
 * blocks of {@link #KC}; within a block, B's rows are packed into panels of NR = 2 vectors' worth of columns and A's
 * rows into slivers of MR = 6, both depth-major, so the micro-kernel streams both with unit stride and keeps a
 * 6 x 2-vector tile of C in 12 accumulator registers (12 + 2 loads + 1 broadcast = 15 of AVX2's 16). Tails in m and n
 * are zero-padded while packing, so d, m and n may have any size.
 *
 * <p>Loaded only when the jdk.incubator.vector module is present: see {@link Kernels}.
 */
public final class VectorTileKernel implements TileKernel {
    static final VectorSpecies<Float> S = species(Integer.getInteger("cossim.vector.bits", 0));
    static final int L = S.length();
    static final int NR = 2 * L;
    static final int MR = 6;
    /** Depth block: an A sliver (6 x 256 floats) and a B panel (16 x 256) stay in L1 while the micro-kernel runs. */
    static final int KC = 256;

    /** The vector width: {@code -Dcossim.vector.bits=256|512} overrides the platform's preferred one. */
    static VectorSpecies<Float> species(int bits) {
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    private static final class Scratch {
        float[] pa = new float[0];
        float[] pb = new float[0];
        final float[] c = new float[MR * NR];
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "vector";
    }

    /** Lanes per vector on this machine (8 for AVX2, 16 for AVX-512). */
    public static int lanes() {
        return L;
    }

    @Override
    public void dots(float[] a, int aRow, int m, float[] b, int bRow, int n, int d, float[] out) {
        java.util.Arrays.fill(out, 0, m * n, 0f);
        Scratch s = scratch.get();
        int mBlocks = (m + MR - 1) / MR;
        int nPanels = (n + NR - 1) / NR;
        int needA = mBlocks * MR * Math.min(KC, d);
        int needB = nPanels * NR * Math.min(KC, d);
        if (s.pa.length < needA) {
            s.pa = new float[needA];
        }
        if (s.pb.length < needB) {
            s.pb = new float[needB];
        }
        float[] pa = s.pa;
        float[] pb = s.pb;
        for (int k0 = 0; k0 < d; k0 += KC) {
            int kc = Math.min(KC, d - k0);
            pack(b, bRow, n, d, k0, kc, NR, pb);
            pack(a, aRow, m, d, k0, kc, MR, pa);
            for (int q = 0; q < mBlocks; q++) {
                int i0 = q * MR;
                int mr = Math.min(MR, m - i0);
                for (int p = 0; p < nPanels; p++) {
                    int j0 = p * NR;
                    int nr = Math.min(NR, n - j0);
                    micro(pa, q * kc * MR, pb, p * kc * NR, kc, out, i0, j0, n, mr, nr, s.c);
                }
            }
        }
    }

    /**
     * Packs rows [row0, row0 + count) of src, depth slice [k0, k0 + kc), into slivers of {@code width} rows:
     * dst[(sliver * kc + k) * width + r]. Rows past count are zero.
     */
    private static void pack(float[] src, int row0, int count, int d, int k0, int kc, int width, float[] dst) {
        int slivers = (count + width - 1) / width;
        for (int sl = 0; sl < slivers; sl++) {
            int base = sl * kc * width;
            for (int r = 0; r < width; r++) {
                int row = sl * width + r;
                if (row < count) {
                    int so = (row0 + row) * d + k0;
                    for (int k = 0; k < kc; k++) {
                        dst[base + k * width + r] = src[so + k];
                    }
                } else {
                    for (int k = 0; k < kc; k++) {
                        dst[base + k * width + r] = 0f;
                    }
                }
            }
        }
    }

    private static void micro(float[] pa, int ao, float[] pb, int bo, int kc, float[] out, int i0, int j0, int ldc,
                              int mr, int nr, float[] tmp) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x = FloatVector.broadcast(S, pa[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            ao += MR;
            bo += NR;
        }
        // Spill the accumulators to a small scratch tile: no vector crosses a method boundary, so C2 keeps them in
        // registers (passing them to a helper made it box all twelve on every call).
        c00.intoArray(tmp, 0);
        c01.intoArray(tmp, L);
        c10.intoArray(tmp, NR);
        c11.intoArray(tmp, NR + L);
        c20.intoArray(tmp, 2 * NR);
        c21.intoArray(tmp, 2 * NR + L);
        c30.intoArray(tmp, 3 * NR);
        c31.intoArray(tmp, 3 * NR + L);
        c40.intoArray(tmp, 4 * NR);
        c41.intoArray(tmp, 4 * NR + L);
        c50.intoArray(tmp, 5 * NR);
        c51.intoArray(tmp, 5 * NR + L);
        for (int i = 0; i < mr; i++) {
            int o = (i0 + i) * ldc + j0;
            for (int j = 0; j < nr; j++) {
                out[o + j] += tmp[i * NR + j];
            }
        }
    }

}
