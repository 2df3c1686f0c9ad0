package dev.cossim.plots;

import dev.cossim.matrix.VectorStatistics;
import dev.cossim.source.Tensor;

import java.util.Arrays;

/**
 * Per-row arithmetic mean, L1 mean (mean absolute value) and L2 norm of an embedding matrix for the figures: a view
 * of the core's {@link VectorStatistics} over every row. Rows holding NaN or infinity get NaN in all three (and are
 * counted), never a made-up number.
 */
public record RowStats(double[] arithmeticMeans, double[] l1Means, double[] norms, int nonFiniteRows) {

    public static RowStats of(Tensor t) {
        VectorStatistics v = VectorStatistics.of(t);
        return new RowStats(v.mean(), v.l1Mean(), v.norm(), v.nonFiniteRows());
    }

    public int rows() {
        return norms.length;
    }

    /** The finite values of one of the arrays (rows with NaN or infinity left out). */
    public double[] finite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }
}
