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
        replaceRoot(keys, rows, base, k, key, row);
    }

    /**
     * Puts (key, row) in place of the root of the heap at {@code [base, base + n)} and sifts it down to restore the
     * heap order (root = the worst).
     */
    private static void replaceRoot(float[] keys, long[] rows, int base, int n, float key, long row) {
        int pos = 0;
        while (true) {
            int c = 2 * pos + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && worse(keys[base + c + 1], rows[base + c + 1], keys[base + c], rows[base + c])) {
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

    /**
     * Query q's candidates' rows, best first (fewer than k when the corpus had fewer usable rows). The heap is sorted
     * in place on a copy by taking its root, the worst, k times: no boxing or streams, whose first use alone took
     * tens of milliseconds at the end of a search.
     */
    public long[] rows(int q) {
        int base = q * k;
        float[] hk = Arrays.copyOfRange(keys, base, base + k);
        long[] hr = Arrays.copyOfRange(rows, base, base + k);
        int used = 0;
        for (long r : hr) {
            if (r != NONE) {
                used++;
            }
        }
        long[] out = new long[used];
        for (int n = k; n > 0; n--) {
            if (n <= used) { // the k - used empty slots are the worst, so they come out first
                out[n - 1] = hr[0];
            }
            replaceRoot(hk, hr, 0, n - 1, hk[n - 1], hr[n - 1]);
        }
        return out;
    }
}
