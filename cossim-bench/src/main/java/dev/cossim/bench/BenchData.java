package dev.cossim.bench;

import java.util.SplittableRandom;

/**
 * Embedding-like test matrices from a fixed seed: Gaussian rows plus a shared direction (real token embeddings are
 * anisotropic: their mean cosine is well above zero), normalised to unit length in double.
 */
public final class BenchData {
    private BenchData() {
    }

    /** n x d row-major unit rows. */
    public static float[] unitRows(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] common = new double[d];
        for (int k = 0; k < d; k++) {
            common[k] = r.nextGaussian() * 0.5;
        }
        float[] m = new float[n * d];
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int k = 0; k < d; k++) {
                row[k] = r.nextGaussian() + common[k];
                ss += row[k] * row[k];
            }
            double inv = 1 / Math.sqrt(ss);
            for (int k = 0; k < d; k++) {
                m[i * d + k] = (float) (row[k] * inv);
            }
        }
        return m;
    }
}
