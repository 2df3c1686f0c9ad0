package dev.cossim.spark;

import dev.cossim.engine.Vectorization;
import dev.cossim.kernel.TileKernel;

import java.util.concurrent.ConcurrentHashMap;

/** One tile kernel per executor JVM and name: kernels are not serializable, so each executor chooses its own. */
final class ExecutorKernels {
    private static final ConcurrentHashMap<String, TileKernel> KERNELS = new ConcurrentHashMap<>();

    private ExecutorKernels() {
    }

    /** The kernel of that name, as this executor chose it. */
    static TileKernel get(String name) {
        return KERNELS.computeIfAbsent(name,
                key -> Vectorization.get().dotKernel(name, line -> System.err.println("cossim executor " + line)));
    }
}
