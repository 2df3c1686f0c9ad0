package dev.cossim.blas;

import dev.cossim.kernel.TileKernel;

/**
 * Tiles through OpenBLAS's {@code cblas_sgemm} (C = A * B^T on the packed rows, no copies). OpenBLAS is set to one
 * thread per call: the all-pairs engine already runs one tile per core, and nested BLAS threads would only fight them.
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
        blas.sgemm(m, n, d, 1f, a, (long) aRow * d, d, b, (long) bRow * d, d, true, 0f, out, 0, n);
    }
}
