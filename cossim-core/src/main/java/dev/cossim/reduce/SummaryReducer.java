package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

/**
 * The standard all-pairs pass: histogram, statistics and (when k > 0) top-k neighbours, fused into one walk over
 * each tile (vectorised where the Vector API is enabled): see {@link FusedSummaryPass}.
 */
public final class SummaryReducer implements TileReducer<SummaryReducer>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Histogram histogram;
    private final PairStatistics statistics;
    private final TopKNeighbors topK;
    /** Per-instance scratch of the fused pass; not shipped with the reducer (Spark tasks rebuild it). */
    private transient FusedSummaryPass pass;

    public SummaryReducer(int[] ids, int bins, double lo, double hi, int k) {
        this(ids, bins, lo, hi, k, false);
    }

    /** @param nearestSmallest top-k keeps the smallest values (for a distance metric) */
    public SummaryReducer(int[] ids, int bins, double lo, double hi, int k, boolean nearestSmallest) {
        this.histogram = new Histogram(lo, hi, bins);
        this.statistics = new PairStatistics(ids);
        this.topK = k > 0 ? new TopKNeighbors(ids, k, nearestSmallest) : null;
    }

    @Override
    public void accept(Tile tile) {
        if (topK != null && !topK.keepsLargest()) {
            // The fused pass filters top-k candidates by "larger is better"; distances take the plain reducers.
            histogram.accept(tile);
            statistics.accept(tile);
            topK.accept(tile);
            return;
        }
        if (pass == null) {
            pass = FusedSummaryPass.create();
        }
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
