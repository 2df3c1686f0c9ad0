package dev.cossim.spark;

import dev.cossim.kernel.TileKernel;

import java.io.Serializable;

/**
 * What an all-pairs job computes and how it cuts the work.
 *
 * @param bins        histogram bins over [-1, 1]
 * @param topK        neighbours per row, 0 for none
 * @param nearDup     similarity threshold of near-duplicate edges and groups, or NaN for none
 * @param kernel      tile kernel name each executor chooses (auto, vector, scalar)
 * @param block       rows per block: the engine's tile edge; 0 for the kernel's preferred block, as the single-machine
 *                    engine takes it (OpenBLAS computes a pair's value alike only in tiles of the same shape)
 * @param panelBlocks blocks per panel, a task holding two panels; 0 for panels of about {@link #PANEL_ROWS} rows
 * @param partitions  Spark partitions of the tile stage, 0 for one per panel pair
 */
public record AllPairsSettings(int bins, int topK, float nearDup, String kernel, int block, int panelBlocks, int partitions)
        implements Serializable {
    /** Rows per panel when the panel size is automatic. */
    public static final int PANEL_ROWS = 8192;

    /** The defaults of {@code cossim all-pairs}: 2000 bins, top-10, kernel auto with its own block size. */
    public static AllPairsSettings defaults() {
        return new AllPairsSettings(2000, 10, Float.NaN, "auto", 0, 0, 0);
    }

    /** The block and panel sizes made concrete for the kernel the executors will choose. */
    public AllPairsSettings resolved(TileKernel k) {
        int b = block > 0 ? block : k.preferredBlock();
        int p = panelBlocks > 0 ? panelBlocks : Math.max(1, PANEL_ROWS / b);
        return new AllPairsSettings(bins, topK, nearDup, kernel, b, p, partitions);
    }

    public boolean nearDuplicates() {
        return !Float.isNaN(nearDup);
    }

    public AllPairsSettings withTopK(int k) {
        return new AllPairsSettings(bins, k, nearDup, kernel, block, panelBlocks, partitions);
    }

    public AllPairsSettings withNearDup(float threshold) {
        return new AllPairsSettings(bins, topK, threshold, kernel, block, panelBlocks, partitions);
    }

    public AllPairsSettings withBlocks(int rowsPerBlock, int blocksPerPanel) {
        return new AllPairsSettings(bins, topK, nearDup, kernel, rowsPerBlock, blocksPerPanel, partitions);
    }

    public AllPairsSettings withKernel(String name) {
        return new AllPairsSettings(bins, topK, nearDup, name, block, panelBlocks, partitions);
    }

    public AllPairsSettings withBins(int n) {
        return new AllPairsSettings(n, topK, nearDup, kernel, block, panelBlocks, partitions);
    }

    public AllPairsSettings withPartitions(int n) {
        return new AllPairsSettings(bins, topK, nearDup, kernel, block, panelBlocks, n);
    }
}
