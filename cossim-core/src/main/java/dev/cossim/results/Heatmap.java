package dev.cossim.results;

/**
 * The full similarity matrix pooled into {@code size x size} blocks of contiguous rows: each block's mean and maximum,
 * row-major, NaN where a block saw no value.
 */
public interface Heatmap {
    int size();

    /** Rows of the matrix that was pooled. */
    int rows();

    /** The block of packed row r. */
    int blockOf(int r);

    float[] mean();

    float[] max();
}
