package dev.cossim.reduce;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/** The JIT warm-up takes whatever options a command was given, including ones its small synthetic tiles cannot hold. */
class SummaryWarmUpTest {
    @Test
    void runsForAnyBinsAndK() {
        int[][] options = {{0, 0}, {1, 1}, {2000, 10}, {2000, 100_000}};
        for (int[] o : options) {
            for (boolean smallest : new boolean[]{false, true}) {
                assertDoesNotThrow(() -> SummaryReducer.warmUp(o[0], o[1], smallest), o[0] + " bins, k " + o[1] + ", smallest " + smallest);
            }
        }
    }
}
