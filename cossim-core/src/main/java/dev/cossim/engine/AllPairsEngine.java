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

    /** Rows per tile block. */
    public int block() {
        return block;
    }

    /** Number of unordered pairs among n rows. */
    public static long pairs(long n) {
        return n * (n - 1) / 2;
    }

    public <R extends TileReducer<R>> R run(RowMatrix m, Supplier<R> reducers, ProgressListener progress) {
        int n = m.size();
        int blocks = (n + block - 1) / block;
        AtomicInteger nextRowBlock = new AtomicInteger();
        progress.begin("all-pairs", pairs(n));
        return onWorkers(Math.min(threads, blocks), reducers, progress, (local, tile) -> {
            Operands op = new Operands(m, block);
            int bi;
            while ((bi = nextRowBlock.getAndIncrement()) < blocks) {
                rowBlockTiles(m, op, bi, tile, local, progress);
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
        int rowBlocks = (split + block - 1) / block;
        int colBlocks = (n - split + block - 1) / block;
        long tiles = (long) rowBlocks * colBlocks;
        AtomicLong nextTile = new AtomicLong();
        progress.begin("cross-pairs", (long) split * (n - split));
        return onWorkers((int) Math.min(threads, tiles), reducers, progress, (local, tile) -> {
            Operands op = new Operands(m, block);
            long t;
            while ((t = nextTile.getAndIncrement()) < tiles) {
                crossTile(m, op, split, colBlocks, t, tile, local, progress);
            }
        });
    }

    /** The tiles of row block {@code bi} against column blocks {@code bj >= bi} (its diagonal tile first), into {@code local}. */
    private void rowBlockTiles(RowMatrix m, Operands op, int bi, Tile tile, TileReducer<?> local, ProgressListener progress) {
        int n = m.size();
        int r0 = bi * block;
        int rows = Math.min(block, n - r0);
        RowMatrix.Span a = op.rows(r0, rows);
        TileKernel.RowBlock rowBlock = kernel.rowBlock(a.array(), a.row(), rows, m.dim());
        for (int c0 = r0; c0 < n; c0 += block) {
            TileScheduler.checkInterrupted();
            int cols = Math.min(block, n - c0);
            if (c0 == r0) {
                // The diagonal tile: the row block against itself (already read, when streamed); only j >= i is needed.
                rowBlock.dotsSelf(a.array(), a.row(), rows, tile.values);
            } else {
                RowMatrix.Span b = op.cols(c0, cols);
                rowBlock.dots(b.array(), b.row(), cols, tile.values);
            }
            tile.set(r0, rows, c0, cols, c0 == r0);
            local.accept(tile);
            progress.advance(tile.pairCount());
        }
    }

    /** Tile t (row-major over row blocks of side A and column blocks of side B) of a rectangular run, into {@code local}. */
    private void crossTile(RowMatrix m, Operands op, int split, int colBlocks, long t, Tile tile, TileReducer<?> local, ProgressListener progress) {
        TileScheduler.checkInterrupted();
        int n = m.size();
        int r0 = (int) (t / colBlocks) * block;
        int c0 = split + (int) (t % colBlocks) * block;
        int rows = Math.min(block, split - r0);
        int cols = Math.min(block, n - c0);
        RowMatrix.Span a = op.rows(r0, rows), b = op.cols(c0, cols);
        kernel.dots(a.array(), a.row(), rows, b.array(), b.row(), cols, m.dim(), tile.values);
        tile.set(r0, rows, c0, cols, false);
        local.accept(tile);
        progress.advance(tile.pairCount());
    }

    /**
     * One worker's view of the rows a tile multiplies: where they lie in the packed rows (the array itself, or for
     * joined rows the side that holds them; see {@link RowMatrix#span}), or, for streamed rows, two buffers of one block
     * each (rows and columns) that the rows are read into when a tile needs them (from row 0), the row block read once
     * for all the tiles it meets.
     */
    private static final class Operands {
        private final RowMatrix m;
        private final float[] rowBuf, colBuf;
        private int rowsRead = -1, rowsCount, colsRead = -1, colsCount;

        Operands(RowMatrix m, int block) {
            this.m = m;
            boolean packed = m.packed();
            int len = packed ? 0 : Math.multiplyExact(Math.min(block, m.size()), m.dim());
            this.rowBuf = packed ? null : new float[len];
            this.colBuf = packed ? null : new float[len];
        }

        RowMatrix.Span rows(int r0, int count) {
            if (rowBuf == null) {
                return m.span(r0, count);
            }
            if (rowsRead != r0 || rowsCount != count) {
                m.readRows(r0, count, rowBuf, 0);
                rowsRead = r0;
                rowsCount = count;
            }
            return new RowMatrix.Span(rowBuf, 0);
        }

        RowMatrix.Span cols(int c0, int count) {
            if (colBuf == null) {
                return m.span(c0, count);
            }
            if (colsRead != c0 || colsCount != count) {
                m.readRows(c0, count, colBuf, 0);
                colsRead = c0;
                colsCount = count;
            }
            return new RowMatrix.Span(colBuf, 0);
        }
    }

    /** At most this many work units in a resumable run (fewer when the matrix has fewer row blocks or tiles). */
    static final int MAX_UNITS = 256;

    /**
     * The pairs of {@code m} (all unordered pairs, or with {@code split >= 0} the rectangular block between packed
     * rows {@code [0, split)} and {@code [split, size)}), cut into at most {@link #MAX_UNITS} work units in a fixed
     * order that depends on the shape and block size only (not on the threads): for all pairs, runs of whole row
     * blocks of about equal tile counts; for a rectangle, runs of consecutive tiles. Each unit is reduced into its own
     * reducer, tile by tile in a fixed order, and the units are merged in unit order, so that the result is the same
     * to the last bit whatever the threads, the timing or the interruptions; {@code checkpoints} receives the state
     * now and then and on completion, and a state it returns at the start is continued (its units are skipped).
     */
    public <R extends TileReducer<R>> R runResumable(RowMatrix m, int split, Supplier<R> reducers, ProgressListener progress,
                                                     Checkpoints<R> checkpoints) {
        int n = m.size();
        if (split > n) {
            throw new IllegalArgumentException("split " + split + " outside [0, " + n + "]");
        }
        long[] starts = unitStarts(n, split);
        int units = starts.length - 1;
        ResumeState<R> loaded = checkpoints.load(units);
        if (loaded != null && loaded.units != units) {
            throw new IllegalArgumentException("the state has " + loaded.units + " units, this run " + units);
        }
        ResumeState<R> state = loaded != null ? loaded : new ResumeState<>(units);
        progress.begin(split < 0 ? "all-pairs" : "cross-pairs", split < 0 ? pairs(n) : (long) split * (n - split));
        long restored = 0;
        for (int u = 0; u < units; u++) {
            if (state.isDone(u)) {
                restored += unitPairs(n, split, starts[u], starts[u + 1]);
            }
        }
        progress.advance(restored);
        int todo = units - state.done();
        if (todo == 0) {
            progress.end();
            return state.result();
        }
        AtomicInteger next = new AtomicInteger();
        long interval = checkpoints.intervalNanos();
        long[] lastSave = {System.nanoTime()};
        try (TileScheduler s = new TileScheduler(Math.max(1, Math.min(threads, todo)), "cossim-tiles")) {
            s.run(todo, w -> () -> {
                Tile tile = new Tile(block * block);
                Operands op = new Operands(m, block);
                int u;
                while ((u = next.getAndIncrement()) < units) {
                    synchronized (state) {
                        if (state.isDone(u)) {
                            continue;
                        }
                    }
                    R local = reducers.get();
                    if (split < 0) {
                        for (int bi = (int) starts[u]; bi < starts[u + 1]; bi++) {
                            rowBlockTiles(m, op, bi, tile, local, progress);
                        }
                    } else {
                        int colBlocks = (n - split + block - 1) / block;
                        for (long t = starts[u]; t < starts[u + 1]; t++) {
                            crossTile(m, op, split, colBlocks, t, tile, local, progress);
                        }
                    }
                    synchronized (state) {
                        state.finish(u, local);
                        long now = System.nanoTime();
                        if (!state.complete() && now - lastSave[0] >= interval) {
                            checkpoints.save(state);
                            lastSave[0] = System.nanoTime();
                        }
                    }
                }
                return null;
            });
        } finally {
            progress.end();
        }
        synchronized (state) {
            checkpoints.save(state);
            return state.result();
        }
    }

    /**
     * Unit u covers row blocks (all pairs) or tiles (a rectangle) {@code [starts[u], starts[u + 1])}. Row block bi of
     * B holds B - bi tiles; units cut the row blocks where the running tile count passes each 1/U of the total.
     */
    long[] unitStarts(int n, int split) {
        if (split < 0) {
            int blocks = (n + block - 1) / block;
            int units = Math.max(1, Math.min(blocks, MAX_UNITS));
            long total = (long) blocks * (blocks + 1) / 2;
            long[] starts = new long[units + 1];
            int u = 1;
            long seen = 0;
            for (int bi = 0; bi < blocks - 1 && u < units; bi++) {
                seen += blocks - bi;
                if (seen * units >= u * total) {
                    starts[u++] = bi + 1;
                }
            }
            // Fewer cuts than units when the last blocks are small: the trailing units are dropped.
            long[] out = java.util.Arrays.copyOf(starts, u + 1);
            out[u] = blocks;
            return out;
        }
        long tiles = (long) ((split + block - 1) / block) * ((n - split + block - 1) / block);
        int units = (int) Math.max(1, Math.min(tiles, MAX_UNITS));
        long[] starts = new long[units + 1];
        for (int u = 0; u <= units; u++) {
            starts[u] = tiles * u / units;
        }
        return starts;
    }

    /** The pairs of the unit covering {@code [from, to)} (row blocks or tiles, as {@link #unitStarts} cuts them). */
    private long unitPairs(int n, int split, long from, long to) {
        long p = 0;
        if (split < 0) {
            for (long bi = from; bi < to; bi++) {
                long r0 = bi * block, rows = Math.min(block, n - r0);
                p += rows * (rows - 1) / 2 + rows * (n - r0 - rows);
            }
            return p;
        }
        int colBlocks = (n - split + block - 1) / block;
        for (long t = from; t < to; t++) {
            long r0 = (t / colBlocks) * block, c0 = split + (t % colBlocks) * block;
            p += Math.min(block, split - r0) * Math.min(block, n - c0);
        }
        return p;
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
