package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

/**
 * The full n x n similarity matrix (both triangles and the diagonal) pooled into a {@code size x size} grid of blocks,
 * keeping each block's mean and maximum, without ever holding the matrix. Packed row r falls in block
 * {@code floor(r * size / n)}, so blocks are contiguous row ranges whose sizes differ by at most one; with
 * {@code size = n} every block is one row and the grid is the matrix itself.
 *
 * <p>Tiles only cover the upper triangle, so only blocks {@code bi <= bj} are accumulated; {@link #mean} and
 * {@link #max} mirror them to the lower triangle. A pair whose two rows fall in the same diagonal block stands for
 * both (i, j) and (j, i) of the full matrix and is counted twice there. The self-similarities (the matrix diagonal)
 * are read from the diagonal entries of diagonal tiles, which the kernel computes anyway.
 */
public final class PooledHeatmap implements TileReducer<PooledHeatmap>, dev.cossim.results.Heatmap {
    private final int n;
    private final int size;
    private final int[] blockOf;
    /** Upper-triangle blocks, row-major size x size (the lower half stays unused). */
    private final double[] sum;
    private final long[] count;
    private final float[] max;
    /** Per diagonal block: the self-similarities of its rows. */
    private final double[] selfSum;
    private final long[] selfCount;

    /**
     * @param n    packed rows of the matrix the tiles come from
     * @param size blocks per side; at most n
     */
    public PooledHeatmap(int n, int size) {
        if (n < 1 || size < 1 || size > n) {
            throw new IllegalArgumentException("need 1 <= size <= n, got size " + size + " for n " + n);
        }
        if ((long) size * size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("size " + size + " is too large for one grid");
        }
        this.n = n;
        this.size = size;
        this.blockOf = new int[n];
        for (int r = 0; r < n; r++) {
            blockOf[r] = (int) ((long) r * size / n);
        }
        this.sum = new double[size * size];
        this.count = new long[size * size];
        this.max = new float[size * size];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        this.selfSum = new double[size];
        this.selfCount = new long[size];
    }

    /** The block that packed row r falls in. */
    public int blockOf(int r) {
        return blockOf[r];
    }

    public int size() {
        return size;
    }

    public int rows() {
        return n;
    }

    @Override
    public void accept(Tile t) {
        final float[] v = t.values;
        final int[] bo = blockOf;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            int rowBlock = bo[t.rowStart + i] * size;
            if (t.diagonal) {
                addSelf(bo[t.rowStart + i], v[base + i]);
            }
            // Columns run through contiguous blocks: sum each run locally, then touch the grid once per run.
            int j = t.firstCol(i);
            while (j < t.cols) {
                int cb = bo[t.colStart + j];
                int end = j + 1;
                while (end < t.cols && bo[t.colStart + end] == cb) {
                    end++;
                }
                double s = 0;
                float m = Float.NEGATIVE_INFINITY;
                for (int q = j; q < end; q++) {
                    float x = v[base + q];
                    s += x;
                    m = Math.max(m, x);
                }
                int cell = rowBlock + cb;
                sum[cell] += s;
                count[cell] += end - j;
                if (m > max[cell]) {
                    max[cell] = m;
                }
                j = end;
            }
        }
    }

    /** A self-similarity (the matrix diagonal) counts once in its diagonal block. */
    private void addSelf(int b, float x) {
        selfSum[b] += x;
        selfCount[b]++;
        int cell = b * size + b;
        if (x > max[cell]) {
            max[cell] = x;
        }
    }

    @Override
    public void merge(PooledHeatmap o) {
        if (o.n != n || o.size != size) {
            throw new IllegalArgumentException("pooled heatmaps of different shapes cannot merge");
        }
        for (int c = 0; c < sum.length; c++) {
            sum[c] += o.sum[c];
            count[c] += o.count[c];
            if (o.max[c] > max[c]) {
                max[c] = o.max[c];
            }
        }
        for (int b = 0; b < size; b++) {
            selfSum[b] += o.selfSum[b];
            selfCount[b] += o.selfCount[b];
        }
    }

    /** Mean of each block of the full matrix, row-major {@code size x size}; NaN for a block that saw no value. */
    public float[] mean() {
        float[] out = new float[size * size];
        for (int a = 0; a < size; a++) {
            for (int b = a; b < size; b++) {
                int c = a * size + b;
                double s = sum[c];
                long k = count[c];
                if (a == b) {
                    s = 2 * s + selfSum[a];
                    k = 2 * k + selfCount[a];
                }
                float m = k == 0 ? Float.NaN : (float) (s / k);
                out[c] = m;
                out[b * size + a] = m;
            }
        }
        return out;
    }

    /** Maximum of each block of the full matrix, row-major {@code size x size}; NaN for a block that saw no value. */
    public float[] max() {
        float[] out = new float[size * size];
        for (int a = 0; a < size; a++) {
            for (int b = a; b < size; b++) {
                float m = max[a * size + b];
                float x = m == Float.NEGATIVE_INFINITY ? Float.NaN : m;
                out[a * size + b] = x;
                out[b * size + a] = x;
            }
        }
        return out;
    }
}
