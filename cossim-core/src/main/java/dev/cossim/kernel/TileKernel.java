package dev.cossim.kernel;

/**
 * Computes one tile of dot products between rows of two packed row-major matrices. This is the only numeric hot spot
 * of all-pairs work; implementations (scalar reference, Vector API, native BLAS, ...) are interchangeable and chosen
 * once at start-up by {@link Kernels}. Implementations are thread-safe; scratch space is per thread.
 */
public interface TileKernel {
    /** Short name shown to users: scalar, vector, blas. */
    String name();

    /** One line for the start-up log: what this kernel runs on (library, vector width, ...). */
    default String describe() {
        return name();
    }

    /**
     * {@code out[i * n + j] = dot(a row aRow + i, b row bRow + j)} for {@code 0 <= i < m}, {@code 0 <= j < n}, where
     * row r of a matrix occupies {@code [r * d, (r + 1) * d)}.
     */
    void dots(float[] a, int aRow, int m, float[] b, int bRow, int n, int d, float[] out);
}
