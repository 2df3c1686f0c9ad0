package dev.cossim.results;

/** A pair of original row ids, i < j, and its similarity. */
public record Pair(int i, int j, float similarity) {
}
