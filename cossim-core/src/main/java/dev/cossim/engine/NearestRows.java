package dev.cossim.engine;

import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.reduce.TopKNeighbors;
import dev.cossim.results.Neighbors;

/** The k rows of a matrix most similar to one query vector (prepared like the rows), through the tile kernel. */
public final class NearestRows {
    private static final int CHUNK = 4096;

    private NearestRows() {
    }

    /**
     * @param query     a vector prepared like the matrix's rows (unit length for cosine)
     * @param excludeId an original id to leave out (the query's own row), or -1
     */
    public static Neighbors find(TileKernel kernel, RowMatrix m, float[] query, int k, int excludeId) {
        return find(kernel, m, query, k, excludeId, false);
    }

    /** @param smallest keep the smallest values (nearest by a distance) */
    public static Neighbors find(TileKernel kernel, RowMatrix m, float[] query, int k, int excludeId, boolean smallest) {
        TopKNeighbors top = new TopKNeighbors(new int[]{excludeId}, k, smallest);
        scan(kernel, query, 1, m, CHUNK, excludeId, top);
        return top.neighbors(0);
    }

    /**
     * Offers every similarity of {@code queryCount} queries (row-major in {@code queries}, prepared like the rows)
     * with the rows of {@code m} to {@code top}, whose row i is query i: one query against up to {@code block} rows
     * per kernel call, so that a search cut into chunks of rows (a Spark task's) computes every value as the whole
     * search does. Neighbours are named by the rows' original ids; {@code excludeId} (or -1) is left out.
     */
    public static void scan(TileKernel kernel, float[] queries, int queryCount, RowMatrix m, int block, int excludeId,
                            TopKNeighbors top) {
        int n = m.size();
        int d = m.dim();
        float[] data = m.data();
        float[] out = new float[Math.max(1, Math.min(block, n))];
        for (int c0 = 0; c0 < n; c0 += block) {
            int cols = Math.min(block, n - c0);
            for (int i = 0; i < queryCount; i++) {
                kernel.dots(queries, i, 1, data, c0, cols, d, out);
                for (int j = 0; j < cols; j++) {
                    int id = m.id(c0 + j);
                    if (id != excludeId) {
                        top.offer(i, out[j], id);
                    }
                }
            }
        }
    }
}
