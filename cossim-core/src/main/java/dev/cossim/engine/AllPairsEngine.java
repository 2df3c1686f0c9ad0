package dev.cossim.engine;

import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.RowMatrix;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import dev.cossim.analysis.ProgressListener;

/**
 * Walks the tiles of the upper triangle of the all-pairs similarity matrix (row block I against column blocks J >= I),
 * so each unordered pair is computed once, on all threads. Every thread owns one reducer and one tile buffer; the
 * reducers are merged at the end. Memory: the packed rows plus {@code threads x block^2} floats, never N^2.
 */
public final class AllPairsEngine {
    /** Rows per block when neither the caller nor the kernel says otherwise ({@link TileKernel#preferredBlock}). */
    public static final int DEFAULT_BLOCK = TileKernel.DEFAULT_BLOCK;

    private final TileKernel kernel;
    private final int threads;
    private final int block;

    public AllPairsEngine(TileKernel kernel, int threads, int block) {
        if (threads < 1 || block < 1) {
            throw new IllegalArgumentException("threads and block must be positive");
        }
        this.kernel = kernel;
        this.threads = threads;
        this.block = block;
    }

    public AllPairsEngine(TileKernel kernel) {
        this(kernel, Runtime.getRuntime().availableProcessors());
    }

    /** Blocks of the kernel's preferred size. */
    public AllPairsEngine(TileKernel kernel, int threads) {
        this(kernel, threads, kernel.preferredBlock());
    }

    public TileKernel kernel() {
        return kernel;
    }

    public int threads() {
        return threads;
    }

    /** Number of unordered pairs among n rows. */
    public static long pairs(long n) {
        return n * (n - 1) / 2;
    }

    public <R extends TileReducer<R>> R run(RowMatrix m, Supplier<R> reducers, ProgressListener progress) {
        int n = m.size();
        int d = m.dim();
        float[] data = m.data();
        int blocks = (n + block - 1) / block;
        AtomicInteger nextRowBlock = new AtomicInteger();
        progress.begin("all-pairs", pairs(n));
        return onWorkers(Math.min(threads, blocks), reducers, progress, (local, tile) -> {
            int bi;
            while ((bi = nextRowBlock.getAndIncrement()) < blocks) {
                int r0 = bi * block;
                int rows = Math.min(block, n - r0);
                TileKernel.RowBlock rowBlock = kernel.rowBlock(data, r0, rows, d);
                for (int bj = bi; bj < blocks; bj++) {
                    TileScheduler.checkInterrupted();
                    int c0 = bj * block;
                    int cols = Math.min(block, n - c0);
                    rowBlock.dots(data, c0, cols, tile.values);
                    tile.set(r0, rows, c0, cols, bi == bj);
                    local.accept(tile);
                    progress.advance(tile.pairCount());
                }
            }
        });
    }

    /**
     * The rectangular block between packed rows {@code [0, split)} and {@code [split, size)}: every tile holds rows of
     * the first side against columns of the second, none is diagonal, so each cross pair is seen once. Tiles are
     * handed out one at a time (not by row block) so that a small first side still keeps every thread busy.
     */
    public <R extends TileReducer<R>> R runCross(RowMatrix m, int split, Supplier<R> reducers, ProgressListener progress) {
        int n = m.size();
        if (split < 0 || split > n) {
            throw new IllegalArgumentException("split " + split + " outside [0, " + n + "]");
        }
        int d = m.dim();
        float[] data = m.data();
        int rowBlocks = (split + block - 1) / block;
        int colBlocks = (n - split + block - 1) / block;
        long tiles = (long) rowBlocks * colBlocks;
        AtomicLong nextTile = new AtomicLong();
        progress.begin("cross-pairs", (long) split * (n - split));
        return onWorkers((int) Math.min(threads, tiles), reducers, progress, (local, tile) -> {
            long t;
            while ((t = nextTile.getAndIncrement()) < tiles) {
                TileScheduler.checkInterrupted();
                int r0 = (int) (t / colBlocks) * block;
                int c0 = split + (int) (t % colBlocks) * block;
                int rows = Math.min(block, split - r0);
                int cols = Math.min(block, n - c0);
                kernel.dots(data, r0, rows, data, c0, cols, d, tile.values);
                tile.set(r0, rows, c0, cols, false);
                local.accept(tile);
                progress.advance(tile.pairCount());
            }
        });
    }

    /** One worker's loop: claims work until none is left, feeding its own reducer through its own tile buffer. */
    private interface WorkerLoop<R> {
        void run(R local, Tile tile);
    }

    /**
     * Runs {@code loop} on {@code workers} threads (at least one) of the {@link TileScheduler}, each with its own
     * reducer and tile, and merges the reducers. Errors on a worker surface here as they were thrown; an interrupt
     * cancels the run.
     */
    private <R extends TileReducer<R>> R onWorkers(int workers, Supplier<R> reducers, ProgressListener progress, WorkerLoop<R> loop) {
        try (TileScheduler s = new TileScheduler(Math.max(1, workers), "cossim-tiles")) {
            List<R> parts = s.run(workers, w -> () -> {
                R local = reducers.get();
                loop.run(local, new Tile(block * block));
                return local;
            });
            R result = parts.getFirst();
            for (int q = 1; q < parts.size(); q++) {
                result.merge(parts.get(q));
            }
            return result;
        } finally {
            progress.end();
        }
    }
}
