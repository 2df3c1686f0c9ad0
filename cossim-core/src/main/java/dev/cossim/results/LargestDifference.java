package dev.cossim.results;

/** A pair with both of its values. */
public record LargestDifference(int i, int j, float cosine, float correlation) {
    public float absolute() {
        return Math.abs(cosine - correlation);
    }
}
