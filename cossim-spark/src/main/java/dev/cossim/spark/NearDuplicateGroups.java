package dev.cossim.spark;

import dev.cossim.reduce.UnionFind;

import java.util.ArrayList;
import java.util.List;

/**
 * Connected components of the near-duplicate graph, on the driver, with the core's {@link UnionFind}: memory is two
 * ints per id, and edges stream through once. A group lists its members in id order (so it starts with its smallest
 * id); groups come largest first, then by that id.
 */
public final class NearDuplicateGroups {
    private final UnionFind sets;

    public NearDuplicateGroups(int idLimit) {
        sets = new UnionFind(idLimit);
    }

    public void union(int a, int b) {
        sets.union(a, b);
    }

    /** Groups of two or more ids, largest first, each sorted. */
    public List<int[]> groups() {
        int n = sets.size();
        int[][] members = new int[n][];
        int[] fill = new int[n];
        List<int[]> out = new ArrayList<>();
        for (int x = 0; x < n; x++) {
            int size = sets.setSize(x);
            if (size >= 2) {
                int r = sets.find(x);
                if (members[r] == null) {
                    members[r] = new int[size];
                    out.add(members[r]);
                }
                members[r][fill[r]++] = x;
            }
        }
        // Members were added in increasing id order, so each group is sorted and starts with its smallest id.
        out.sort((g, h) -> g.length != h.length ? Integer.compare(h.length, g.length) : Integer.compare(g[0], h[0]));
        return out;
    }
}
