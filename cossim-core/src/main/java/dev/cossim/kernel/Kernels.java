package dev.cossim.kernel;

import dev.cossim.ParameterException;

import java.util.Locale;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Chooses the tile kernel once at start-up, like Lucene's VectorizationProvider: {@code auto} takes a native BLAS
 * kernel when one is on the classpath and loads, else the Vector API kernel when the jdk.incubator.vector module is
 * enabled, else the scalar one, and says which and why.
 */
public final class Kernels {
    private Kernels() {
    }

    /** A kernel supplied by another module (native BLAS, GPU) through {@link ServiceLoader}. */
    public interface Provider {
        String name();

        /** The kernel, or null with {@code why} told the reason it cannot run here. */
        TileKernel create(Consumer<String> why);
    }

    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The kernel named (auto, blas, vector, scalar); {@code log} receives one line saying which runs and why. */
    public static TileKernel choose(String name, Consumer<String> log) {
        String n = name == null ? "auto" : name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "scalar" -> {
                log.accept("kernel: scalar (requested)");
                return new ScalarTileKernel();
            }
            case "vector" -> {
                if (!vectorApiAvailable()) {
                    throw new ParameterException("kernel", "vector", "the Vector API is not enabled; run java with --add-modules jdk.incubator.vector");
                }
                log.accept("kernel: vector (requested; " + VectorTileKernel.lanes() * 32 + "-bit vectors)");
                return vector();
            }
            case "auto" -> {
                StringBuilder why = new StringBuilder();
                for (Provider p : ServiceLoader.load(Provider.class)) {
                    TileKernel k = p.create(reason -> why.append(p.name()).append(" unavailable: ").append(reason).append("; "));
                    if (k != null) {
                        log.accept("kernel: " + k.name() + " (auto: native library loaded; " + k.describe() + ")");
                        return k;
                    }
                }
                if (vectorApiAvailable()) {
                    log.accept("kernel: vector (auto: " + why + VectorTileKernel.lanes() * 32 + "-bit Vector API)");
                    return vector();
                }
                log.accept("kernel: scalar (auto: " + why + "Vector API not enabled; add --add-modules jdk.incubator.vector for a much faster kernel)");
                return new ScalarTileKernel();
            }
            default -> {
                for (Provider p : ServiceLoader.load(Provider.class)) {
                    if (p.name().equals(n)) {
                        StringBuilder why = new StringBuilder();
                        TileKernel k = p.create(why::append);
                        if (k == null) {
                            throw new ParameterException("kernel", n, why.toString());
                        }
                        log.accept("kernel: " + k.name() + " (requested; " + k.describe() + ")");
                        return k;
                    }
                }
                throw new ParameterException("kernel", n, "unknown or not on the classpath (choose auto, vector, scalar"
                        + (n.equals("blas") ? "; the blas kernel needs the cossim-blas module" : "") + ")");
            }
        }
    }

    /** Loaded reflectively so that this class never links against the incubator module when it is absent. */
    private static TileKernel vector() {
        try {
            return (TileKernel) Class.forName("dev.cossim.kernel.VectorTileKernel").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load the Vector API kernel", e);
        }
    }
}
