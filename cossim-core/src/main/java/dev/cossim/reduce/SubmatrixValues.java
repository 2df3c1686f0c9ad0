package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

/**
 * The seed's Part 3 for any selection: the non-redundant values of the (sub)matrix with their count, minimum, maximum,
 * mean and standard deviation ({@link PairStatistics}) and their distinct values at float16 and float32
 * ({@link DistinctValues}), in one pass.
 */
public final class SubmatrixValues implements TileReducer<SubmatrixValues> {
    private final PairStatistics statistics;
    private final DistinctValues distinct = new DistinctValues();

    public SubmatrixValues(int[] ids) {
        this.statistics = new PairStatistics(ids);
    }

    @Override
    public void accept(Tile tile) {
        statistics.accept(tile);
        distinct.accept(tile);
    }

    @Override
    public void merge(SubmatrixValues o) {
        statistics.merge(o.statistics);
        distinct.merge(o.distinct);
    }

    public PairStatistics statistics() {
        return statistics;
    }

    public DistinctValues distinct() {
        return distinct;
    }
}
