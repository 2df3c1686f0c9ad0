package dev.cossim.plots;

import dev.cossim.source.Tensor;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Per-row arithmetic mean, L1 mean (mean absolute value) and L2 norm of an embedding matrix, in double, one pass
 * over the rows. Rows holding NaN or infinity get NaN in all three (and are counted), never a made-up number.
 */
public record RowStats(double[] arithmeticMeans, double[] l1Means, double[] norms, int nonFiniteRows) {

    public static RowStats of(Tensor t) {
        t.requireMatrix();
        int rows = Math.toIntExact(t.rows());
        int d = (int) t.rowLength();
        double[] mean = new double[rows], l1 = new double[rows], norm = new double[rows];
        int chunk = 1024;
        IntStream.range(0, (rows + chunk - 1) / chunk).parallel().forEach(c -> {
            float[] row = new float[d];
            for (int r = c * chunk; r < Math.min(rows, (c + 1) * chunk); r++) {
                t.readFloats((long) r * d, row, 0, d);
                double s = 0, a = 0, ss = 0;
                for (float v : row) {
                    s += v;
                    a += Math.abs(v);
                    ss += (double) v * v;
                }
                boolean finite = Double.isFinite(s) && Double.isFinite(ss);
                mean[r] = finite ? s / d : Double.NaN;
                l1[r] = finite ? a / d : Double.NaN;
                norm[r] = finite ? Math.sqrt(ss) : Double.NaN;
            }
        });
        int bad = (int) Arrays.stream(norm).filter(Double::isNaN).count();
        return new RowStats(mean, l1, norm, bad);
    }

    public int rows() {
        return norms.length;
    }

    /** The finite values of one of the arrays (rows with NaN or infinity left out). */
    public double[] finite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }
}
