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
        int n = m.size();
        int d = m.dim();
        TopKNeighbors top = new TopKNeighbors(new int[]{excludeId}, k, smallest);
        float[] out = new float[CHUNK];
        for (int c0 = 0; c0 < n; c0 += CHUNK) {
            int cols = Math.min(CHUNK, n - c0);
            kernel.dots(query, 0, 1, m.data(), c0, cols, d, out);
            for (int j = 0; j < cols; j++) {
                int id = m.id(c0 + j);
                if (id != excludeId) {
                    top.offer(0, out[j], id);
                }
            }
        }
        return top.neighbors(0);
    }
}
