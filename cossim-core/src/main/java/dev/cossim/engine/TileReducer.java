package dev.cossim.engine;

/**
 * Consumes tiles of the similarity matrix and merges with other instances of itself: each thread (or Spark task)
 * reduces its own tiles, then the partial results are merged. Merging must not depend on which tiles went where.
 */
public interface TileReducer<R extends TileReducer<R>> extends Mergeable<R> {
    void accept(Tile tile);
}
