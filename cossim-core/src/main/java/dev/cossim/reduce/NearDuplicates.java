package dev.cossim.reduce;

import dev.cossim.ParameterException;

import dev.cossim.CossimException;
import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import dev.cossim.results.Pair;
import dev.cossim.results.Group;

/**
 * Every pair whose value reaches a threshold ({@code >= t}, or {@code <= t} for a distance), joined into connected
 * components. No truncation: all such pairs are kept (12 bytes each, in growing plain arrays) together with their exact
 * count, and a union-find over the rows; memory is proportional to the pairs found. When a limit on kept pairs is set
 * and exceeded, the count goes on (so the error can say how many there are) and {@link #groups()} refuses with a hint.
 */
public final class NearDuplicates implements TileReducer<NearDuplicates>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] ids;
    private final float threshold;
    private final boolean below;
    private final long maxPairs;
    private final UnionFind components;
    private long count;
    private int kept;
    private int[] pi = new int[16];
    private int[] pj = new int[16];
    private float[] pv = new float[16];

    /**
     * @param ids       original id of each packed row
     * @param threshold pairs with value >= threshold (or <= with {@code below}) are near-duplicates
     * @param below     for distances: a pair qualifies when its value is <= threshold
     * @param maxPairs  most pairs to keep (at most 2^31 - 9, one Java array)
     */
    public NearDuplicates(int[] ids, double threshold, boolean below, long maxPairs) {
        if (maxPairs < 0) {
            throw new IllegalArgumentException("maxPairs must be >= 0");
        }
        this.ids = ids;
        this.threshold = (float) threshold;
        this.below = below;
        this.maxPairs = Math.min(maxPairs, Integer.MAX_VALUE - 8);
        this.components = new UnionFind(ids.length);
    }

    @Override
    public void accept(Tile t) {
        final float[] v = t.values;
        final float th = threshold;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            for (int j = t.firstCol(i); j < t.cols; j++) {
                float x = v[base + j];
                if (below ? x <= th : x >= th) {
                    add(t.rowStart + i, t.colStart + j, x);
                }
            }
        }
    }

    /** Records a qualifying pair of packed rows. */
    private void add(int a, int b, float x) {
        count++;
        components.union(a, b);
        if (kept >= maxPairs) {
            return;
        }
        if (kept == pi.length) {
            int cap = (int) Math.min(maxPairs, Math.max(16, (long) kept * 3 / 2));
            pi = Arrays.copyOf(pi, cap);
            pj = Arrays.copyOf(pj, cap);
            pv = Arrays.copyOf(pv, cap);
        }
        pi[kept] = a;
        pj[kept] = b;
        pv[kept] = x;
        kept++;
    }

    @Override
    public void merge(NearDuplicates o) {
        if (o.threshold != threshold || o.below != below || o.ids.length != ids.length) {
            throw new IllegalArgumentException("near-duplicate reducers of different settings cannot merge");
        }
        long total = count + o.count;
        for (int q = 0; q < o.kept; q++) {
            add(o.pi[q], o.pj[q], o.pv[q]);
        }
        components.merge(o.components);
        count = total;
    }

    /** Exact number of pairs that reach the threshold. */
    public long count() {
        return count;
    }

    public boolean complete() {
        return kept == count;
    }

    public double threshold() {
        return threshold;
    }

    public boolean below() {
        return below;
    }

    private void requireComplete() {
        if (!complete()) {
            throw new ParameterException("max-pairs", String.format(java.util.Locale.ROOT, "%,d", maxPairs), String.format(java.util.Locale.ROOT,
                    "%,d pairs reach the threshold %s, more than this limit of kept pairs; raise the threshold, select fewer rows, "
                            + "or raise the limit (12 bytes per pair, so give the JVM the heap with JAVA_OPTS=-Xmx...)",
                    count, threshold));
        }
    }

    /** The qualifying pairs by original ids (i < j), best first, ties by lower (i, j). */
    public Pair[] pairs() {
        requireComplete();
        Pair[] out = new Pair[kept];
        for (int q = 0; q < kept; q++) {
            int a = ids[pi[q]], b = ids[pj[q]];
            out[q] = new Pair(Math.min(a, b), Math.max(a, b), pv[q]);
        }
        Comparator<Pair> byValue = Comparator.comparingDouble(Pair::similarity);
        Arrays.sort(out, (below ? byValue : byValue.reversed())
                .thenComparingInt(Pair::i).thenComparingInt(Pair::j));
        return out;
    }

    /**
     * Connected components of at least two rows, largest first (ties: lowest first id). Each lists its original ids
     * ascending, its number of qualifying pairs, and the lowest and highest value among them.
     */
    public List<Group> groups() {
        requireComplete();
        int n = ids.length;
        int[] root = new int[n];
        int[] slot = new int[n];
        Arrays.fill(slot, -1);
        List<int[]> members = new ArrayList<>();
        List<int[]> fill = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            root[r] = components.find(r);
        }
        for (int r = 0; r < n; r++) {
            int s = components.setSize(r);
            if (s > 1 && slot[root[r]] < 0) {
                slot[root[r]] = members.size();
                members.add(new int[s]);
                fill.add(new int[1]);
            }
        }
        for (int r = 0; r < n; r++) {
            int g = slot[root[r]];
            if (g >= 0) {
                members.get(g)[fill.get(g)[0]++] = ids[r];
            }
        }
        int gCount = members.size();
        long[] pairs = new long[gCount];
        float[] lo = new float[gCount];
        float[] hi = new float[gCount];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (int q = 0; q < kept; q++) {
            int g = slot[root[pi[q]]];
            pairs[g]++;
            lo[g] = Math.min(lo[g], pv[q]);
            hi[g] = Math.max(hi[g], pv[q]);
        }
        List<Group> out = new ArrayList<>(gCount);
        for (int g = 0; g < gCount; g++) {
            int[] m = members.get(g);
            Arrays.sort(m);
            out.add(new Group(m, pairs[g], lo[g], hi[g]));
        }
        out.sort(Comparator.comparingInt(Group::size).reversed().thenComparingInt(g -> g.ids()[0]));
        return out;
    }

}
