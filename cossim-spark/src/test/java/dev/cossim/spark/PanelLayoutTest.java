package dev.cossim.spark;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PanelLayoutTest {
    @Test
    void panelPairsCoverEveryBlockPairOfTheUpperTriangleOnce() {
        // 1000 rows, blocks of 32 (32 blocks, the last one 8 rows), panels of 3 blocks = 96 rows: 11 panels
        PanelLayout l = new PanelLayout(1000, 32, 3);
        assertEquals(11, l.panels());
        assertEquals(96, l.panelSize(0));
        assertEquals(40, l.panelSize(10));
        List<int[]> pairs = l.pairs();
        assertEquals(66, pairs.size());
        Set<Long> blockPairs = new HashSet<>();
        long rowPairs = 0;
        for (int[] pq : pairs) {
            assertTrue(pq[0] <= pq[1]);
            rowPairs += l.pairCount(pq[0], pq[1]);
            int blocksP = (l.panelSize(pq[0]) + 31) / 32, blocksQ = (l.panelSize(pq[1]) + 31) / 32;
            for (int i = 0; i < blocksP; i++) {
                for (int j = pq[0] == pq[1] ? i : 0; j < blocksQ; j++) {
                    long bi = pq[0] * 3L + i, bj = pq[1] * 3L + j;
                    assertTrue(bi <= bj);
                    assertTrue(blockPairs.add(bi * 1000 + bj), "block pair " + bi + "," + bj + " twice");
                }
            }
        }
        assertEquals(32 * 33 / 2, blockPairs.size());
        assertEquals(1000L * 999 / 2, rowPairs);
    }

    @Test
    void keysRoundTrip() {
        long k = PanelLayout.key(70000, 123456);
        assertEquals(70000, PanelLayout.first(k));
        assertEquals(123456, PanelLayout.second(k));
    }

    @Test
    void pairPartitionerKeepsRowOrderAndUsesEveryPartition() {
        PanelLayout l = new PanelLayout(1000, 32, 3);
        PairPartitioner p = new PairPartitioner(l.panels(), 5);
        int last = 0;
        int[] sizes = new int[5];
        for (int[] pq : l.pairs()) {
            int part = p.getPartition(PanelLayout.key(pq[0], pq[1]));
            assertTrue(part >= last, "partitions follow the row-by-row order");
            last = part;
            sizes[part]++;
        }
        assertEquals(List.of(14, 13, 13, 13, 13), java.util.Arrays.stream(sizes).boxed().toList());
    }
}
