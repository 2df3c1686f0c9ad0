package dev.cossim.analysis;

import dev.cossim.results.Distribution;
import dev.cossim.results.LargestDifference;
import dev.cossim.results.SampledPairs;
import dev.cossim.results.Statistics;

/**
 * Cosine and correlation of every pair from one pass: each one's statistics and histogram, how the two relate
 * (covariance and Pearson r between them), the pair where they differ most, and a seeded sample of pairs.
 */
public record CorrelationAndCosine(Statistics cosine, Statistics correlation, Distribution cosineHistogram,
                                   Distribution correlationHistogram, double covariance, double agreement,
                                   LargestDifference largestDifference, SampledPairs sample, long seed) {
}
