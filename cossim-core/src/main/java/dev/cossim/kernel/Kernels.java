package dev.cossim.kernel;

import dev.cossim.ParameterException;

import java.util.Locale;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Chooses the tile kernel once at start-up, like Lucene's VectorizationProvider: {@code auto} takes a native BLAS
 * kernel when one is on the classpath and loads, else the Vector API kernel when the jdk.incubator.vector module is
 * enabled, else the scalar one, and says which and why. It passes over a native kernel whose vectors are narrower than
 * the Vector API's (OpenBLAS's 256-bit Haswell kernels on a CPU where the JVM runs 512-bit vectors): there the Vector
 * API kernel computes all-pairs tiles and a search's scan faster (docs/performance.md, "Choosing the tile kernel").
 */
public final class Kernels {
    private Kernels() {
    }

    /** A kernel supplied by another module (native BLAS, GPU) through {@link ServiceLoader}. */
    public interface Provider {
        String name();

        /** The kernel, or null with {@code why} told the reason it cannot run here. */
        TileKernel create(Consumer<String> why);

        /**
         * The vector width of the code {@link #create} would run, when the provider can tell it without loading
         * anything (bits 0 when it cannot), and how it knows.
         */
        default Width widthBeforeLoading() {
            return Width.UNKNOWN;
        }
    }

    /** A SIMD width in bits (0: unknown) and what it was read from, for the kernel line. */
    public record Width(int bits, String basis) {
        public static final Width UNKNOWN = new Width(0, "");
    }

    /**
     * The Vector API's width in bits in this JVM, 0 when the module is not enabled (VectorTileKernel is then never
     * linked: the JVM resolves it on the first call that reaches it).
     */
    public static int vectorApiBits() {
        return vectorApiAvailable() ? VectorTileKernel.lanes() * 32 : 0;
    }

    /**
     * Whether {@code auto} passes over a native kernel of {@code nativeBits} for the Vector API's {@code vectorBits}:
     * when the native vectors are known and narrower (the measurements behind it: docs/performance.md, "Choosing the
     * tile kernel").
     */
    public static boolean vectorApiWider(int nativeBits, int vectorBits) {
        return nativeBits > 0 && vectorBits > nativeBits;
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
                log.accept("kernel: vector (requested; " + vectorApiBits() + "-bit vectors)");
                return vector();
            }
            case "auto" -> {
                StringBuilder why = new StringBuilder();
                int vectorBits = vectorApiBits();
                for (Provider p : ServiceLoader.load(Provider.class)) {
                    Width w = p.widthBeforeLoading();
                    if (vectorApiWider(w.bits(), vectorBits)) {
                        passedOver(why, p, w.basis(), w.bits());
                        continue;
                    }
                    TileKernel k = p.create(reason -> why.append(p.name()).append(" unavailable: ").append(reason).append("; "));
                    if (k != null && vectorApiWider(k.vectorBits(), vectorBits)) {
                        passedOver(why, p, k.describe(), k.vectorBits());
                    } else if (k != null) {
                        log.accept("kernel: " + k.name() + " (auto: native library loaded; " + k.describe() + ")");
                        return k;
                    }
                }
                if (vectorApiAvailable()) {
                    log.accept("kernel: vector (auto: " + why + vectorApiBits() + "-bit Vector API)");
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

    /** Tells {@code why} that auto passed over {@code p}'s kernels ({@code basis}: what they are) for narrower vectors. */
    private static void passedOver(StringBuilder why, Provider p, String basis, int bits) {
        why.append(p.name()).append(" passed over: ").append(basis).append(" (").append(bits).append("-bit), narrower than the Vector API's; ");
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
