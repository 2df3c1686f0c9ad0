package dev.cossim.engine;

import dev.cossim.kernel.TileKernel;

import java.util.Random;

/**
 * Has C2 compile the all-pairs path of the Vector API tile kernel (a row block prepared once, its diagonal tile and
 * tiles against other rows) on a side thread, while the tiles' threads wait ({@link #await}). Uncompiled, its
 * micro-kernel runs tens of times slower (every vector a heap object): an all-pairs run whose threads met it so spent
 * about the first second of its tiles running it interpreted, and C2 had it about 1.1 s after the first tile.
 *
 * <p>C2 compiles a method after about 600 calls and 15,000 calls and loop turns together. So 19 calls in 20 are
 * shallow (one depth block of 16: there with a fraction of the uncompiled vector operations that full tiles take) and
 * every 20th is deep (two depth blocks, the second adding, and rows and columns that leave edges: every path the tiles
 * take, so that C2 compiles none of them as never taken); the calls stop when a deep one runs under
 * {@link #COMPILED_DEEP_CALL_NANOS}, which it does once the micro-kernels run compiled, or after {@link #MAX_CALLS}.
 * Measurements: docs/performance.md, "Start-up".
 */
public final class KernelWarmUp {
    private KernelWarmUp() {
    }

    /** A deep call (about 190,000 products) faster than this ran its micro-kernels compiled (3 billion a second). */
    static final long COMPILED_DEEP_CALL_NANOS = 60_000;
    /** The most calls a warm-up makes, should the JIT not compile the kernel (a few seconds uncompiled). */
    static final int MAX_CALLS = 6000;
    /** The longest {@link #await} waits. */
    static final long MAX_WAIT_MS = 3000;

    /** Calls {@code shallow}, and every 20th time {@code deep} instead, until a deep call is fast or {@link #MAX_CALLS}. */
    public static void untilCompiled(Runnable shallow, Runnable deep) {
        for (int i = 0; i < MAX_CALLS; i++) {
            if (i % 20 == 0) {
                long t = System.nanoTime();
                deep.run();
                if (System.nanoTime() - t < COMPILED_DEEP_CALL_NANOS) {
                    return;
                }
            } else {
                shallow.run();
            }
        }
    }

    /**
     * Starts the warm-up of the kernel {@code kernelName} chooses on a side thread, once per JVM and name
     * ({@link JitWarmUp#startOnce}). Only the Vector API kernel has anything to compile (OpenBLAS's is native; the
     * plain-Java one compiles quickly on its own); on one core nothing starts.
     */
    public static void rowBlocksInBackground(String kernelName) {
        String name = name(kernelName);
        JitWarmUp.startOnce(key(name), () -> {
            TileKernel kernel = Vectorization.get().dotKernel(name, line -> { });
            if (kernel.name().equals("vector")) {
                rowBlocks(kernel);
            }
        });
    }

    /**
     * Waits (at most {@link #MAX_WAIT_MS}) for the warm-up of {@code kernelName} started before, if one runs; returns
     * the seconds waited.
     */
    public static double await(String kernelName) {
        return JitWarmUp.await(key(name(kernelName)), MAX_WAIT_MS);
    }

    /**
     * The all-pairs path of {@code kernel} until it runs compiled. Deep calls: 13 rows (two slivers of 6 and an edge
     * row) against themselves and against 70 and 19 columns (edges at either vector width), depth 144; shallow: 12 rows
     * against themselves and 64 columns, depth 16.
     */
    static void rowBlocks(TileKernel kernel) {
        Random r = new Random(3);
        float[] a = gaussian(r, 13 * 144), b = gaussian(r, 70 * 144);
        float[] out = new float[13 * 70];
        untilCompiled(() -> {
            TileKernel.RowBlock rows = kernel.rowBlock(a, 0, 12, 16);
            rows.dotsSelf(a, 0, 12, out);
            rows.dots(b, 0, 64, out);
        }, () -> {
            TileKernel.RowBlock rows = kernel.rowBlock(a, 0, 13, 144);
            rows.dotsSelf(a, 0, 13, out);
            rows.dots(b, 0, 70, out);
            rows.dots(b, 0, 19, out);
        });
    }

    private static String name(String kernelName) {
        return kernelName == null ? "auto" : kernelName.toLowerCase(java.util.Locale.ROOT);
    }

    private static String key(String name) {
        return "kernel row blocks/" + name;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
