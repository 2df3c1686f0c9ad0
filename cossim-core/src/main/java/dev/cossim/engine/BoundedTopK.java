package dev.cossim.engine;

import java.util.Arrays;

/**
 * The one bounded top-k selection: for each of several lists, the k entries with the largest keys, ties to the lower
 * id. Each list is a binary min-heap whose root is its current k-th best, so most offers are turned away by one
 * comparison ({@link #threshold}). Used per row by all-pairs top-k, for the single list of top pairs, per query by
 * corpus searches, and merged across threads and Spark tasks: the kept set is the same for any split of the offers.
 * Callers that want the smallest values (distances) offer negated keys.
 */
public final class BoundedTopK implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** The id of an empty slot: worse than every real entry at the same key. */
    public static final long NONE = Long.MAX_VALUE;

    private final int lists;
    private final int k;
    private final float[] keys;
    private final long[] ids;

    public BoundedTopK(int lists, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1");
        }
        if ((long) lists * k > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(lists + " lists of " + k + " entries are too many for one selection");
        }
        this.lists = lists;
        this.k = k;
        this.keys = new float[lists * k];
        this.ids = new long[lists * k];
        Arrays.fill(keys, Float.NEGATIVE_INFINITY);
        Arrays.fill(ids, NONE);
    }

    public int k() {
        return k;
    }

    public int lists() {
        return lists;
    }

    /** The key an entry must reach to be kept in {@code list} (at equal keys the lower id wins). */
    public float threshold(int list) {
        return keys[list * k];
    }

    /** Offers (key, id) to {@code list}; true when it was kept. */
    public boolean offer(int list, float key, long id) {
        int base = list * k;
        float rootKey = keys[base];
        if (key < rootKey || (key == rootKey && id >= ids[base])) {
            return false;
        }
        replaceRoot(keys, ids, base, k, key, id);
        return true;
    }

    /** Puts (key, id) in place of the heap root at {@code [base, base + n)} and sifts it down (root = the worst). */
    private static void replaceRoot(float[] keys, long[] ids, int base, int n, float key, long id) {
        int pos = 0;
        while (true) {
            int c = 2 * pos + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && worse(keys[base + c + 1], ids[base + c + 1], keys[base + c], ids[base + c])) {
                c++;
            }
            if (!worse(keys[base + c], ids[base + c], key, id)) {
                break;
            }
            keys[base + pos] = keys[base + c];
            ids[base + pos] = ids[base + c];
            pos = c;
        }
        keys[base + pos] = key;
        ids[base + pos] = id;
    }

    private static boolean worse(float ka, long ia, float kb, long ib) {
        return ka < kb || (ka == kb && ia > ib);
    }

    /** Offers every kept entry of {@code o}'s list {@code from} to this one's list {@code to}; true when any was kept. */
    public boolean mergeList(BoundedTopK o, int from, int to) {
        if (o.k != k) {
            throw new IllegalArgumentException("top-k selections of different k cannot merge");
        }
        boolean changed = false;
        for (int q = from * k, end = q + k; q < end; q++) {
            if (o.ids[q] != NONE) {
                changed |= offer(to, o.keys[q], o.ids[q]);
            }
        }
        return changed;
    }

    public void merge(BoundedTopK o) {
        if (o.k != k || o.lists != lists) {
            throw new IllegalArgumentException("top-k selections of different shapes cannot merge");
        }
        for (int l = 0; l < lists; l++) {
            mergeList(o, l, l);
        }
    }

    /** How many entries {@code list} holds (k, or fewer when fewer were offered). */
    public int size(int list) {
        int n = 0;
        for (int q = list * k, end = q + k; q < end; q++) {
            if (ids[q] != NONE) {
                n++;
            }
        }
        return n;
    }

    /**
     * The entries of {@code list}, best first (ties: lower id), into {@code keysOut} and {@code idsOut} (each at least
     * {@link #size} long); returns how many. Sorted by taking the root of a copy of the heap k times: no boxing.
     */
    public int sorted(int list, float[] keysOut, long[] idsOut) {
        int base = list * k;
        float[] hk = Arrays.copyOfRange(keys, base, base + k);
        long[] hi = Arrays.copyOfRange(ids, base, base + k);
        int used = size(list);
        for (int n = k; n > 0; n--) {
            if (n <= used) { // the k - used empty slots are the worst, so they come out first
                keysOut[n - 1] = hk[0];
                idsOut[n - 1] = hi[0];
            }
            replaceRoot(hk, hi, 0, n - 1, hk[n - 1], hi[n - 1]);
        }
        return used;
    }
}
