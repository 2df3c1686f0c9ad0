package dev.cossim.spark;

import java.io.Serializable;

/** One Parquet row after preparation: its id, and its unit-length vector, or null when zero or non-finite. */
final class PreparedRow implements Serializable {
    private static final long serialVersionUID = 1L;

    static final byte USABLE = 0;
    static final byte ZERO = 1;
    static final byte NON_FINITE = 2;

    final int id;
    final byte status;
    final float[] unit;

    PreparedRow(int id, byte status, float[] unit) {
        this.id = id;
        this.status = status;
        this.unit = unit;
    }

    boolean usable() {
        return status == USABLE;
    }
}
