package dev.cossim.plots;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.reduce.NearDuplicates;
import dev.cossim.reduce.PooledHeatmap;
import dev.cossim.reduce.SummaryReducer;

/**
 * Everything the report needs from the cosine tiles in one walk over them: histogram, statistics and top-k
 * (the standard summary), the pooled heatmap (mean and max per block) and the near-duplicate pairs and groups.
 */
public final class ReportReducer implements TileReducer<ReportReducer> {
    private final SummaryReducer summary;
    private final PooledHeatmap heatmap;
    private final NearDuplicates nearDuplicates;

    /**
     * @param threshold pairs with cosine >= threshold are near-duplicates
     * @param maxPairs  most such pairs to keep (beyond it only their count goes on)
     */
    public ReportReducer(int[] ids, int bins, int k, int heatmapSize, double threshold, long maxPairs) {
        this.summary = new SummaryReducer(ids, bins, -1, 1, k);
        this.heatmap = new PooledHeatmap(ids.length, Math.min(heatmapSize, ids.length));
        this.nearDuplicates = new NearDuplicates(ids, threshold, false, maxPairs);
    }

    @Override
    public void accept(Tile tile) {
        summary.accept(tile);
        heatmap.accept(tile);
        nearDuplicates.accept(tile);
    }

    @Override
    public void merge(ReportReducer o) {
        summary.merge(o.summary);
        heatmap.merge(o.heatmap);
        nearDuplicates.merge(o.nearDuplicates);
    }

    public SummaryReducer summary() {
        return summary;
    }

    public PooledHeatmap heatmap() {
        return heatmap;
    }

    public NearDuplicates nearDuplicates() {
        return nearDuplicates;
    }
}
