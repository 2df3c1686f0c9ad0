package dev.cossim.kernel;

import dev.cossim.testing.TileKernelConformance;

/** The scalar reference kernel passes the kernel conformance suite. */
class ScalarTileKernelConformanceTest extends TileKernelConformance {
    @Override
    protected TileKernel kernel() {
        return new ScalarTileKernel();
    }
}
