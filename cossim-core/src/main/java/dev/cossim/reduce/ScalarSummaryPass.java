package dev.cossim.reduce;

import dev.cossim.engine.Tile;

/** The fused summary pass in plain Java: one loop, every reducer's work per pair. */
final class ScalarSummaryPass extends FusedSummaryPass {
    @Override
    void accept(Tile t, Histogram h, PairStatistics s, TopKNeighbors top) {
        long n = t.pairCount();
        if (n == 0) {
            return;
        }
        final float[] v = t.values;
        final long[] c = h.liveCounts();
        final int last = c.length - 1;
        final double lo = h.lo(), scale = h.scale();
        final float[] kth = top == null ? null : top.thresholds();
        final int[] ids = top == null ? null : top.ids();
        double sum = 0, sumSq = 0;
        float tMin = Float.POSITIVE_INFINITY, tMax = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            int ri = t.rowStart + i;
            for (int j = t.firstCol(i); j < t.cols; j++) {
                float x = v[base + j];
                int b = (int) ((x - lo) * scale);
                c[b < 0 ? 0 : (b > last ? last : b)]++;
                sum += x;
                sumSq += (double) x * x;
                tMin = Math.min(tMin, x);
                tMax = Math.max(tMax, x);
                if (kth != null) {
                    int rj = t.colStart + j;
                    if (x >= kth[ri]) {
                        top.offer(ri, x, ids[rj]);
                    }
                    if (x >= kth[rj]) {
                        top.offer(rj, x, ids[ri]);
                    }
                }
            }
        }
        s.addTile(t, n, sum, sumSq, tMin, tMax);
    }
}
