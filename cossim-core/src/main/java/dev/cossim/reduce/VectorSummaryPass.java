package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused summary pass on the Vector API. Per chunk of one vector of a tile row: histogram bins computed in double
 * lanes (the same arithmetic as {@link Histogram#bin}) and counted, sum and sum of squares in double lanes, extremes
 * in float lanes, and the top-k filter, which compares the chunk with the row's k-th best and with its columns' k-th
 * bests and only records the lanes that pass. The rare recorded lanes go to the heaps after the row's vector loop, so
 * that loop makes no calls (a call would spill every accumulator). Row tails shorter than a vector run in scalar code.
 * Loaded only when the jdk.incubator.vector module is enabled.
 */
final class VectorSummaryPass extends FusedSummaryPass {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** Half-width floats: each converts to one full double vector, lane for lane (part 0, which C2 intrinsifies). */
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = F.length();
    private static final int HALF = D.length();

    /** The current row's bins, counted after its vector loop: reloading lanes just stored as a vector stalls. */
    private int[] bins = new int[0];
    private final double[] doubles = new double[HALF];
    private final ScalarSummaryPass scalar = new ScalarSummaryPass();
    /** Per chunk of the current row: lanes that reach the row's k-th best, and lanes that reach their column's. */
    private long[] rowHits = new long[0], colHits = new long[0];
    /** Each tile row's minimum and maximum, so that finding the extreme pair searches only the rows holding it. */
    private float[] rowMin = new float[0], rowMax = new float[0];

    @Override
    void accept(Tile t, Histogram h, PairStatistics s, TopKNeighbors top) {
        long n = t.pairCount();
        if (n == 0) {
            return;
        }
        final float[] v = t.values;
        final int cols = t.cols;
        final long[] c = h.liveCounts();
        final int last = c.length - 1;
        // Similarities are clamped in float to [lo - (hi - lo), hi + (hi - lo)] (values outside [lo, hi] land in the
        // edge bins either way), so (x - lo) * scale fits an int and the bin is clamped in int lanes.
        final double lo0 = h.lo(), hi0 = h.hi();
        final float below = (float) (lo0 - (hi0 - lo0));
        final float above = (float) (hi0 + (hi0 - lo0));
        if (!(below < lo0 && above > hi0 && (above - lo0) * h.scale() < 1e9 && (lo0 - below) * h.scale() < 1e9)) {
            scalar.accept(t, h, s, top); // a histogram range too extreme for the float clamp
            return;
        }
        final double lo = h.lo(), scale = h.scale();
        final float[] kth = top == null ? null : top.thresholds();
        final int[] ids = top == null ? null : top.ids();
        if (bins.length < cols + L) {
            bins = new int[cols + L];
        }
        final int[] bin = bins;
        int chunks = cols / L + 1;
        if (rowHits.length < chunks) {
            rowHits = new long[chunks];
            colHits = new long[chunks];
        }
        final long[] rh = rowHits, ch = colHits;
        if (rowMin.length < t.rows) {
            rowMin = new float[t.rows];
            rowMax = new float[t.rows];
        }
        final float[] rMin = rowMin, rMax = rowMax;
        DoubleVector sum0 = DoubleVector.zero(D), sum1 = DoubleVector.zero(D);
        DoubleVector sq0 = DoubleVector.zero(D), sq1 = DoubleVector.zero(D);
        final FloatVector posInf = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        final FloatVector negInf = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        double tailSum = 0, tailSq = 0;
        float tMin = Float.POSITIVE_INFINITY, tMax = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < t.rows; i++) {
            FloatVector vMin = posInf, vMax = negInf;
            float tailMin = Float.POSITIVE_INFINITY, tailMax = Float.NEGATIVE_INFINITY;
            final int base = i * cols;
            final int ri = t.rowStart + i;
            final int j0 = t.firstCol(i);
            final float rowKth = kth == null ? 0 : kth[ri];
            // A loop over chunk numbers, not "j <= cols - L; j += L": C2's loop-limit predicate on that form failed
            // on some real tiles after compiling on others (an uncommon trap, and slow code until recompiled).
            final int chunksHere = Math.max(0, (cols - j0) / L);
            int q = 0;
            for (; q < chunksHere; q++) {
                final int j = j0 + q * L;
                FloatVector x = FloatVector.fromArray(F, v, base + j);
                // Not x.convertShape(F2D, D, 1): the upper part was not intrinsified (ran as boxed Java code).
                FloatVector h0 = FloatVector.fromArray(FH, v, base + j), h1 = FloatVector.fromArray(FH, v, base + j + HALF);
                DoubleVector x0 = (DoubleVector) h0.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector x1 = (DoubleVector) h1.convertShape(VectorOperators.F2D, D, 0);
                sum0 = sum0.add(x0);
                sum1 = sum1.add(x1);
                sq0 = x0.fma(x0, sq0);
                sq1 = x1.fma(x1, sq1);
                vMin = vMin.min(x);
                vMax = vMax.max(x);
                // Bins as Histogram.bin: (x - lo) * scale in double, truncated, clamped to [0, last].
                DoubleVector b0 = (DoubleVector) h0.max(below).min(above).convertShape(VectorOperators.F2D, D, 0);
                DoubleVector b1 = (DoubleVector) h1.max(below).min(above).convertShape(VectorOperators.F2D, D, 0);
                int o = q * L;
                ((IntVector) b0.sub(lo).mul(scale).convertShape(VectorOperators.D2I, I, 0)).max(0).min(last).intoArray(bin, o);
                ((IntVector) b1.sub(lo).mul(scale).convertShape(VectorOperators.D2I, I, 0)).max(0).min(last).intoArray(bin, o + HALF);
                if (kth != null) {
                    rh[q] = x.compare(VectorOperators.GE, rowKth).toLong();
                    ch[q] = x.compare(VectorOperators.GE, FloatVector.fromArray(F, kth, t.colStart + j)).toLong();
                }
            }
            for (int p = 0, e = q * L; p < e; p++) {
                c[bin[p]]++;
            }
            if (kth != null) {
                for (int p = 0; p < q; p++) {
                    if ((rh[p] | ch[p]) != 0) {
                        int jp = j0 + p * L;
                        offerHits(top, rh[p], ch[p], ri, t.colStart + jp, v, base + jp, ids);
                    }
                }
            }
            for (int j = j0 + chunksHere * L; j < cols; j++) {
                float x = v[base + j];
                tailSum += x;
                tailSq += (double) x * x;
                tailMin = Math.min(tailMin, x);
                tailMax = Math.max(tailMax, x);
                c[h.bin(x)]++;
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
            rMin[i] = Math.min(vMin.reduceLanes(VectorOperators.MIN), tailMin);
            rMax[i] = Math.max(vMax.reduceLanes(VectorOperators.MAX), tailMax);
            tMin = Math.min(tMin, rMin[i]);
            tMax = Math.max(tMax, rMax[i]);
        }
        // Lanes summed in scalar code: DoubleVector.reduceLanes ran as (slow, boxing) Java code here.
        double[] lanes = doubles;
        sum0.add(sum1).intoArray(lanes, 0);
        double sum = tailSum;
        for (double x : lanes) {
            sum += x;
        }
        sq0.add(sq1).intoArray(lanes, 0);
        double sumSq = tailSq;
        for (double x : lanes) {
            sumSq += x;
        }
        s.addTile(t, n, sum, sumSq, tMin, tMax, rMin, rMax);
    }

    /** Offers the recorded lanes: row side (row ri gains column cj0 + l) and column side (column cj0 + l gains ri). */
    private static void offerHits(TopKNeighbors top, long rowHits, long colHits, int ri, int cj0, float[] v, int o, int[] ids) {
        while (rowHits != 0) {
            int l = Long.numberOfTrailingZeros(rowHits);
            top.offer(ri, v[o + l], ids[cj0 + l]);
            rowHits &= rowHits - 1;
        }
        while (colHits != 0) {
            int l = Long.numberOfTrailingZeros(colHits);
            top.offer(cj0 + l, v[o + l], ids[ri]);
            colHits &= colHits - 1;
        }
    }
}
