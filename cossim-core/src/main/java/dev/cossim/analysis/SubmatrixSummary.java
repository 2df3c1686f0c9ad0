package dev.cossim.analysis;

import dev.cossim.results.DistinctCounts;
import dev.cossim.results.Statistics;

/** A selection's values: their statistics and the distinct values (with counts) at float16 and at float32. */
public record SubmatrixSummary(Statistics statistics, DistinctCounts float16, DistinctCounts float32) {
}
