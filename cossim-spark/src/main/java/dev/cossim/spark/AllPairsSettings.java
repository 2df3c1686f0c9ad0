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
 * @param panelBlocks blocks per panel, a task holding two panels; 0 for the automatic size (at most {@link #PANEL_ROWS}
 *                    rows, smaller where that makes too few tasks for the cluster's cores)
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

    /**
     * Tile-stage tasks per core the automatic panel size aims for, at least: with the largest first (the last tasks
     * small), a few tasks per core already let the cores finish together (10 tasks on 2 cores: within 0.1 s), and
     * every task costs its executor CPU besides the tiles (reading its panels, Spark's task handling): in one profile
     * the two executors used 11.7 CPU-s in the tile stage with 10 tasks, 13-16 with 36.
     */
    public static final int TASKS_PER_CORE = 4;

    /** The block and panel sizes made concrete for the kernel the executors will choose (panels of {@link #PANEL_ROWS}). */
    public AllPairsSettings resolved(TileKernel k) {
        int b = block > 0 ? block : k.preferredBlock();
        int p = panelBlocks > 0 ? panelBlocks : Math.max(1, PANEL_ROWS / b);
        return new AllPairsSettings(bins, topK, nearDup, kernel, b, p, partitions);
    }

    /**
     * The block and panel sizes made concrete for {@code rows} usable rows on {@code cores} executor cores: the
     * kernel's block unless given, and unless given, the largest panel of whole blocks, at most {@link #PANEL_ROWS}
     * rows, that still makes {@link #TASKS_PER_CORE} panel pairs per core (one block per panel where none does).
     * 30000 rows on 2 cores with blocks of 1024: panels of 8192 rows, 10 tasks; 12000 rows on 2 cores: 3072 rows, 10
     * tasks; 1,000,000 rows on 128 cores: 8192 rows, 7,626 tasks.
     */
    public AllPairsSettings resolved(TileKernel k, int rows, int cores) {
        return resolved(k.preferredBlock(), rows, cores);
    }

    /** {@link #resolved(TileKernel, int, int)} for a kernel whose preferred block is {@code preferredBlock}. */
    AllPairsSettings resolved(int preferredBlock, int rows, int cores) {
        int b = block > 0 ? block : preferredBlock;
        int p = panelBlocks;
        if (p <= 0) {
            long wanted = (long) TASKS_PER_CORE * Math.max(1, cores);
            p = 1;
            for (int c = Math.max(1, PANEL_ROWS / b); c >= 1; c--) {
                long panels = (rows + (long) c * b - 1) / ((long) c * b);
                if (panels * (panels + 1) / 2 >= wanted) {
                    p = c;
                    break;
                }
            }
        }
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
