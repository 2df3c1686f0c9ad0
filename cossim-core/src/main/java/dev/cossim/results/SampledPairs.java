package dev.cossim.results;

/** Sampled pairs: original ids (i < j) with both values. */
public record SampledPairs(int[] i, int[] j, float[] cosine, float[] correlation) {
    public int size() {
        return i.length;
    }
}
