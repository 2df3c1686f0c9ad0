package dev.cossim.kernel;

/**
 * Computes one tile of dot products between rows of two packed row-major matrices. This is the only numeric hot spot
 * of all-pairs work; implementations (scalar reference, Vector API, native BLAS, ...) are interchangeable and chosen
 * once at start-up by {@link Kernels}. Implementations are thread-safe; scratch space is per thread.
 */
public interface TileKernel {
    /** Short name shown to users: scalar, vector, blas. */
    String name();

    /** Rows per block by default: a 256 x 256 tile of similarities (256 KB) stays in L2 while the reducers read it. */
    int DEFAULT_BLOCK = 256;

    /** Rows per block (the tile edge) that this kernel runs fastest with in the all-pairs engine. */
    default int preferredBlock() {
        return DEFAULT_BLOCK;
    }

    /** The SIMD width in bits of this kernel's products, 0 when not known ({@link Kernels} weighs it). */
    default int vectorBits() {
        return 0;
    }

    /** One line for the start-up log: what this kernel runs on (library, vector width, ...). */
    default String describe() {
        return name();
    }

    /**
     * {@code out[i * n + j] = dot(a row aRow + i, b row bRow + j)} for {@code 0 <= i < m}, {@code 0 <= j < n}, where
     * row r of a matrix occupies {@code [r * d, (r + 1) * d)}.
     */
    void dots(float[] a, int aRow, int m, float[] b, int bRow, int n, int d, float[] out);

    /**
     * The rows {@code [aRow, aRow + m)} of {@code a}, to be multiplied with many column blocks: kernels that pack
     * their operands pack these rows once here instead of once per tile. The caller must not change those rows while
     * it uses the returned block; a block is used by one thread at a time.
     */
    default RowBlock rowBlock(float[] a, int aRow, int m, int d) {
        return (b, bRow, n, out) -> dots(a, aRow, m, b, bRow, n, d, out);
    }

    /**
     * The rows {@code [bRow, bRow + n)} of {@code b} as the columns of many products (a search's queries against each
     * block of a corpus streamed past them): kernels that pack their operands pack these once here, and may then
     * multiply the row blocks as they lie. The caller must not change those rows while it uses the returned block;
     * unlike a {@link RowBlock}, a column block may be used by several threads at once.
     */
    default ColumnBlock columnBlock(float[] b, int bRow, int n, int d) {
        return (a, aRow, m, out) -> dots(a, aRow, m, b, bRow, n, d, out);
    }

    /** The columns of many products, prepared by {@link #columnBlock}. */
    @FunctionalInterface
    interface ColumnBlock {
        /** {@code out[i * n + j] = dot(a row aRow + i, column j of the block)}, as {@link TileKernel#dots}. */
        void dots(float[] a, int aRow, int m, float[] out);
    }

    /** One row block of A, prepared by {@link #rowBlock}. */
    @FunctionalInterface
    interface RowBlock {
        /** {@code out[i * n + j] = dot(row i of the block, b row bRow + j)}, as {@link TileKernel#dots}. */
        void dots(float[] b, int bRow, int n, float[] out);

        /**
         * The block against itself (a diagonal tile of all pairs): {@code a, aRow, m} are the arguments the block was
         * made from. Only {@code out[i * m + j]} for {@code j >= i} must be computed (the pairs of the tile and the
         * self values); the rest may be left as it was. A kernel with a symmetric product (BLAS {@code ssyrk}) does
         * about half the work; by default the whole tile, as {@link #dots}.
         */
        default void dotsSelf(float[] a, int aRow, int m, float[] out) {
            dots(a, aRow, m, out);
        }
    }
}
