package dev.cossim.plots;

import dev.cossim.source.Tensor;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The embedding matrix transposed for display (dimensions down, tokens across), with runs of consecutive tokens
 * averaged into at most {@code maxColumns} columns: grid[dim * columns + col]. Non-finite values count as 0 in a mean.
 */
public record EmbeddingImage(float[] grid, int dims, int columns, int tokens, int tokensPerColumn) {

    public static EmbeddingImage of(Tensor t, int maxColumns) {
        t.requireMatrix();
        int n = Math.toIntExact(t.rows());
        int d = (int) t.rowLength();
        int per = Math.max(1, (n + maxColumns - 1) / maxColumns);
        int cols = (n + per - 1) / per;
        float[] grid = new float[d * cols];
        IntStream.range(0, cols).parallel().forEach(c -> {
            double[] acc = new double[d];
            float[] row = new float[d];
            int from = c * per, to = Math.min(n, from + per);
            for (int r = from; r < to; r++) {
                t.readFloats((long) r * d, row, 0, d);
                for (int k = 0; k < d; k++) {
                    if (Float.isFinite(row[k])) {
                        acc[k] += row[k];
                    }
                }
            }
            for (int k = 0; k < d; k++) {
                grid[k * cols + c] = (float) (acc[k] / (to - from));
            }
        });
        return new EmbeddingImage(grid, d, cols, n, per);
    }

    /** Symmetric colour limit: the 99th percentile of |value| (robust to a few extreme entries). */
    public double symmetricLimit() {
        float[] a = new float[grid.length];
        for (int i = 0; i < grid.length; i++) {
            a[i] = Math.abs(grid[i]);
        }
        Arrays.sort(a);
        double v = a[Math.min(a.length - 1, (int) (0.99 * a.length))];
        return v > 0 ? v : 1;
    }
}
