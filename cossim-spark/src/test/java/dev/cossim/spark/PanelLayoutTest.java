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
    void pairPartitionerDealsTheLargestPairsFirstAndUsesEveryPartition() {
        PanelLayout l = new PanelLayout(1000, 32, 3);
        PairPartitioner p = new PairPartitioner(l, 5);
        int[] sizes = new int[5];
        long[] rowPairs = new long[5];
        for (int[] pq : l.pairs()) {
            int part = p.getPartition(PanelLayout.key(pq[0], pq[1]));
            sizes[part]++;
            rowPairs[part] += l.pairCount(pq[0], pq[1]);
        }
        assertEquals(List.of(14, 13, 13, 13, 13), java.util.Arrays.stream(sizes).boxed().toList());
        for (int i = 1; i < 5; i++) {
            assertTrue(rowPairs[i] <= rowPairs[i - 1], "partition " + i + " holds fewer row pairs than the one before");
        }
    }

    @Test
    void largestFirstOrderIsEveryPairOnceBySizeThenRowByRow() {
        PanelLayout l = new PanelLayout(1000, 32, 3); // 10 panels of 96 rows and one of 40
        List<int[]> order = l.pairsLargestFirst();
        assertEquals(66, order.size());
        assertEquals(66, order.stream().map(pq -> PanelLayout.key(pq[0], pq[1])).distinct().count());
        for (int i = 1; i < order.size(); i++) {
            long before = l.pairCount(order.get(i - 1)[0], order.get(i - 1)[1]), now = l.pairCount(order.get(i)[0], order.get(i)[1]);
            assertTrue(now <= before);
            if (now == before) {
                assertTrue(PanelLayout.key(order.get(i)[0], order.get(i)[1]) > PanelLayout.key(order.get(i - 1)[0], order.get(i - 1)[1]));
            }
        }
        assertEquals(List.of(0, 1), List.of(order.get(0)[0], order.get(0)[1])); // 96 x 96 row pairs
        assertEquals(List.of(10, 10), List.of(order.get(65)[0], order.get(65)[1])); // the 40-row panel with itself
    }

    @Test
    void automaticPanelsMakeEnoughTasksForTheCores() {
        AllPairsSettings d = AllPairsSettings.defaults();
        int blas = 1024; // the blas kernel's block
        AllPairsSettings small = d.resolved(blas, 30000, 2);
        assertEquals(1024, small.block());
        assertEquals(8, small.panelBlocks()); // 4 panels of 8192 rows: 10 tasks, at least 4 per core
        assertEquals(3, d.resolved(blas, 12000, 2).panelBlocks()); // 4 panels of 3072 rows: 10 tasks
        AllPairsSettings large = d.resolved(blas, 1_000_000, 128);
        assertEquals(8, large.panelBlocks()); // 123 panels of 8192 rows: 7,626 tasks
        assertEquals(1, d.resolved(blas, 3000, 64).panelBlocks()); // too few rows for 4 tasks per core: one block
        assertEquals(3, d.withBlocks(0, 3).resolved(blas, 30000, 2).panelBlocks()); // given: kept
    }
}
