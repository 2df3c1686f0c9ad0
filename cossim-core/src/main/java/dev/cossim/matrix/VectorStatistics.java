package dev.cossim.matrix;

import dev.cossim.source.Tensor;

import java.util.stream.IntStream;

/**
 * Per-row statistics of the raw vectors (the seed's Part 5): L2 norm, arithmetic mean and L1 mean (mean absolute
 * value) across the dimensions, in double. Non-finite rows give NaN.
 */
public record VectorStatistics(int[] ids, double[] norm, double[] mean, double[] l1Mean) {

    public static VectorStatistics of(Tensor t, int[] ids) {
        t.requireMatrix();
        int d = (int) t.rowLength();
        int n = ids.length;
        double[] norm = new double[n], mean = new double[n], l1 = new double[n];
        IntStream.range(0, n).parallel().forEach(r -> {
            double ss = 0, s = 0, a = 0;
            long base = (long) ids[r] * d;
            for (int k = 0; k < d; k++) {
                double v = t.getDouble(base + k);
                ss += v * v;
                s += v;
                a += Math.abs(v);
            }
            norm[r] = Math.sqrt(ss);
            mean[r] = s / d;
            l1[r] = a / d;
        });
        return new VectorStatistics(ids.clone(), norm, mean, l1);
    }
}
