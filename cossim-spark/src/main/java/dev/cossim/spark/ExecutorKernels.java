package dev.cossim.spark;

import dev.cossim.engine.Vectorization;
import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.TileKernel;

import java.util.concurrent.ConcurrentHashMap;

/** One tile kernel per executor JVM and name: kernels are not serializable, so each executor chooses its own. */
final class ExecutorKernels {
    private static final ConcurrentHashMap<String, TileKernel> KERNELS = new ConcurrentHashMap<>();

    private ExecutorKernels() {
    }

    /** The kernel for tile tasks. */
    static TileKernel get(String name) {
        return get(name, Kernels.Workload.TILES);
    }

    /** The kernel for {@code workload} (query tasks scan: see {@link Kernels.Workload}). */
    static TileKernel get(String name, Kernels.Workload workload) {
        return KERNELS.computeIfAbsent(name + "/" + workload,
                key -> Vectorization.get().dotKernel(name, workload, line -> System.err.println("cossim executor " + line)));
    }
}
