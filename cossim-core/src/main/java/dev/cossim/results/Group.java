package dev.cossim.results;

/**
 * One connected component: original ids ascending, the number of qualifying pairs inside it, and the lowest and
 * highest value among those pairs.
 */
public record Group(int[] ids, long pairs, float minValue, float maxValue) {
    public int size() {
        return ids.length;
    }
}
