package dev.cossim.spark;

import dev.cossim.engine.Tile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NearDuplicateGroupsTest {
    @Test
    void componentsLargestFirstNamedBySmallestId() {
        NearDuplicateGroups g = new NearDuplicateGroups(20);
        g.union(9, 4);
        g.union(15, 16);
        g.union(4, 12);
        g.union(2, 3);
        g.union(12, 9); // already joined
        List<int[]> groups = g.groups();
        assertEquals(3, groups.size());
        assertArrayEquals(new int[]{4, 9, 12}, groups.get(0));
        assertArrayEquals(new int[]{2, 3}, groups.get(1));
        assertArrayEquals(new int[]{15, 16}, groups.get(2));
    }

    @Test
    void edgesOfATileSkipTheDiagonalAndUseOriginalIds() {
        // a diagonal 3 x 3 tile of rows with original ids 10, 20, 30
        Tile t = new Tile(9);
        t.rows = 3;
        t.cols = 3;
        t.diagonal = true;
        float[] v = {1f, 0.95f, 0.2f, 0.95f, 1f, 0.9f, 0.2f, 0.9f, 1f};
        System.arraycopy(v, 0, t.values, 0, 9);
        NearDuplicateEdges e = new NearDuplicateEdges(new int[]{10, 20, 30}, 0.9f);
        e.accept(t);
        assertEquals(2, e.size());
        assertEquals(10, e.first(0));
        assertEquals(20, e.second(0));
        assertEquals(0.95f, e.similarity(0));
        assertEquals(20, e.first(1));
        assertEquals(30, e.second(1));
        NearDuplicateEdges other = new NearDuplicateEdges(new int[0], 0.9f);
        other.add(50, 40, 0.99f);
        e.merge(other);
        assertEquals(3, e.size());
        assertEquals(40, e.first(2));
        assertEquals(50, e.second(2));
    }
}
