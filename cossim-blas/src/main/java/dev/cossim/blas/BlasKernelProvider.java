package dev.cossim.blas;

import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.TileKernel;

import java.util.function.Consumer;

/** Offers {@link BlasTileKernel} to {@link Kernels#choose} through {@link java.util.ServiceLoader}. */
public final class BlasKernelProvider implements Kernels.Provider {
    @Override
    public String name() {
        return "blas";
    }

    /**
     * Read from OPENBLAS_CORETYPE, which makes OpenBLAS run the kernels it names whatever the CPU: so {@code auto}
     * can pass over them without loading the library (about 0.3 s of CPU).
     */
    @Override
    public Kernels.Width widthBeforeLoading() {
        return widthOf(System.getenv("OPENBLAS_CORETYPE"));
    }

    static Kernels.Width widthOf(String coreType) {
        int bits = OpenBlas.coreBits(coreType);
        return bits == 0 ? Kernels.Width.UNKNOWN
                : new Kernels.Width(bits, "OPENBLAS_CORETYPE=" + coreType.trim() + " selects its " + coreType.trim() + " kernels");
    }

    @Override
    public TileKernel create(Consumer<String> why) {
        try {
            return new BlasTileKernel();
        } catch (RuntimeException | LinkageError e) {
            why.accept("OpenBLAS did not load (" + e.getMessage() + ")");
            return null;
        }
    }
}
