package dev.cossim.engine;

import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.TileKernel;
import dev.cossim.kernel.VectorTileKernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one place that decides, once per JVM, which vectorised code runs, in the manner of Lucene's
 * {@code VectorizationProvider}: the dot-product tile kernel (through the kernel {@link java.util.ServiceLoader}:
 * OpenBLAS today, a GPU later; else the Vector API kernel; else scalar), the fused summary pass (Vector API when
 * the jdk.incubator.vector module is enabled, else scalar), the query block pass (plain loops: the Vector API one
 * matched them once compiled but lost more while warming up than it saved), and the JIT warm-up that compiles the
 * summary pass on a side thread while reducers take the scalar pass. Callers ask it; no class keeps its own flag.
 */
public final class Vectorization {
    private static final Vectorization PROVIDER = new Vectorization(Kernels.vectorApiAvailable());

    private final boolean vectorApi;
    private final AtomicBoolean summaryWarmUpStarted = new AtomicBoolean();
    /** False while the summary pass's warm-up runs and has not yet seen it at compiled speed. */
    private volatile boolean summaryPassReady = true;

    private Vectorization(boolean vectorApi) {
        this.vectorApi = vectorApi;
    }

    /** The provider of this JVM. */
    public static Vectorization get() {
        return PROVIDER;
    }

    /** Whether the jdk.incubator.vector module is enabled (the Vector API passes and kernel can run). */
    public boolean vectorApi() {
        return vectorApi;
    }

    /** One line: what runs and why. */
    public String describe() {
        return vectorApi
                ? "vectorization: Vector API (" + VectorTileKernel.lanes() * 32 + "-bit) fused summary pass, plain-loop query block pass"
                : "vectorization: scalar passes (the jdk.incubator.vector module is not enabled: add --add-modules jdk.incubator.vector)";
    }

    /** The dot-product kernel by name (auto, blas, vector, scalar); {@code log} is told the one line saying which and why. */
    public TileKernel dotKernel(String name, Consumer<String> log) {
        return Kernels.choose(name, log);
    }

    /** Whether the fused summary pass should be the Vector API one. */
    public boolean vectorSummaryPass() {
        return vectorApi;
    }

    /** Whether the query block pass should be the Vector API one (no: see the class comment). */
    public boolean vectorBlockPass() {
        return false;
    }

    /** Runs a warm-up of other hot loops (the query scan) on a side thread while the caller reads its input. */
    public void warmUp(Runnable warmUp) {
        JitWarmUp.inBackground(warmUp);
    }

    /** Whether reducers should take the vector summary pass now: false while its warm-up is compiling it. */
    public boolean summaryPassReady() {
        return summaryPassReady;
    }

    /**
     * Runs {@code warmUp} (the summary pass on synthetic tiles) once per JVM on a side thread; until it returns,
     * {@link #summaryPassReady} says false and reducers take the scalar pass. Nothing runs without the Vector API.
     */
    public void warmUpSummaryPass(Runnable warmUp) {
        if (!vectorApi || !summaryWarmUpStarted.compareAndSet(false, true)) {
            return;
        }
        // Not ready from now on (not from when the thread starts), so that awaitSummaryPass cannot slip through.
        summaryPassReady = false;
        if (!JitWarmUp.inBackground(() -> {
            try {
                warmUp.run();
            } finally {
                summaryPassDone();
            }
        })) {
            summaryPassDone();
        }
    }

    private synchronized void summaryPassDone() {
        summaryPassReady = true;
        notifyAll();
    }

    /**
     * Waits until a running warm-up of the summary pass has finished (at once when none runs): a run whose results
     * must not depend on timing (a checkpointed one) then feeds every tile through the one vector pass, whose sums
     * the scalar pass would round differently.
     */
    public synchronized void awaitSummaryPass() {
        while (!summaryPassReady) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted");
            }
        }
    }
}
