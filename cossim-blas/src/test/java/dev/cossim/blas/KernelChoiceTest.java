package dev.cossim.blas;

import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With cossim-blas on the classpath and OpenBLAS loading, auto picks it; explicit choices are honoured. */
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

    @Test
    void autoPicksBlasWhereTheNativeLibraryLoads() {
        List<String> log = new ArrayList<>();
        TileKernel k = choose("auto", log);
        assertInstanceOf(BlasTileKernel.class, k);
        assertEquals(1, log.size(), "one log line");
        assertTrue(log.getFirst().startsWith("kernel: blas (auto: native library loaded; OpenBLAS "), log.getFirst());
        assertEquals(1, OpenBlas.get().threads(), "OpenBLAS runs one thread per call");
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
