package dev.cossim.engine;

import dev.cossim.blas.BlasTileKernel;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The all-pairs engine on the OpenBLAS kernel at the block size it asks for (1024 rows, larger than the engine's
 * default), against the double-precision brute force of {@link AllPairsEngineTest}: 2300 rows make two full blocks,
 * a partial one of 252 rows, diagonal and off-diagonal tiles.
 */
class BlasEngineTest {
    @Test
    void preferredBlockMatchesBruteForce() {
        BlasTileKernel kernel = new BlasTileKernel();
        int n = 2300, d = 37;
        assertEquals(1024, kernel.preferredBlock());
        AllPairsEngineTest.check(Synthetic.gaussian(n, d, 21), n, d, kernel, 2, kernel.preferredBlock(), 2000, 10);
    }
}
