package dev.cossim.results;

/** Distinct values ascending and how often each occurs. */
public record DistinctCounts(float[] values, long[] counts) {
    public int distinct() {
        return values.length;
    }
}
