package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused summary pass on the Vector API: per chunk of one vector of a tile row, the histogram bins are computed
 * in double lanes (the same arithmetic as {@link Histogram#bin}) and counted, sum and sum of squares accumulate in
 * double lanes, extremes in float lanes, and the top-k filter compares the chunk with the row's k-th best and with
 * the columns' k-th bests in one compare each; only the rare lanes that pass reach a heap. Loaded only when the
 * jdk.incubator.vector module is enabled.
 */
final class VectorSummaryPass extends FusedSummaryPass {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = F.length();
    private static final int HALF = D.length();

    private final int[] bins = new int[L];

    @Override
    void accept(Tile t, Histogram h, PairStatistics s, TopKNeighbors top) {
        long n = t.pairCount();
        if (n == 0) {
            return;
        }
        final float[] v = t.values;
        final int cols = t.cols;
        final long[] c = h.liveCounts();
        final double last = c.length - 1;
        final double lo = h.lo(), scale = h.scale();
        final float[] kth = top == null ? null : top.thresholds();
        final int[] ids = top == null ? null : top.ids();
        final int[] bin = bins;
        DoubleVector sum0 = DoubleVector.zero(D), sum1 = DoubleVector.zero(D);
        DoubleVector sq0 = DoubleVector.zero(D), sq1 = DoubleVector.zero(D);
        FloatVector vMin = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector vMax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < t.rows; i++) {
            final int base = i * cols;
            final int ri = t.rowStart + i;
            for (int j = t.firstCol(i); j < cols; j += L) {
                int count = Math.min(L, cols - j);
                VectorMask<Float> m = count == L ? F.maskAll(true) : F.indexInRange(j, cols);
                FloatVector x = FloatVector.fromArray(F, v, base + j, m);
                DoubleVector x0 = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector x1 = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
                sum0 = sum0.add(x0);
                sum1 = sum1.add(x1);
                sq0 = x0.fma(x0, sq0);
                sq1 = x1.fma(x1, sq1);
                vMin = vMin.min(x.blend(Float.POSITIVE_INFINITY, m.not()));
                vMax = vMax.max(x.blend(Float.NEGATIVE_INFINITY, m.not()));
                // Bins as Histogram.bin: (x - lo) * scale in double, clamped before the conversion to int.
                ((IntVector) x0.sub(lo).mul(scale).max(0).min(last).convertShape(VectorOperators.D2I, I, 0)).intoArray(bin, 0);
                ((IntVector) x1.sub(lo).mul(scale).max(0).min(last).convertShape(VectorOperators.D2I, I, 0)).intoArray(bin, HALF);
                for (int l = 0; l < count; l++) {
                    c[bin[l]]++;
                }
                if (kth != null) {
                    long rowHits = x.compare(VectorOperators.GE, kth[ri], m).toLong();
                    while (rowHits != 0) {
                        int l = Long.numberOfTrailingZeros(rowHits);
                        top.offer(ri, v[base + j + l], ids[t.colStart + j + l]);
                        rowHits &= rowHits - 1;
                    }
                    FloatVector colKth = FloatVector.fromArray(F, kth, t.colStart + j, m);
                    long colHits = x.compare(VectorOperators.GE, colKth, m).toLong();
                    while (colHits != 0) {
                        int l = Long.numberOfTrailingZeros(colHits);
                        top.offer(t.colStart + j + l, v[base + j + l], ids[ri]);
                        colHits &= colHits - 1;
                    }
                }
            }
        }
        double sum = sum0.add(sum1).reduceLanes(VectorOperators.ADD);
        double sumSq = sq0.add(sq1).reduceLanes(VectorOperators.ADD);
        s.addTile(t, n, sum, sumSq, vMin.reduceLanes(VectorOperators.MIN), vMax.reduceLanes(VectorOperators.MAX));
    }
}
