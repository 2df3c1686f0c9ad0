package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

/**
 * The standard all-pairs pass: histogram, statistics and (when k > 0) top-k neighbours, fused into one walk over
 * each tile (vectorised where the Vector API is enabled): see {@link FusedSummaryPass}.
 */
public final class SummaryReducer implements TileReducer<SummaryReducer> {
    private final Histogram histogram;
    private final PairStatistics statistics;
    private final TopKNeighbors topK;
    private final FusedSummaryPass pass = FusedSummaryPass.create();

    public SummaryReducer(int[] ids, int bins, double lo, double hi, int k) {
        this.histogram = new Histogram(lo, hi, bins);
        this.statistics = new PairStatistics(ids);
        this.topK = k > 0 ? new TopKNeighbors(ids, k) : null;
    }

    @Override
    public void accept(Tile tile) {
        pass.accept(tile, histogram, statistics, topK);
    }

    @Override
    public void merge(SummaryReducer o) {
        histogram.merge(o.histogram);
        statistics.merge(o.statistics);
        if (topK != null) {
            topK.merge(o.topK);
        }
    }

    public Histogram histogram() {
        return histogram;
    }

    public PairStatistics statistics() {
        return statistics;
    }

    /** Null when k = 0. */
    public TopKNeighbors topK() {
        return topK;
    }
}
