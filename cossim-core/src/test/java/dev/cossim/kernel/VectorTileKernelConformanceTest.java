package dev.cossim.kernel;

import dev.cossim.testing.TileKernelConformance;

/** The Vector API kernel passes the kernel conformance suite. */
class VectorTileKernelConformanceTest extends TileKernelConformance {
    @Override
    protected TileKernel kernel() {
        return new VectorTileKernel();
    }
}
