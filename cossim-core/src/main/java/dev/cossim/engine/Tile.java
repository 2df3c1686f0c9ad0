package dev.cossim.engine;

/**
 * One computed block of the similarity matrix: {@code values[i * cols + j]} is the similarity of packed rows
 * {@code rowStart + i} and {@code colStart + j}. On a diagonal tile (the same row block on both sides) only the pairs
 * with {@code j > i} are real unordered pairs; reducers skip the rest, so every unordered pair is seen exactly once.
 * The kernel computes a diagonal tile's {@code j >= i} part only (its upper triangle and the self values); the lower
 * triangle holds whatever the buffer held before, and no reducer may read it.
 * A tile is reused by its thread: reducers must not keep a reference to {@code values}.
 */
public final class Tile {
    public int rowStart;
    public int rows;
    public int colStart;
    public int cols;
    public boolean diagonal;
    public final float[] values;

    public Tile(int capacity) {
        this.values = new float[capacity];
    }

    /** Says where this tile's values sit in the matrix. */
    public void set(int rowStart, int rows, int colStart, int cols, boolean diagonal) {
        this.rowStart = rowStart;
        this.rows = rows;
        this.colStart = colStart;
        this.cols = cols;
        this.diagonal = diagonal;
    }

    /** First column of row i that forms an unordered pair with it. */
    public int firstCol(int i) {
        return diagonal ? i + 1 : 0;
    }

    public long pairCount() {
        return diagonal ? (long) rows * (rows - 1) / 2 : (long) rows * cols;
    }
}
