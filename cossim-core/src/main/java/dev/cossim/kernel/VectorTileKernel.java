package dev.cossim.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * A register-blocked GEMM micro-kernel on the Vector API, laid out the way BLIS does it: the depth d is cut into
 * blocks of {@link #KC}; within a block, B's rows are packed into panels of NR = 2 vectors' worth of columns and A's
 * rows into slivers of MR = 6, both depth-major, so the micro-kernel streams both with unit stride and keeps a
 * 6 x 2-vector tile of C in 12 accumulator registers (12 + 2 loads + 1 broadcast = 15 of AVX2's 16; AVX-512 has 32,
 * but 8 x 2, 12 x 2 and 4 x 3 measured no faster here). Tails in m and n are zero-padded while packing and the
 * micro-kernel writes such edge tiles through a small buffer, so d, m and n may have any size. Through
 * {@link #rowBlock} the row block is packed once for all the column blocks it meets.
 *
 * <p>Measured on the 2-core AMD EPYC (Zen 4, AVX-512) with C2, one core: the micro-kernel alone about 113 GFLOP/s,
 * a 256 x 256 x 768 tile with packing about 90-97 GFLOP/s, level with OpenBLAS 0.3.30 on the same tile.
 *
 * <p>Loaded only when the jdk.incubator.vector module is present: see {@link Kernels}.
 */
public final class VectorTileKernel implements TileKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int NR = 2 * L;
    static final int MR = 6;
    /** Depth block: a B panel (2L x 128 floats, 16 KiB with AVX-512) and an A sliver stay in the 32 KiB L1; 128 measured best of 96..256. */
    static final int KC = 128;

    private static final class Scratch {
        float[] pb = new float[0];
        final float[] edge = new float[MR * NR];
        /** Gather offsets r * d of the L rows of half a panel, for the d they were made for. */
        final int[] rowOffsets = new int[L];
        int offsetsFor = -1;
        /** The thread's packed row block, reused from block to block; generation counts the blocks packed into it. */
        float[] pa = new float[0];
        long paGeneration;
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String describe() {
        return L * 32 + "-bit Vector API, " + MR + " x " + NR + " micro-kernel";
    }

    @Override
    public int vectorBits() {
        return L * 32;
    }

    /** Lanes per vector on this machine (8 for AVX2, 16 for AVX-512). */
    public static int lanes() {
        return L;
    }

    @Override
    public void dots(float[] a, int aRow, int m, float[] b, int bRow, int n, int d, float[] out) {
        rowBlock(a, aRow, m, d).dots(b, bRow, n, out);
    }

    @Override
    public RowBlock rowBlock(float[] a, int aRow, int m, int d) {
        Scratch s = scratch.get();
        int need = (m + MR - 1) / MR * MR * d;
        if (s.pa.length < need) {
            s.pa = new float[need];
        }
        packA(a, aRow, m, d, s.pa);
        return new PackedRows(a, aRow, m, d, s, ++s.paGeneration);
    }

    /** A's rows packed for every depth block: block k0 starts at mBlocks * MR * k0 and holds slivers of MR rows. */
    private static float[] packA(float[] a, int aRow, int m, int d, float[] pa) {
        int mBlocks = (m + MR - 1) / MR;
        for (int k0 = 0; k0 < d; k0 += KC) {
            int kc = Math.min(KC, d - k0);
            pack(a, aRow, m, d, k0, kc, MR, pa, mBlocks * MR * k0);
        }
        return pa;
    }

    private final class PackedRows implements RowBlock {
        private final float[] a;
        private final int aRow;
        private final int m;
        private final int d;
        private final Scratch owner;
        private final long generation;

        PackedRows(float[] a, int aRow, int m, int d, Scratch owner, long generation) {
            this.a = a;
            this.aRow = aRow;
            this.m = m;
            this.d = d;
            this.owner = owner;
            this.generation = generation;
        }

        @Override
        public void dots(float[] b, int bRow, int n, float[] out) {
            Scratch s = scratch.get();
            // Used from another thread, or this thread has packed another row block since: pack these rows afresh.
            float[] pa = s == owner && s.paGeneration == generation ? owner.pa
                    : packA(a, aRow, m, d, new float[(m + MR - 1) / MR * MR * d]);
            int mBlocks = (m + MR - 1) / MR;
            int nPanels = (n + NR - 1) / NR;
            if (d == 0) {
                Arrays.fill(out, 0, m * n, 0f);
                return;
            }
            int needB = nPanels * NR * Math.min(KC, d);
            if (s.pb.length < needB) {
                s.pb = new float[needB];
            }
            float[] pb = s.pb;
            for (int k0 = 0; k0 < d; k0 += KC) {
                int kc = Math.min(KC, d - k0);
                boolean add = k0 > 0;
                packPanels(b, bRow, n, d, k0, kc, pb, s);
                int aBase = mBlocks * MR * k0;
                for (int p = 0; p < nPanels; p++) {
                    int j0 = p * NR;
                    int nr = Math.min(NR, n - j0);
                    for (int q = 0; q < mBlocks; q++) {
                        int i0 = q * MR;
                        int mr = Math.min(MR, m - i0);
                        if (mr == MR && nr == NR) {
                            micro(pa, aBase + q * kc * MR, pb, p * kc * NR, kc, out, i0 * n + j0, n, add);
                        } else {
                            edge(pa, aBase + q * kc * MR, pb, p * kc * NR, kc, out, i0, j0, n, mr, nr, add, s.edge);
                        }
                    }
                }
            }
        }
    }

    /** Rows of a column block's micro-tile, and its columns: 4 x 3 vectors (12 accumulators, 3 loads, 1 broadcast). */
    static final int QR = 4;
    static final int QN = 3 * L;
    /** Rows of the micro-tile for the last columns (fewer than QN, one vector each): 8 accumulators keep both FMA pipes busy. */
    static final int TR = 8;
    /** Rows per chunk of a column block's product (a multiple of TR): 256 x 384 floats stay in L2 while the panels pass. */
    static final int MC = 256;
    /**
     * At most this many last columns (after the full vectors) are taken as dot products along the depth, four columns
     * at a time ({@link #dots2x4}), rather than as one more vector of mostly unused lanes: 1024 rows x 100 columns x 384
     * on one thread (96 in panels, 4 left) took 497-530 us a block that way against 400-415 us for 96 columns.
     */
    static final int DOT_TAIL = 8;

    /**
     * Packs the columns once into panels of QN (then panels of one vector for the rest), depth-major per depth block of
     * {@link #KC}, and multiplies row blocks without packing them: the micro-kernel broadcasts each row's values
     * straight from the row-major block (QR rows read with unit stride). Measurements: docs/performance.md, "The
     * query scan's kernel".
     */
    @Override
    public ColumnBlock columnBlock(float[] b, int bRow, int n, int d) {
        return new PackedColumns(b, bRow, n, d);
    }

    private static final class PackedColumns implements ColumnBlock {
        private final int n;
        private final int d;
        /** Full panels of QN columns, then panels of one vector (the last zero-padded), then the dot-product columns. */
        private final int full;
        private final int tails;
        /** Columns per depth block: depth block k0 starts at width * k0; in it, panel p at p * kc * QN, tail t after. */
        private final int width;
        private final float[] pb;
        /** The last {@code dotCols} columns (at most DOT_TAIL), unpacked in groups of four rows of d (zero rows to fill). */
        private final int dotCols;
        private final float[] dotRows;

        PackedColumns(float[] b, int bRow, int n, int d) {
            this.n = n;
            this.d = d;
            this.full = n / QN;
            int rest = n - full * QN;
            this.dotCols = rest % L <= DOT_TAIL ? rest % L : 0;
            this.tails = (rest - dotCols + L - 1) / L;
            this.width = full * QN + tails * L;
            this.pb = new float[width * d];
            this.dotRows = new float[(dotCols + 3) / 4 * 4 * d];
            System.arraycopy(b, (bRow + n - dotCols) * d, dotRows, 0, dotCols * d);
            for (int k0 = 0; k0 < d; k0 += KC) {
                int kc = Math.min(KC, d - k0);
                int base = width * k0;
                for (int p = 0; p < full; p++) {
                    pack(b, bRow + p * QN, QN, d, k0, kc, QN, pb, base + p * kc * QN);
                }
                for (int t = 0; t < tails; t++) {
                    int j0 = full * QN + t * L;
                    pack(b, bRow + j0, Math.min(L, n - dotCols - j0), d, k0, kc, L, pb, base + full * kc * QN + t * kc * L);
                }
            }
        }

        @Override
        public void dots(float[] a, int aRow, int m, float[] out) {
            if (m == 0 || n == 0) {
                return;
            }
            if (d == 0) {
                Arrays.fill(out, 0, m * n, 0f);
                return;
            }
            int main = m / TR * TR;
            // Rows a chunk of MC at a time, so that the chunk stays in L2 while every panel passes over it.
            for (int i0 = 0; i0 < main; i0 += MC) {
                product(a, (aRow + i0) * d, Math.min(MC, main - i0), out, i0 * n);
            }
            if (main < m) {
                // The last rows (fewer than TR) through the same micro-kernels on a zero-padded copy, so that a value
                // is computed the same wherever its row falls in a block.
                int rest = m - main;
                float[] pad = new float[TR * d];
                System.arraycopy(a, (aRow + main) * d, pad, 0, rest * d);
                float[] tile = new float[TR * n];
                product(pad, 0, TR, tile, 0);
                System.arraycopy(tile, 0, out, main * n, rest * n);
            }
        }

        /** out[o + i * n + j] for rows [0, m) of a (m a multiple of TR) starting at offset ao. */
        private void product(float[] a, int ao, int m, float[] out, int o) {
            if (full > 0) {
                for (int k0 = 0; k0 < d; k0 += KC) {
                    int kc = Math.min(KC, d - k0);
                    boolean add = k0 > 0;
                    int base = width * k0;
                    for (int p = 0; p < full; p++) {
                        int bo = base + p * kc * QN;
                        for (int i0 = 0; i0 < m; i0 += QR) {
                            micro4x3(a, ao + i0 * d + k0, d, pb, bo, kc, out, o + i0 * n + p * QN, n, add);
                        }
                    }
                }
            }
            // The last columns, a vector's worth at a time: each TR-row tile summed over all depth blocks in a small
            // buffer, then its valid columns copied out (no masked loads or stores on the output).
            if (tails > 0) {
                float[] tile = new float[TR * L];
                for (int t = 0; t < tails; t++) {
                    int j0 = full * QN + t * L;
                    int nr = Math.min(L, n - dotCols - j0);
                    for (int i0 = 0; i0 < m; i0 += TR) {
                        for (int k0 = 0; k0 < d; k0 += KC) {
                            int kc = Math.min(KC, d - k0);
                            micro8x1(a, ao + i0 * d + k0, d, pb, width * k0 + full * kc * QN + t * kc * L, kc, tile, k0 > 0);
                        }
                        for (int i = 0; i < TR; i++) {
                            System.arraycopy(tile, i * L, out, o + (i0 + i) * n + j0, nr);
                        }
                    }
                }
            }
            // The last few columns, two rows and four columns at a time along the depth.
            float[] lanes = dotCols > 0 ? new float[8 * L] : null;
            for (int j = 0; j < dotCols; j += 4) {
                int j0 = n - dotCols + j;
                for (int i = 0; i < m; i += 2) {
                    dots2x4(a, ao + i * d, d, dotRows, j * d, out, o + i * n + j0, n, Math.min(4, dotCols - j), lanes);
                }
            }
        }
    }

    /**
     * out[o + c] and out[o + ldc + c], c &lt; nc, = the dot products of rows a[a0 ..] and a[a0 + d ..] with the rows
     * q[q0 + c * d ..] (four of them, zero past nc), each summed along the depth in vector lanes and then across them;
     * {@code lanes} is scratch space for 8 vectors.
     */
    private static void dots2x4(float[] a, int a0, int d, float[] q, int q0, float[] out, int o, int ldc, int nc, float[] lanes) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        int a1 = a0 + d, q1 = q0 + d, q2 = q0 + 2 * d, q3 = q0 + 3 * d;
        int body = S.loopBound(d);
        for (int k = 0; k < body; k += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + k);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + k);
            FloatVector y = FloatVector.fromArray(S, q, q0 + k);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            y = FloatVector.fromArray(S, q, q1 + k);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            y = FloatVector.fromArray(S, q, q2 + k);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            y = FloatVector.fromArray(S, q, q3 + k);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
        }
        // The lanes summed in a fixed order (reduceLanes adds them in one order compiled and another before C2 has
        // compiled it, and a row's scores must not depend on when it was computed).
        s00.intoArray(lanes, 0);
        s01.intoArray(lanes, L);
        s02.intoArray(lanes, 2 * L);
        s03.intoArray(lanes, 3 * L);
        s10.intoArray(lanes, 4 * L);
        s11.intoArray(lanes, 5 * L);
        s12.intoArray(lanes, 6 * L);
        s13.intoArray(lanes, 7 * L);
        float r00 = sum(lanes, 0), r01 = sum(lanes, L), r02 = sum(lanes, 2 * L), r03 = sum(lanes, 3 * L);
        float r10 = sum(lanes, 4 * L), r11 = sum(lanes, 5 * L), r12 = sum(lanes, 6 * L), r13 = sum(lanes, 7 * L);
        for (int k = body; k < d; k++) {
            float x0 = a[a0 + k], x1 = a[a1 + k];
            r00 += x0 * q[q0 + k];
            r01 += x0 * q[q1 + k];
            r02 += x0 * q[q2 + k];
            r03 += x0 * q[q3 + k];
            r10 += x1 * q[q0 + k];
            r11 += x1 * q[q1 + k];
            r12 += x1 * q[q2 + k];
            r13 += x1 * q[q3 + k];
        }
        if (Float.isNaN(r00 + r01 + r02 + r03 + r10 + r11 + r12 + r13)) {
            r00 = again(r00, a, a0, q, q0, d);
            r01 = again(r01, a, a0, q, q1, d);
            r02 = again(r02, a, a0, q, q2, d);
            r03 = again(r03, a, a0, q, q3, d);
            r10 = again(r10, a, a1, q, q0, d);
            r11 = again(r11, a, a1, q, q1, d);
            r12 = again(r12, a, a1, q, q2, d);
            r13 = again(r13, a, a1, q, q3, d);
        }
        int o1 = o + ldc;
        out[o] = r00;
        out[o1] = r10;
        if (nc > 1) {
            out[o + 1] = r01;
            out[o1 + 1] = r11;
        }
        if (nc > 2) {
            out[o + 2] = r02;
            out[o1 + 2] = r12;
        }
        if (nc > 3) {
            out[o + 3] = r03;
            out[o1 + 3] = r13;
        }
    }

    /** C[4 x 3L] (=|+=) rows a[ao + i * d + k] times a panel of 3L columns over kc depth steps. */
    private static void micro4x3(float[] a, int ao, int d, float[] pb, int bo, int kc, float[] out, int o, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        int a0 = ao, a1 = ao + d, a2 = ao + 2 * d, a3 = ao + 3 * d;
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            bo += QN;
        }
        // Written out in place, as in micro (a helper taking vectors makes C2 box them).
        int o1 = o + ldc, o2 = o + 2 * ldc, o3 = o + 3 * ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, out, o));
            c01 = c01.add(FloatVector.fromArray(S, out, o + L));
            c02 = c02.add(FloatVector.fromArray(S, out, o + 2 * L));
            c10 = c10.add(FloatVector.fromArray(S, out, o1));
            c11 = c11.add(FloatVector.fromArray(S, out, o1 + L));
            c12 = c12.add(FloatVector.fromArray(S, out, o1 + 2 * L));
            c20 = c20.add(FloatVector.fromArray(S, out, o2));
            c21 = c21.add(FloatVector.fromArray(S, out, o2 + L));
            c22 = c22.add(FloatVector.fromArray(S, out, o2 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(S, out, o3));
            c31 = c31.add(FloatVector.fromArray(S, out, o3 + L));
            c32 = c32.add(FloatVector.fromArray(S, out, o3 + 2 * L));
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + L);
        c02.intoArray(out, o + 2 * L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c12.intoArray(out, o1 + 2 * L);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        c22.intoArray(out, o2 + 2 * L);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
        c32.intoArray(out, o3 + 2 * L);
    }

    /** The L floats from {@code v[o]} added left to right. */
    private static float sum(float[] v, int o) {
        float s = 0;
        for (int i = 0; i < L; i++) {
            s += v[o + i];
        }
        return s;
    }

    /**
     * {@code r} unless it is NaN; then the dot product again in one chain of fused multiply-adds along the depth, as the
     * panel kernels sum. Finite values whose sum overflows float can leave +inf in one lane and -inf in another, whose
     * sum is NaN; one chain overflows to an infinity instead (an infinity plus any finite product stays itself), which
     * a search still takes as a candidate and rescores in double. A NaN in the values stays NaN.
     */
    private static float again(float r, float[] a, int ao, float[] q, int qo, int d) {
        if (!Float.isNaN(r)) {
            return r;
        }
        float s = 0;
        for (int k = 0; k < d; k++) {
            s = Math.fma(a[ao + k], q[qo + k], s);
        }
        return s;
    }

    /** T[8 x L] (=|+=) rows a[ao + i * d + k] times a panel of one vector over kc depth steps; T row i at t[i * L]. */
    private static void micro8x1(float[] a, int ao, int d, float[] pb, int bo, int kc, float[] t, boolean add) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            int ak = ao + k;
            c0 = FloatVector.broadcast(S, a[ak]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ak + d]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ak + 2 * d]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ak + 3 * d]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ak + 4 * d]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ak + 5 * d]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[ak + 6 * d]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[ak + 7 * d]).fma(b0, c7);
            bo += L;
        }
        if (add) {
            c0 = c0.add(FloatVector.fromArray(S, t, 0));
            c1 = c1.add(FloatVector.fromArray(S, t, L));
            c2 = c2.add(FloatVector.fromArray(S, t, 2 * L));
            c3 = c3.add(FloatVector.fromArray(S, t, 3 * L));
            c4 = c4.add(FloatVector.fromArray(S, t, 4 * L));
            c5 = c5.add(FloatVector.fromArray(S, t, 5 * L));
            c6 = c6.add(FloatVector.fromArray(S, t, 6 * L));
            c7 = c7.add(FloatVector.fromArray(S, t, 7 * L));
        }
        c0.intoArray(t, 0);
        c1.intoArray(t, L);
        c2.intoArray(t, 2 * L);
        c3.intoArray(t, 3 * L);
        c4.intoArray(t, 4 * L);
        c5.intoArray(t, 5 * L);
        c6.intoArray(t, 6 * L);
        c7.intoArray(t, 7 * L);
    }

    /** An edge tile (fewer than MR rows or NR columns): the full micro-kernel into a buffer, then the valid part. */
    private static void edge(float[] pa, int ao, float[] pb, int bo, int kc, float[] out, int i0, int j0, int ldc,
                             int mr, int nr, boolean add, float[] buf) {
        micro(pa, ao, pb, bo, kc, buf, 0, NR, false);
        for (int i = 0; i < mr; i++) {
            int o = (i0 + i) * ldc + j0;
            for (int j = 0; j < nr; j++) {
                out[o + j] = add ? out[o + j] + buf[i * NR + j] : buf[i * NR + j];
            }
        }
    }

    /**
     * Packs rows [row0, row0 + count) of src, depth slice [k0, k0 + kc), into slivers of {@code width} rows:
     * dst[off + (sliver * kc + k) * width + r]. Rows past count are zero.
     */
    private static void pack(float[] src, int row0, int count, int d, int k0, int kc, int width, float[] dst, int off) {
        int slivers = (count + width - 1) / width;
        for (int sl = 0; sl < slivers; sl++) {
            int base = off + sl * kc * width;
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

    /**
     * Packs B's rows like {@link #pack} with width NR, but gathers each depth step of a full panel as two vectors (lane
     * r from row r) and stores them contiguously: the scalar transpose cost about a sixth of the whole run.
     */
    private static void packPanels(float[] src, int row0, int count, int d, int k0, int kc, float[] dst, Scratch s) {
        int[] idx = s.rowOffsets;
        if (s.offsetsFor != d) {
            for (int r = 0; r < L; r++) {
                idx[r] = r * d;
            }
            s.offsetsFor = d;
        }
        int full = count / NR;
        for (int sl = 0; sl < full; sl++) {
            int base = sl * kc * NR;
            int so = (row0 + sl * NR) * d + k0;
            int so2 = so + L * d;
            for (int k = 0; k < kc; k++) {
                FloatVector.fromArray(S, src, so + k, idx, 0).intoArray(dst, base + k * NR);
                FloatVector.fromArray(S, src, so2 + k, idx, 0).intoArray(dst, base + k * NR + L);
            }
        }
        if (full * NR < count) {
            pack(src, row0 + full * NR, count - full * NR, d, k0, kc, NR, dst, full * kc * NR);
        }
    }

    /** C[6 x 2L] (=|+=) A sliver * B panel over kc depth steps; C row i starts at out[o + i * ldc]. */
    private static void micro(float[] pa, int ao, float[] pb, int bo, int kc, float[] out, int o, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x;
            x = FloatVector.broadcast(S, pa[ao + 0]);
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
        // Stores written out in place: a helper taking vector arguments, once the inliner gives up on this large
        // method, makes C2 box every accumulator (measured 10x slower).
        if (add) {
            c00.add(FloatVector.fromArray(S, out, o)).intoArray(out, o);
            c01.add(FloatVector.fromArray(S, out, o + L)).intoArray(out, o + L);
            c10.add(FloatVector.fromArray(S, out, o + 1 * ldc)).intoArray(out, o + 1 * ldc);
            c11.add(FloatVector.fromArray(S, out, o + 1 * ldc + L)).intoArray(out, o + 1 * ldc + L);
            c20.add(FloatVector.fromArray(S, out, o + 2 * ldc)).intoArray(out, o + 2 * ldc);
            c21.add(FloatVector.fromArray(S, out, o + 2 * ldc + L)).intoArray(out, o + 2 * ldc + L);
            c30.add(FloatVector.fromArray(S, out, o + 3 * ldc)).intoArray(out, o + 3 * ldc);
            c31.add(FloatVector.fromArray(S, out, o + 3 * ldc + L)).intoArray(out, o + 3 * ldc + L);
            c40.add(FloatVector.fromArray(S, out, o + 4 * ldc)).intoArray(out, o + 4 * ldc);
            c41.add(FloatVector.fromArray(S, out, o + 4 * ldc + L)).intoArray(out, o + 4 * ldc + L);
            c50.add(FloatVector.fromArray(S, out, o + 5 * ldc)).intoArray(out, o + 5 * ldc);
            c51.add(FloatVector.fromArray(S, out, o + 5 * ldc + L)).intoArray(out, o + 5 * ldc + L);
        } else {
            c00.intoArray(out, o);
            c01.intoArray(out, o + L);
            c10.intoArray(out, o + 1 * ldc);
            c11.intoArray(out, o + 1 * ldc + L);
            c20.intoArray(out, o + 2 * ldc);
            c21.intoArray(out, o + 2 * ldc + L);
            c30.intoArray(out, o + 3 * ldc);
            c31.intoArray(out, o + 3 * ldc + L);
            c40.intoArray(out, o + 4 * ldc);
            c41.intoArray(out, o + 4 * ldc + L);
            c50.intoArray(out, o + 5 * ldc);
            c51.intoArray(out, o + 5 * ldc + L);
        }
    }
}
