package dev.cossim.engine;

import java.util.List;
import java.util.function.Supplier;

/**
 * Feeds every tile to each of its parts in order, and merges part by part: one walk over the tiles serves every
 * analysis a request asks for (the facade's requests, and each Spark task's share of one). Parts are made per worker (thread or Spark task) from the same suppliers, so part i of
 * one composite always merges with part i of another.
 */
public final class CompositeReducer implements TileReducer<CompositeReducer>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final TileReducer<?>[] parts;

    public CompositeReducer(List<Supplier<? extends TileReducer<?>>> suppliers) {
        parts = new TileReducer<?>[suppliers.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = suppliers.get(i).get();
        }
    }

    @Override
    public void accept(Tile tile) {
        for (TileReducer<?> p : parts) {
            p.accept(tile);
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void merge(CompositeReducer other) {
        if (other.parts.length != parts.length) {
            throw new IllegalArgumentException("composite reducers of different requests cannot merge");
        }
        for (int i = 0; i < parts.length; i++) {
            ((TileReducer) parts[i]).merge(other.parts[i]);
        }
    }

    /** Part i, as the request built it. */
    public <R> R part(int i, Class<R> type) {
        return type.cast(parts[i]);
    }
}
