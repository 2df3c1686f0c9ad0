package dev.cossim.query;

import java.util.Arrays;

/**
 * The k best candidates of each of several queries: per query a binary min-heap whose root is its current k-th best,
 * so most scores are rejected by one comparison ({@link #threshold}). "Better" is a larger key, ties to the lower
 * global row. Mergeable: per-block and per-batch candidates fold into one set.
 */
public final class Candidates {
    private static final long NONE = Long.MAX_VALUE;

    private final int queries;
    private final int k;
    private final float[] keys;
    private final long[] rows;

    public Candidates(int queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1");
        }
        this.queries = queries;
        this.k = k;
        this.keys = new float[queries * k];
        this.rows = new long[queries * k];
        Arrays.fill(keys, Float.NEGATIVE_INFINITY);
        Arrays.fill(rows, NONE);
    }

    public int k() {
        return k;
    }

    public int queries() {
        return queries;
    }

    /** The key a candidate must reach to be considered for query q (ties then go by row). */
    public float threshold(int q) {
        return keys[q * k];
    }

    public void offer(int q, float key, long row) {
        int base = q * k;
        float rootKey = keys[base];
        if (key < rootKey || (key == rootKey && row >= rows[base])) {
            return;
        }
        int pos = 0;
        while (true) {
            int c = 2 * pos + 1;
            if (c >= k) {
                break;
            }
            if (c + 1 < k && worse(keys[base + c + 1], rows[base + c + 1], keys[base + c], rows[base + c])) {
                c++;
            }
            if (!worse(keys[base + c], rows[base + c], key, row)) {
                break;
            }
            keys[base + pos] = keys[base + c];
            rows[base + pos] = rows[base + c];
            pos = c;
        }
        keys[base + pos] = key;
        rows[base + pos] = row;
    }

    private static boolean worse(float ka, long ra, float kb, long rb) {
        return ka < kb || (ka == kb && ra > rb);
    }

    public void merge(Candidates o) {
        if (o.k != k || o.queries != queries) {
            throw new IllegalArgumentException("candidate sets of different shapes cannot merge");
        }
        for (int i = 0; i < keys.length; i++) {
            if (o.rows[i] != NONE) {
                offer(i / k, o.keys[i], o.rows[i]);
            }
        }
    }

    /** Query q's candidates' rows, best first (fewer than k when the corpus had fewer usable rows). */
    public long[] rows(int q) {
        int base = q * k;
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(keys[base + b], keys[base + a]);
            return c != 0 ? c : Long.compare(rows[base + a], rows[base + b]);
        });
        return Arrays.stream(order).mapToLong(i -> rows[base + i]).filter(r -> r != NONE).toArray();
    }
}
