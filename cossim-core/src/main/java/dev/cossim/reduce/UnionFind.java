package dev.cossim.reduce;

import java.util.Arrays;

/**
 * Disjoint sets over {@code 0..n-1} (union by size, path halving), mergeable: another instance's sets are folded in by
 * uniting each element with its root there, so partial results of threads or tasks combine into the same partition.
 */
public final class UnionFind implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] parent;
    private final int[] size;

    public UnionFind(int n) {
        parent = new int[n];
        size = new int[n];
        Arrays.setAll(parent, i -> i);
        Arrays.fill(size, 1);
    }

    public int find(int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    /** Returns true when x and y were in different sets. */
    public boolean union(int x, int y) {
        int a = find(x), b = find(y);
        if (a == b) {
            return false;
        }
        if (size[a] < size[b]) {
            int t = a;
            a = b;
            b = t;
        }
        parent[b] = a;
        size[a] += size[b];
        return true;
    }

    public void merge(UnionFind o) {
        if (o.parent.length != parent.length) {
            throw new IllegalArgumentException("union-finds of different sizes cannot merge");
        }
        for (int x = 0; x < parent.length; x++) {
            int r = o.find(x);
            if (r != x) {
                union(x, r);
            }
        }
    }

    public int size() {
        return parent.length;
    }

    /** Number of elements in x's set. */
    public int setSize(int x) {
        return size[find(x)];
    }
}
