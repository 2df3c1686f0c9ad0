package dev.cossim.kernel;

/** The reference kernel: a plain loop with double accumulation. Slow, exact enough to test every other kernel. */
public final class ScalarTileKernel implements TileKernel {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void dots(float[] a, int aRow, int m, float[] b, int bRow, int n, int d, float[] out) {
        for (int i = 0; i < m; i++) {
            int ai = (aRow + i) * d;
            for (int j = 0; j < n; j++) {
                int bj = (bRow + j) * d;
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (double) a[ai + k] * b[bj + k];
                }
                out[i * n + j] = (float) s;
            }
        }
    }
}
