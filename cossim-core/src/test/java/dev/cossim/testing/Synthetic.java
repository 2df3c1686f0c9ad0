package dev.cossim.testing;

import dev.cossim.source.DType;
import dev.cossim.source.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Random;

/** Seeded synthetic embedding matrices for tests: Gaussian rows, optionally with exact duplicates to force ties. */
public final class Synthetic {
    private Synthetic() {
    }

    /** n x d Gaussian values plus a per-column offset (so similarities are not all near zero). */
    public static float[] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] m = new float[n * d];
        float[] offset = new float[d];
        for (int k = 0; k < d; k++) {
            offset[k] = (float) (r.nextGaussian() * 0.5);
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                m[i * d + k] = (float) r.nextGaussian() + offset[k];
            }
        }
        return m;
    }

    /** Copies row {@code from} over row {@code to} (scaled by {@code scale}, which cosine ignores): an exact tie. */
    public static void duplicate(float[] m, int d, int from, int to, float scale) {
        for (int k = 0; k < d; k++) {
            m[to * d + k] = m[from * d + k] * scale;
        }
    }

    /** The rows scaled to unit length (in double, then rounded), as the engine prepares them for cosine. */
    public static float[] unitRows(float[] m, int d) {
        float[] u = m.clone();
        for (int i = 0; i < m.length / d; i++) {
            double ss = 0;
            for (int k = 0; k < d; k++) {
                ss += (double) m[i * d + k] * m[i * d + k];
            }
            for (int k = 0; k < d; k++) {
                u[i * d + k] = (float) (m[i * d + k] / Math.sqrt(ss));
            }
        }
        return u;
    }

    public static void zeroRow(float[] m, int d, int row) {
        java.util.Arrays.fill(m, row * d, (row + 1) * d, 0f);
    }

    /** A heap tensor over the floats, as a source would hand it out. */
    public static Tensor tensor(float[] m, int n, int d) {
        return new Tensor("synthetic", "m", DType.F32, new long[]{n, d}, MemorySegment.ofArray(m.clone()), ByteOrder.nativeOrder());
    }
}
