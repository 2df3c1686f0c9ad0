package dev.cossim.reduce;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * The JIT warm-up takes whatever options a command was given, including ones its small synthetic tiles cannot hold,
 * with the run's range known or not.
 */
class SummaryWarmUpTest {
    @Test
    void runsForAnyBinsAndK() {
        int[][] options = {{0, 0}, {1, 1}, {2000, 10}, {2000, 100_000}};
        for (int[] o : options) {
            for (boolean smallest : new boolean[]{false, true}) {
                for (double[] bounds : new double[][]{null, {-1, 1}, {0, 1e-9}}) {
                    assertDoesNotThrow(() -> SummaryReducer.warmUp(o[0], o[1], smallest, bounds),
                            o[0] + " bins, k " + o[1] + ", smallest " + smallest + ", bounds " + java.util.Arrays.toString(bounds));
                }
            }
        }
    }
}
