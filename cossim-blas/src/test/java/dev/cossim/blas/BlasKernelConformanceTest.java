package dev.cossim.blas;

import dev.cossim.kernel.TileKernel;
import dev.cossim.testing.TileKernelConformance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The OpenBLAS kernel passes the kernel conformance suite (on the platform its binaries ship for). */
class BlasKernelConformanceTest extends TileKernelConformance {
    @BeforeAll
    static void onTheShippedPlatform() {
        Assumptions.assumeTrue(org.bytedeco.javacpp.Loader.getPlatform().equals("linux-x86_64"),
                "OpenBLAS binaries are shipped for linux-x86_64 only");
    }

    /** OpenBLAS rounds a value's last bit by its place in the register tile (seen: 3e-8 on a cosine of -0.0375). */
    @Override
    protected double tieTolerance() {
        return 1e-6;
    }

    @Override
    protected TileKernel kernel() {
        return new BlasTileKernel();
    }
}
