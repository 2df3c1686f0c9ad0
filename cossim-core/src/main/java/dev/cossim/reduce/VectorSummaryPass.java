package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused summary pass on the Vector API. Per chunk of one vector of a tile row: histogram bins (in float lanes
 * where {@link FloatBinning} shows they equal {@link Histogram#bin}'s, else in double lanes with its arithmetic) and
 * counted, sum and sum of squares in double lanes, extremes in float lanes, and the top-k filter, which compares the
 * chunk with the row's k-th best and with its columns' k-th bests and only records the lanes that pass. The rare
 * recorded lanes go to the heaps after the row's vector loop, so that loop makes no calls (a call would spill every
 * accumulator). Row tails shorter than a vector run in scalar code. Each tile row is one call of {@link #row}: a
 * method of that size reaches C2 within a short warm-up, where the whole tile loop compiled late and only on-stack.

 * Loaded only when the jdk.incubator.vector module is enabled.
 */
final class VectorSummaryPass extends FusedSummaryPass {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** Ints as wide as the float vector: one per float lane. */
    private static final VectorSpecies<Integer> IF = VectorSpecies.of(int.class, F.vectorShape());
    /** Half-width floats: each converts to one full double vector, lane for lane (part 0, which C2 intrinsifies). */
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = F.length();
    private static final int HALF = D.length();

    /** The current row's bins, counted after its vector loop: reloading lanes just stored as a vector stalls. */
    private int[] bins = new int[0];
    private final double[] lanes = new double[HALF];
    private final ScalarSummaryPass scalar = new ScalarSummaryPass();
    /** Per chunk of the current row: lanes that reach the row's k-th best, and lanes that reach their column's. */
    private long[] rowHits = new long[0], colHits = new long[0];
    /** Per chunk of the current row: lanes whose float bin came out integral, binned again as the reference does. */
    private long[] edgeHits = new long[0];
    /** Each tile row's minimum and maximum, so that finding the extreme pair searches only the rows holding it. */
    private float[] rowMin = new float[0], rowMax = new float[0];

    // The current tile's binning (set by accept for row) and its running sums (added to by row).
    private double lo, scale;
    private float below, above, binScale, binOffset;
    private boolean floatBins;
    private double sum, sumSq;

    @Override
    void accept(Tile t, Histogram h, PairStatistics s, TopKNeighbors top) {
        long n = t.pairCount();
        if (n == 0) {
            return;
        }
        // Similarities are clamped in float to [lo - (hi - lo), hi + (hi - lo)] (values outside [lo, hi] land in the
        // edge bins either way), so (x - lo) * scale fits an int and the bin is clamped in int lanes.
        final double lo0 = h.lo(), hi0 = h.hi();
        below = (float) (lo0 - (hi0 - lo0));
        above = (float) (hi0 + (hi0 - lo0));
        if (!(below < lo0 && above > hi0 && (above - lo0) * h.scale() < 1e9 && (lo0 - below) * h.scale() < 1e9)) {
            scalar.accept(t, h, s, top); // a histogram range too extreme for the float clamp
            return;
        }
        lo = lo0;
        scale = h.scale();
        floatBins = FloatBinning.exact(lo, scale);
        binScale = (float) scale;
        binOffset = (float) (-lo * scale);
        int chunks = t.cols / L + 1;
        if (bins.length < chunks * L) {
            bins = new int[chunks * L];
            rowHits = new long[chunks];
            colHits = new long[chunks];
            edgeHits = new long[chunks];
        }
        if (rowMin.length < t.rows) {
            rowMin = new float[t.rows];
            rowMax = new float[t.rows];
        }
        final float[] kth = top == null ? null : top.thresholds();
        final int[] ids = top == null ? null : top.ids();
        final long[] c = h.liveCounts();
        sum = 0;
        sumSq = 0;
        float tMin = Float.POSITIVE_INFINITY, tMax = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < t.rows; i++) {
            row(t.values, i * t.cols, t.firstCol(i), t.cols, t.rowStart + i, t.colStart, i, c, h, top, kth, ids);
            tMin = Math.min(tMin, rowMin[i]);
            tMax = Math.max(tMax, rowMax[i]);
        }
        s.addTile(t, n, sum, sumSq, tMin, tMax, rowMin, rowMax);
    }

    /** Tile row i (row ri of the matrix), columns j0 to cols of it, which start at base in v. */
    private void row(float[] v, int base, int j0, int cols, int ri, int colStart, int i, long[] c, Histogram h,
                     TopKNeighbors top, float[] kth, int[] ids) {
        final double lo = this.lo, scale = this.scale;
        final float below = this.below, above = this.above, sF = binScale, oF = binOffset;
        final boolean fb = floatBins;
        final int last = c.length - 1;
        final int[] bin = bins;
        final long[] rh = rowHits, ch = colHits, eh = edgeHits;
        final boolean filter = kth != null;
        final float rowKth = filter ? kth[ri] : 0;
        DoubleVector sum0 = DoubleVector.zero(D), sum1 = DoubleVector.zero(D);
        DoubleVector sq0 = DoubleVector.zero(D), sq1 = DoubleVector.zero(D);
        FloatVector vMin = FloatVector.broadcast(F, Float.POSITIVE_INFINITY), vMax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        // A loop over chunk numbers, not "j <= cols - L; j += L": C2's loop-limit predicate on that form failed on
        // some real tiles after compiling on others (an uncommon trap, and slow code until recompiled).
        final int chunks = Math.max(0, (cols - j0) / L);
        for (int q = 0; q < chunks; q++) {
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
            final int o = q * L;
            if (fb) {
                // round((x - lo) * scale) in one float rounding: truncated, Histogram.bin's bin unless integral.
                FloatVector y = x.max(below).min(above).fma(sF, oF);
                IntVector b = (IntVector) y.convertShape(VectorOperators.F2I, IF, 0);
                eh[q] = y.compare(VectorOperators.EQ, b.convertShape(VectorOperators.I2F, F, 0)).toLong();
                b.max(0).min(last).intoArray(bin, o);
            } else {
                // As Histogram.bin: (x - lo) * scale in double, truncated, clamped to [0, last].
                DoubleVector b0 = (DoubleVector) h0.max(below).min(above).convertShape(VectorOperators.F2D, D, 0);
                DoubleVector b1 = (DoubleVector) h1.max(below).min(above).convertShape(VectorOperators.F2D, D, 0);
                ((IntVector) b0.sub(lo).mul(scale).convertShape(VectorOperators.D2I, I, 0)).max(0).min(last).intoArray(bin, o);
                ((IntVector) b1.sub(lo).mul(scale).convertShape(VectorOperators.D2I, I, 0)).max(0).min(last).intoArray(bin, o + HALF);
            }
            if (filter) {
                rh[q] = x.compare(VectorOperators.GE, rowKth).toLong();
                ch[q] = x.compare(VectorOperators.GE, FloatVector.fromArray(F, kth, colStart + j)).toLong();
            }
        }
        if (fb) {
            for (int p = 0; p < chunks; p++) {
                for (long m = eh[p]; m != 0; m &= m - 1) {
                    int l = p * L + Long.numberOfTrailingZeros(m);
                    bin[l] = h.bin(v[base + j0 + l]);
                }
            }
        }
        for (int p = 0, e = chunks * L; p < e; p++) {
            c[bin[p]]++;
        }
        if (filter) {
            for (int p = 0; p < chunks; p++) {
                if ((rh[p] | ch[p]) != 0) {
                    int jp = j0 + p * L;
                    offerHits(top, rh[p], ch[p], ri, colStart + jp, v, base + jp, ids);
                }
            }
        }
        // Lanes summed in scalar code: DoubleVector.reduceLanes ran as (slow, boxing) Java code here.
        double rowSum = 0, rowSq = 0;
        sum0.add(sum1).intoArray(lanes, 0);
        for (double x : lanes) {
            rowSum += x;
        }
        sq0.add(sq1).intoArray(lanes, 0);
        for (double x : lanes) {
            rowSq += x;
        }
        rowMin[i] = vMin.reduceLanes(VectorOperators.MIN);
        rowMax[i] = vMax.reduceLanes(VectorOperators.MAX);
        sum += rowSum;
        sumSq += rowSq;
        scalarPart(v, base, j0 + chunks * L, cols, ri, colStart, i, c, h, top, kth, ids);
    }

    /** Columns j0 to cols of tile row i in scalar code, folded into the row's extremes and the tile's sums. */
    private void scalarPart(float[] v, int base, int j0, int cols, int ri, int colStart, int i, long[] c, Histogram h,
                            TopKNeighbors top, float[] kth, int[] ids) {
        final boolean filter = kth != null;
        double rowSum = 0, rowSq = 0;
        float min = rowMin[i], max = rowMax[i];
        for (int j = j0; j < cols; j++) {
            float x = v[base + j];
            rowSum += x;
            rowSq += (double) x * x;
            min = Math.min(min, x);
            max = Math.max(max, x);
            c[h.bin(x)]++;
            if (filter) {
                int rj = colStart + j;
                if (x >= kth[ri]) {
                    top.offer(ri, x, ids[rj]);
                }
                if (x >= kth[rj]) {
                    top.offer(rj, x, ids[ri]);
                }
            }
        }
        rowMin[i] = min;
        rowMax[i] = max;
        sum += rowSum;
        sumSq += rowSq;
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
