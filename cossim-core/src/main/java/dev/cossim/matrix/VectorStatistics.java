package dev.cossim.matrix;

import dev.cossim.source.Tensor;

import java.util.stream.IntStream;

/**
 * The one per-row statistics of raw vectors (the seed's Part 5): L2 norm, arithmetic mean and L1 mean (mean absolute
 * value) across the dimensions, in double, one pass over each row. Rows holding NaN or infinity get NaN in all three
 * (and are counted), never a made-up number. Used by row-stats, by the report and by the means and norms figures.
 */
public record VectorStatistics(int[] ids, double[] norm, double[] mean, double[] l1Mean) {

    /** Every row of a 2-D tensor. */
    public static VectorStatistics of(Tensor t) {
        t.requireMatrix();
        return of(t, IntStream.range(0, Math.toIntExact(t.rows())).toArray());
    }

    public static VectorStatistics of(Tensor t, int[] ids) {
        t.requireMatrix();
        int d = (int) t.rowLength();
        int n = ids.length;
        double[] norm = new double[n], mean = new double[n], l1 = new double[n];
        int chunk = 1024;
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
            float[] row = new float[d];
            for (int r = c * chunk; r < Math.min(n, (c + 1) * chunk); r++) {
                t.readFloats((long) ids[r] * d, row, 0, d);
                double ss = 0, s = 0, a = 0;
                for (float x : row) {
                    double v = x;
                    ss += v * v;
                    s += v;
                    a += Math.abs(v);
                }
                boolean finite = Double.isFinite(s) && Double.isFinite(ss);
                norm[r] = finite ? Math.sqrt(ss) : Double.NaN;
                mean[r] = finite ? s / d : Double.NaN;
                l1[r] = finite ? a / d : Double.NaN;
            }
        });
        return new VectorStatistics(ids.clone(), norm, mean, l1);
    }

    /** Rows holding NaN or infinity (NaN in every statistic). */
    public int nonFiniteRows() {
        int bad = 0;
        for (double v : norm) {
            bad += Double.isNaN(v) ? 1 : 0;
        }
        return bad;
    }
}
