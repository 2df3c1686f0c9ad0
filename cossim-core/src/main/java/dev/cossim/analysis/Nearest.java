package dev.cossim.analysis;

/**
 * The rows nearest to one query, best first (original ids, ties to the lower id), and how many rows were searched and
 * left out (zero or non-finite rows have no direction).
 */
public record Nearest(int[] ids, float[] similarities, int searched, int excluded) {
}
