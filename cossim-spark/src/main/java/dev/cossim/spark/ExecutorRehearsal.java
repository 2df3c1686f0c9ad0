package dev.cossim.spark;

import dev.cossim.engine.Vectorization;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;

import java.util.Random;

/**
 * A tile task's own work, rehearsed once per executor when it starts ({@link CossimExecutorPlugin}) on two small
 * synthetic panels: a panel with itself and the two panels, a few times, through {@link AllPairsPartial#add} with the
 * job's bins and top-k and the executor's kernel. The JIT then has the tasks' code (the engine's tile walk, the top-k
 * split by panel, the heaps' sorting) compiled before the first task comes, as the single-machine command has it
 * compiled before its clock starts. In the tile stage of a 50,000 x 768 job on two one-core executors, their
 * compiler threads used 1.98 CPU-seconds without it and 1.20 with it (2026-12-07). Nothing it makes is kept.
 */
final class ExecutorRehearsal {
    /** Rows per synthetic panel and their dimension: small, so that a rehearsal takes about a second (0.4-1.8 s here). */
    static final int ROWS = 2048, DIM = 64, ROUNDS = 6, MAX_K = 100;

    private ExecutorRehearsal() {
    }

    /**
     * Runs the rehearsal, after the fused pass's warm-up (started when the executor did) has finished, as a task
     * waits for it; returns the seconds the rehearsal itself took.
     */
    static double run(TileKernel kernel, int bins, int topK) {
        Vectorization.get().awaitSummaryPass();
        long t0 = System.nanoTime();
        Random r = new Random(7);
        Panel a = panel(0, 0, r), b = panel(1, ROWS, r);
        // The same code for any k: at most MAX_K neighbours (a job's k of thousands would only make the heaps large).
        AllPairsSettings s = AllPairsSettings.defaults().withBins(bins).withTopK(Math.min(topK, MAX_K))
                .withBlocks(Math.min(kernel.preferredBlock(), ROWS / 2), 0).resolved(kernel);
        for (int i = 0; i < ROUNDS; i++) {
            AllPairsPartial p = new AllPairsPartial(s);
            p.add(new PanelPair(a, a), kernel);
            p.add(new PanelPair(a, b), kernel);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Rows {@code [first, first + ROWS)} of Gaussian values, normalised as panels are. */
    private static Panel panel(int index, int first, Random r) {
        float[] data = new float[ROWS * DIM];
        float[] row = new float[DIM];
        int[] ids = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int k = 0; k < DIM; k++) {
                row[k] = (float) r.nextGaussian();
            }
            RowMatrix.prepareRow(row, Normalization.UNIT);
            System.arraycopy(row, 0, data, i * DIM, DIM);
            ids[i] = first + i;
        }
        return new Panel(index, DIM, ids, data);
    }
}
