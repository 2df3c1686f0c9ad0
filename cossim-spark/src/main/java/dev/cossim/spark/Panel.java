package dev.cossim.spark;

import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;

import java.io.Serializable;

/**
 * Consecutive usable rows, normalised and packed row-major as the engine packs them: row r is original row
 * {@code ids[r]}. A panel is the unit of data a Spark task holds; all-pairs tasks hold two.
 */
public final class Panel implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Panel number (all-pairs) or chunk number (query corpus). */
    public final int index;
    public final int dim;
    public final int[] ids;
    public final float[] data;

    public Panel(int index, int dim, int[] ids, float[] data) {
        if (data.length != (long) ids.length * dim) {
            throw new IllegalArgumentException("panel " + index + ": " + data.length + " floats for " + ids.length + " x " + dim);
        }
        this.index = index;
        this.dim = dim;
        this.ids = ids;
        this.data = data;
    }

    public int size() {
        return ids.length;
    }

    /** The panel's rows as the engine takes them: already prepared (unit length), none excluded. */
    public RowMatrix rows() {
        return new RowMatrix(dim, data, ids, new int[0], new int[0], Normalization.UNIT);
    }
}
