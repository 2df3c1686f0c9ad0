package dev.cossim.query;

import dev.cossim.engine.BoundedTopK;

/**
 * The k best candidates of each of several queries, by global corpus row: the one bounded top-k selection
 * ({@link BoundedTopK}, one list per query; "better" is a larger key, ties to the lower row). Mergeable: per-block and
 * per-batch candidates fold into one set. Serializable, for a query's checkpoint ({@link QueryPartial}).
 */
public final class Candidates implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final BoundedTopK top;

    public Candidates(int queries, int k) {
        this.top = new BoundedTopK(queries, k);
    }

    public int k() {
        return top.k();
    }

    public int queries() {
        return top.lists();
    }

    /** The key a candidate must reach to be considered for query q (ties then go by row). */
    public float threshold(int q) {
        return top.threshold(q);
    }

    public void offer(int q, float key, long row) {
        top.offer(q, key, row);
    }

    public void merge(Candidates o) {
        if (o.k() != k() || o.queries() != queries()) {
            throw new IllegalArgumentException("candidate sets of different shapes cannot merge");
        }
        top.merge(o.top);
    }

    /** Query q's candidates' rows, best first (fewer than k when the corpus had fewer usable rows). */
    public long[] rows(int q) {
        float[] keys = new float[top.k()];
        long[] rows = new long[top.k()];
        int n = top.sorted(q, keys, rows);
        return java.util.Arrays.copyOf(rows, n);
    }
}
