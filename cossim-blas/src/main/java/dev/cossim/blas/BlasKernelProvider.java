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
