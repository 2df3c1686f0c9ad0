package dev.cossim.blas;

import dev.cossim.kernel.TileKernel;

/**
 * Tiles through OpenBLAS's {@code cblas_sgemm} (C = A * B^T), called straight on the heap arrays (a critical downcall,
 * no copies; OpenBLAS packs its operands itself, so a row block needs no packing of ours). Against copying the operands
 * into native buffers and C back, two threads on tiles of one shared 16384 x 768 array ran 768 x 768 tiles at 124-136
 * against 108-126 GFLOP/s per thread, 256 x 256 tiles at 93-101 against 83-90, and the query engine's blocks (512 rows
 * x 100 queries x 384, reading the corpus) at 82-101 against 57-64. OpenBLAS is set to one thread per call: the engines already run one
 * tile per core, and nested BLAS threads would only fight them.
 */
public final class BlasTileKernel implements TileKernel {
    private final OpenBlas blas;

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
     * a 256 x 256 one at about 120. {@code cossim all-pairs} on 30522 x 768 took a median 6.03 s with blocks of 768 rows
     * against 7.13 s with 256 (5 alternating runs each); later, with the heap calls and the reducer's warm-up, 1024 took
     * a median 4.14 s against 4.53 s for 768 (5 alternating runs; 1536 was level with 1024). The tile (4 MB) then
     * outgrows L2, which costs the reducers less than the larger calls gain.
     */
    @Override
    public int preferredBlock() {
        return 1024;
    }

    @Override
    public int vectorBits() {
        return OpenBlas.coreBits(blas.core());
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
        if (m == 0 || n == 0) {
            return;
        }
        if (d == 0) {
            java.util.Arrays.fill(out, 0, m * n, 0f);
            return;
        }
        blas.sgemmHeap(m, n, d, a, aRow * d, b, bRow * d, out, 0);
    }

    /**
     * OpenBLAS needs no packing of ours; the block's diagonal tile goes through {@code cblas_ssyrk} (upper triangle
     * and diagonal), about half the work of the full product (a throw-away harness: 1024 x 1024 x 768 in 0.39-0.60 of
     * sgemm's time, one thread, loaded machine): 30 of the 465 tiles of 30522 rows at 1024-row blocks are diagonal.
     */
    @Override
    public RowBlock rowBlock(float[] a, int aRow, int m, int d) {
        return new RowBlock() {
            @Override
            public void dots(float[] b, int bRow, int n, float[] out) {
                BlasTileKernel.this.dots(a, aRow, m, b, bRow, n, d, out);
            }

            @Override
            public void dotsSelf(float[] rows, int row0, int count, float[] out) {
                if (count == 0) {
                    return;
                }
                if (d == 0) {
                    java.util.Arrays.fill(out, 0, count * count, 0f);
                    return;
                }
                blas.ssyrkHeap(count, d, rows, row0 * d, out, 0);
            }
        };
    }

}
