package dev.cossim.blas;

import dev.cossim.kernel.TileKernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Tiles through OpenBLAS's {@code cblas_sgemm} (C = A * B^T). Operands are copied into per-thread native buffers: the
 * row block once per {@link #rowBlock}, the column block per tile (a copy of n x d floats against 2 x m x n x d flops of
 * work, a few percent at the engine's 256 x 256 tiles). OpenBLAS is set to one thread per call: the all-pairs engine
 * already runs one tile per core, and nested BLAS threads would only fight them.
 */
public final class BlasTileKernel implements TileKernel {
    private final OpenBlas blas;

    /** Native buffers of one thread, grown on demand, freed when the thread's buffers become unreachable. */
    private static final class Buffers {
        /** Counts row blocks copied into {@code a}: a block whose copy was overwritten copies its rows again. */
        long generation;
        MemorySegment a = MemorySegment.NULL, b = MemorySegment.NULL, c = MemorySegment.NULL;

        static MemorySegment fit(MemorySegment s, long floats) {
            return s.byteSize() >= floats * Float.BYTES ? s : Arena.ofAuto().allocate(floats * Float.BYTES, 64);
        }
    }

    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

    public BlasTileKernel() {
        this.blas = OpenBlas.get();
        blas.threads(1);
    }

    @Override
    public String name() {
        return "blas";
    }

    /**
     * OpenBLAS runs a 768 x 768 x 768 product at about 140 GFLOP/s on one core of the Intel Xeon this was tuned on,
     * a 256 x 256 one at about 120; {@code cossim all-pairs} on 30522 x 768 took a median 6.03 s with blocks of 768 rows
     * against 7.13 s with 256 (5 alternating runs each). The tile (2.3 MB) then outgrows L2, which costs the
     * reducers less than the larger calls gain.
     */
    @Override
    public int preferredBlock() {
        return 768;
    }

    @Override
    public String describe() {
        return "OpenBLAS " + version(blas.config()) + " " + blas.core() + " kernels, " + blas.threads() + " thread per call";
    }

    private static String version(String config) {
        String[] w = config.split(" ");
        return w.length > 1 ? w[1] : config;
    }

    @Override
    public void dots(float[] a, int aRow, int m, float[] b, int bRow, int n, int d, float[] out) {
        rowBlock(a, aRow, m, d).dots(b, bRow, n, out);
    }

    @Override
    public RowBlock rowBlock(float[] a, int aRow, int m, int d) {
        Buffers buf = buffers.get();
        buf.a = Buffers.fit(buf.a, (long) m * d);
        MemorySegment.copy(a, aRow * d, buf.a, JAVA_FLOAT, 0, m * d);
        long generation = ++buf.generation;
        MemorySegment packedA = buf.a;
        return (b, bRow, n, out) -> {
            Buffers t = buffers.get();
            // Used from another thread, or this thread has copied another row block since: copy the rows again.
            MemorySegment rowsA = t == buf && t.generation == generation ? packedA : copy(a, aRow, m, d);
            product(rowsA, m, b, bRow, n, d, out, t);
        };
    }

    private static MemorySegment copy(float[] a, int aRow, int m, int d) {
        MemorySegment s = Arena.ofAuto().allocate((long) m * d * Float.BYTES, 64);
        MemorySegment.copy(a, aRow * d, s, JAVA_FLOAT, 0, m * d);
        return s;
    }

    private void product(MemorySegment rowsA, int m, float[] b, int bRow, int n, int d, float[] out, Buffers t) {
        if (m == 0 || n == 0) {
            return;
        }
        if (d == 0) {
            java.util.Arrays.fill(out, 0, m * n, 0f);
            return;
        }
        t.b = Buffers.fit(t.b, (long) n * d);
        t.c = Buffers.fit(t.c, (long) m * n);
        MemorySegment.copy(b, bRow * d, t.b, JAVA_FLOAT, 0, n * d);
        blas.sgemm(m, n, d, 1f, rowsA, d, t.b, d, true, 0f, t.c, n);
        MemorySegment.copy(t.c, JAVA_FLOAT, 0, out, 0, m * n);
    }
}
