package dev.cossim.analysis;

import dev.cossim.matrix.VectorStatistics;

/**
 * Per packed row (original ids in {@code ids}): the mean similarity to every row it is paired with, how many of those
 * pairs reach the threshold (hubness), and the vector's own norm, mean and L1 mean.
 */
public record RowStatistics(int[] ids, double threshold, boolean below, double[] meanSimilarity, long[] hubness,
                            VectorStatistics vectors) {
}
