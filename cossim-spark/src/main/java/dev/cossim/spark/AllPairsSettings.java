package dev.cossim.spark;

import dev.cossim.engine.AllPairsEngine;

import java.io.Serializable;

/**
 * What an all-pairs job computes and how it cuts the work.
 *
 * @param bins        histogram bins over [-1, 1]
 * @param topK        neighbours per row, 0 for none
 * @param nearDup     similarity threshold of near-duplicate edges and groups, or NaN for none
 * @param kernel      tile kernel name each executor chooses (auto, vector, scalar)
 * @param block       rows per block: the engine's tile edge
 * @param panelBlocks blocks per panel; a task holds two panels
 * @param partitions  Spark partitions of the tile stage, 0 for one per panel pair
 */
public record AllPairsSettings(int bins, int topK, float nearDup, String kernel, int block, int panelBlocks, int partitions)
        implements Serializable {
    public static final int DEFAULT_PANEL_BLOCKS = 32;

    public static AllPairsSettings defaults() {
        return new AllPairsSettings(2000, 10, Float.NaN, "auto", AllPairsEngine.DEFAULT_BLOCK, DEFAULT_PANEL_BLOCKS, 0);
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
