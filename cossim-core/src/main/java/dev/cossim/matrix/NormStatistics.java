package dev.cossim.matrix;

import dev.cossim.query.NormSummary;
import dev.cossim.source.Tensor;

import java.util.stream.IntStream;

/**
 * Mean, standard deviation, minimum and maximum of the rows' L2 norms (in double), with the counts of zero rows and
 * rows holding NaN or infinity, which are left out of the norm statistics.
 */
public record NormStatistics(long rows, double mean, double std, double min, double max, int minRow, int maxRow,
                             long zeroRows, long nonFiniteRows) {

    public static NormStatistics of(Tensor t) {
        t.requireMatrix();
        int rows = Math.toIntExact(t.rows());
        int d = (int) t.rowLength();
        double[] norms = new double[rows];
        double[] squares = new double[rows];
        byte[] status = new byte[rows];
        IntStream.range(0, rows).parallel().forEach(r -> {
            double ss = 0;
            boolean finite = true;
            for (int i = 0; i < d; i++) {
                double v = t.getDouble((long) r * d + i);
                if (!Double.isFinite(v)) {
                    finite = false;
                }
                ss += v * v;
            }
            if (!finite) {
                status[r] = 2;
            } else if (ss == 0) {
                status[r] = 1;
            }
            squares[r] = ss;
            norms[r] = Math.sqrt(ss);
        });
        // The mean, std, extremes and counts come from the one mergeable norm summary (the norms command's too).
        NormSummary summary = new NormSummary();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int minRow = -1, maxRow = -1;
        for (int r = 0; r < rows; r++) {
            summary.addSquared(status[r] == 2 ? Double.NaN : squares[r]);
            if (status[r] == 2) {
                continue;
            }
            if (norms[r] < min) {
                min = norms[r];
                minRow = r;
            }
            if (norms[r] > max) {
                max = norms[r];
                maxRow = r;
            }
        }
        return new NormStatistics(rows, summary.mean(), summary.std(), min, max, minRow, maxRow, summary.zero(), summary.nonFinite());
    }
}
