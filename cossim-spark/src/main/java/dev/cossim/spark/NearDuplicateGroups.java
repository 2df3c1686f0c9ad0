package dev.cossim.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Connected components of the near-duplicate graph by union-find (path halving, union by smaller root id), on
 * the driver: memory is one int per id, and edges stream through once. A group is named by its smallest id and
 * lists its members in id order; groups come largest first, then by that id.
 * (Issue 4 brings a mergeable union-find reducer to the core; this step may switch to it.)
 */
public final class NearDuplicateGroups {
    private final int[] parent;

    public NearDuplicateGroups(int idLimit) {
        parent = new int[idLimit];
        Arrays.fill(parent, -1);
    }

    private int find(int x) {
        if (parent[x] < 0) {
            parent[x] = x;
        }
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    public void union(int a, int b) {
        int ra = find(a), rb = find(b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** Groups of two or more ids, largest first, each sorted. */
    public List<int[]> groups() {
        int n = parent.length;
        int[] size = new int[n];
        for (int x = 0; x < n; x++) {
            if (parent[x] >= 0) {
                size[find(x)]++;
            }
        }
        int[][] members = new int[n][];
        int[] fill = new int[n];
        List<int[]> out = new ArrayList<>();
        for (int x = 0; x < n; x++) {
            if (parent[x] >= 0) {
                int r = find(x);
                if (size[r] >= 2) {
                    if (members[r] == null) {
                        members[r] = new int[size[r]];
                        out.add(members[r]);
                    }
                    members[r][fill[r]++] = x;
                }
            }
        }
        // Members were added in increasing id order, so each group is sorted and starts with its smallest id.
        out.sort((g, h) -> g.length != h.length ? Integer.compare(h.length, g.length) : Integer.compare(g[0], h[0]));
        return out;
    }
}
