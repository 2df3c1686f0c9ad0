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
        // Each row's squared norm in double, NaN for a row holding NaN or infinity (left out, and counted).
        double[] squares = new double[rows];
        IntStream.range(0, rows).parallel().forEach(r -> {
            double ss = 0;
            boolean finite = true;
            double[] row = t.rowAsDoubles(r); // a row at a time: quantised rows are decoded once, not per element
            for (int i = 0; i < d; i++) {
                double v = row[i];
                if (!Double.isFinite(v)) {
                    finite = false;
                }
                ss += v * v;
            }
            squares[r] = finite ? ss : Double.NaN;
        });
        // The mean, std, extremes and counts come from the one mergeable norm summary (the norms command's too).
        NormSummary summary = new NormSummary();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int minRow = -1, maxRow = -1;
        for (int r = 0; r < rows; r++) {
            summary.addSquared(squares[r]);
            if (Double.isNaN(squares[r])) {
                continue;
            }
            double norm = Math.sqrt(squares[r]);
            if (norm < min) {
                min = norm;
                minRow = r;
            }
            if (norm > max) {
                max = norm;
                maxRow = r;
            }
        }
        return new NormStatistics(rows, summary.mean(), summary.std(), min, max, minRow, maxRow, summary.zero(), summary.nonFinite());
    }
}
