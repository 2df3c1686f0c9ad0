package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.Vectorization;

/**
 * The summary reducers' work on one tile in a single walk over it while it is still in cache: histogram bin, sum and
 * sum of squares, extremes, and top-k candidates filtered against each row's current k-th best before any heap is
 * touched. One instance per reducer (per thread): implementations keep scratch space.
 */
abstract class FusedSummaryPass {
    abstract void accept(Tile t, Histogram h, PairStatistics s, TopKNeighbors top);

    /** The pass {@link Vectorization} chooses: the Vector API one where the module is enabled, else the scalar one. */
    static FusedSummaryPass create() {
        if (Vectorization.get().vectorSummaryPass()) {
            try {
                return (FusedSummaryPass) Class.forName("dev.cossim.reduce.VectorSummaryPass").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar pass
            }
        }
        return new ScalarSummaryPass();
    }
}
