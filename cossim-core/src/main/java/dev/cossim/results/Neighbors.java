package dev.cossim.results;

/** A row's neighbours, best first. */
public record Neighbors(int id, int[] ids, float[] similarities) {
}
