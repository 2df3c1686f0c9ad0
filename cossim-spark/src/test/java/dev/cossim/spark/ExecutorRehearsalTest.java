package dev.cossim.spark;

import dev.cossim.kernel.VectorTileKernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executors' rehearsal runs a tile task's path for any job's bins and top-k without failing. */
class ExecutorRehearsalTest {
    @Test
    void rehearsesForTheJobsBinsAndTopKIncludingTopKsLargerThanItsPanels() {
        for (int[] binsAndK : new int[][]{{2000, 10}, {3, 0}, {100, 1_000_000}}) {
            double s = ExecutorRehearsal.run(new VectorTileKernel(), binsAndK[0], binsAndK[1]);
            assertTrue(s > 0 && Double.isFinite(s), "bins " + binsAndK[0] + ", top-k " + binsAndK[1] + ": " + s);
        }
    }
}
