package dev.cossim.matrix;

/** How rows are prepared before dot products: the metric decides. */
public enum Normalization {
    /** Divide by the L2 norm: dot products are cosine similarities. */
    UNIT,
    /** Subtract the row's mean over its dimensions, then divide by the norm: dot products are Pearson correlations. */
    CENTRED_UNIT,
    /** Leave rows as they are: dot products are raw inner products. */
    NONE
}
