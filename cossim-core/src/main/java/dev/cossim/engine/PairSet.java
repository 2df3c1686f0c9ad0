package dev.cossim.engine;

import dev.cossim.matrix.RowMatrix;

import java.util.function.Supplier;
import dev.cossim.analysis.ProgressListener;

/**
 * The pairs an analysis covers: every unordered pair within the rows ({@code split < 0}), or, for a rectangular run,
 * every pair of one row from packed rows {@code [0, split)} (side A) with one from {@code [split, size)} (side B).
 * Either way each pair is seen once and tiles carry packed indices into {@link #rows()}.
 */
public record PairSet(RowMatrix rows, int split) {
    public static PairSet within(RowMatrix rows) {
        return new PairSet(rows, -1);
    }

    /** A x B: the sides must be disjoint (see {@link dev.cossim.matrix.RowMatrix#concat}). */
    public static PairSet cross(RowMatrix a, RowMatrix b) {
        return new PairSet(RowMatrix.concat(a, b), a.size());
    }

    public boolean rectangular() {
        return split >= 0;
    }

    public long count() {
        long n = rows.size();
        return rectangular() ? split * (n - split) : n * (n - 1) / 2;
    }

    /** Rows on side A: all rows for a within run. */
    public int sizeA() {
        return rectangular() ? split : rows.size();
    }

    /** Rows on side B: all rows for a within run. */
    public int sizeB() {
        return rectangular() ? rows.size() - split : rows.size();
    }

    /** How many other rows each packed row is paired with. */
    public int partners(int r) {
        if (!rectangular()) {
            return rows.size() - 1;
        }
        return r < split ? rows.size() - split : split;
    }

    public <R extends TileReducer<R>> R run(AllPairsEngine engine, Supplier<R> reducers, ProgressListener progress) {
        return rectangular() ? engine.runCross(rows, split, reducers, progress) : engine.run(rows, reducers, progress);
    }

    /** As {@link #run}, resumable and in a fixed merge order: see {@link AllPairsEngine#runResumable}. */
    public <R extends TileReducer<R>> R runResumable(AllPairsEngine engine, Supplier<R> reducers, ProgressListener progress,
                                                     Checkpoints<R> checkpoints) {
        return engine.runResumable(rows, split, reducers, progress, checkpoints);
    }
}
