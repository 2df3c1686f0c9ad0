package dev.cossim.blas;

import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With cossim-blas on the classpath and OpenBLAS loading, auto picks it (for tiles unless its kernels are narrower than
 * the Vector API's); explicit choices are honoured.
 */
class KernelChoiceTest {
    /** cossim-blas ships OpenBLAS for linux-x86_64 only: there it must load; elsewhere auto falls back (not tested here). */
    @org.junit.jupiter.api.BeforeAll
    static void onTheShippedPlatform() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.bytedeco.javacpp.Loader.getPlatform().equals("linux-x86_64"),
                "OpenBLAS binaries are shipped for linux-x86_64 only");
    }

    private static TileKernel choose(String name, List<String> log) {
        return Kernels.choose(name, log::add);
    }

    /**
     * Auto takes OpenBLAS unless its kernels are narrower than the Vector API's: known before loading when
     * OPENBLAS_CORETYPE names them (this project's CI sets Haswell), else from the kernels OpenBLAS picked.
     */
    @Test
    void autoPassesOverNarrowerNativeKernels() {
        List<String> log = new ArrayList<>();
        TileKernel k = choose("auto", log);
        assertEquals(1, log.size(), "one log line");
        int vector = Kernels.vectorApiBits();
        Kernels.Width before = new BlasKernelProvider().widthBeforeLoading();
        int nativeBits = before.bits() > 0 ? before.bits() : OpenBlas.coreBits(OpenBlas.get().core());
        if (Kernels.vectorApiWider(nativeBits, vector)) {
            assertEquals("vector", k.name());
            String basis = before.bits() > 0 ? before.basis() : new BlasTileKernel().describe();
            assertEquals("kernel: vector (auto: blas passed over: " + basis + " (" + nativeBits + "-bit), narrower than the"
                    + " Vector API's; " + vector + "-bit Vector API)", log.getFirst());
        } else {
            assertInstanceOf(BlasTileKernel.class, k);
            assertTrue(log.getFirst().startsWith("kernel: blas (auto: native library loaded; OpenBLAS "), log.getFirst());
            assertEquals(1, OpenBlas.get().threads(), "OpenBLAS runs one thread per call");
        }
    }

    @Test
    void widthsOfOpenBlasKernelsByName() {
        assertEquals(512, OpenBlas.coreBits("SkylakeX"));
        assertEquals(512, OpenBlas.coreBits("COOPERLAKE"));
        assertEquals(512, OpenBlas.coreBits("SapphireRapids"));
        assertEquals(256, OpenBlas.coreBits("Haswell"));
        assertEquals(256, OpenBlas.coreBits("zen"));
        assertEquals(128, OpenBlas.coreBits("Nehalem"));
        assertEquals(0, OpenBlas.coreBits("Neoverse"));
        assertEquals(0, OpenBlas.coreBits(null));
        assertEquals(new Kernels.Width(256, "OPENBLAS_CORETYPE=Haswell selects its Haswell kernels"), BlasKernelProvider.widthOf("Haswell"));
        assertEquals(Kernels.Width.UNKNOWN, BlasKernelProvider.widthOf(null));
        assertEquals(Kernels.Width.UNKNOWN, BlasKernelProvider.widthOf("Armv8"));
        // The kernels OpenBLAS runs here have a known width (x86-64).
        assertTrue(new BlasTileKernel().vectorBits() > 0, OpenBlas.get().core());
    }

    @Test
    void onlyKnownNarrowerKernelsArePassedOver() {
        assertTrue(Kernels.vectorApiWider(256, 512));
        assertFalse(Kernels.vectorApiWider(512, 512));
        assertFalse(Kernels.vectorApiWider(512, 256));
        assertFalse(Kernels.vectorApiWider(0, 512)); // unknown: load and ask
        assertFalse(Kernels.vectorApiWider(256, 0)); // no Vector API
    }

    @Test
    void explicitChoicesAreHonoured() {
        List<String> log = new ArrayList<>();
        assertInstanceOf(ScalarTileKernel.class, choose("scalar", log));
        assertEquals("vector", choose("vector", log).name());
        assertInstanceOf(BlasTileKernel.class, choose("blas", log));
        assertEquals("kernel: scalar (requested)", log.get(0));
        assertTrue(log.get(1).startsWith("kernel: vector (requested"), log.get(1));
        assertTrue(log.get(2).startsWith("kernel: blas (requested; OpenBLAS"), log.get(2));
    }
}
