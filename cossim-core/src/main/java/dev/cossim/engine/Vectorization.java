package dev.cossim.engine;

import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.TileKernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
    /**
     * True once a warm-up has run the summary pass at compiled speed (or given up after its time limit); before that
     * reducers take the scalar pass. A JVM that never started a warm-up (runs too small to pay for one) keeps the
     * scalar pass: the uncompiled vector pass runs tens of times slower than either compiled pass.
     */
    private volatile boolean summaryPassReady;
    /** True while a warm-up of the summary pass runs. */
    private boolean summaryWarmUpRunning;
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
                ? "vectorization: Vector API (" + Kernels.vectorApiBits() + "-bit) fused summary pass, plain-loop query block pass"
                : "vectorization: scalar passes (the jdk.incubator.vector module is not enabled: add --add-modules jdk.incubator.vector)";
    }

    /**
     * The dot-product kernel by name (auto, blas, vector, scalar); {@code log} is told the one line saying which and why.
     * Chosen once per JVM and name (kernels are stateless and shared by threads), so a choice {@link #preloadDotKernel}
     * started in the background is taken over here, its line told again.
     */
    public TileKernel dotKernel(String name, Consumer<String> log) {
        KernelChoice c = kernelChoice(name).join();
        c.lines.forEach(log);
        switch (c.error) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(c.error);
        }
        return c.kernel;
    }

    /**
     * Starts choosing (and loading: OpenBLAS takes about 0.3 s to load) the kernel of that name on a side thread, so
     * that it is ready when {@link #dotKernel} asks for it; a caller that knows early which kernel it will need (the
     * command line, before it parses its arguments) calls this first.
     */
    public void preloadDotKernel(String name) {
        kernelChoice(name);
    }

    private final ConcurrentHashMap<String, CompletableFuture<KernelChoice>> kernels = new ConcurrentHashMap<>();

    /** A kernel choice: the kernel and the lines said about it, or the error it ended in (a bad name, say). */
    private record KernelChoice(TileKernel kernel, List<String> lines, Throwable error) {
    }

    private CompletableFuture<KernelChoice> kernelChoice(String name) {
        String n = name == null ? "auto" : name.toLowerCase(Locale.ROOT);
        return kernels.computeIfAbsent(n, k -> {
            CompletableFuture<KernelChoice> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                List<String> lines = new ArrayList<>();
                try {
                    f.complete(new KernelChoice(Kernels.choose(n, lines::add), List.copyOf(lines), null));
                } catch (Throwable e) {
                    f.complete(new KernelChoice(null, List.copyOf(lines), e));
                }
            }, "cossim-kernel-" + n);
            t.setDaemon(true);
            t.start();
            return f;
        });
    }

    /** Whether the fused summary pass should be the Vector API one. */
    public boolean vectorSummaryPass() {
        return vectorApi;
    }

    /** Whether the query block pass should be the Vector API one (no: see the class comment). */
    public boolean vectorBlockPass() {
        return false;
    }

    /**
     * Whether reducers should take the vector summary pass now: only after a warm-up has compiled it (see
     * {@link #warmUpSummaryPass}); without one, and while it runs, the scalar pass.
     */
    public boolean summaryPassReady() {
        return summaryPassReady;
    }

    /**
     * Runs {@code warmUp} (the summary pass on synthetic tiles) once per JVM on a side thread; when it returns,
     * {@link #summaryPassReady} says true and reducers take the vector pass. Nothing runs without the Vector API.
     */
    public void warmUpSummaryPass(Runnable warmUp) {
        if (!vectorApi || !summaryWarmUpStarted.compareAndSet(false, true)) {
            return;
        }
        // Running from now on (not from when the thread starts), so that awaitSummaryPass cannot slip through.
        synchronized (this) {
            summaryWarmUpRunning = true;
        }
        if (!JitWarmUp.inBackground(() -> {
            try {
                warmUp.run();
            } finally {
                summaryPassDone(true);
            }
        })) {
            // One core: no side thread to compile it on; a run large enough to ask for a warm-up compiles the vector
            // pass on its own tiles, as it did before warm-ups.
            summaryPassDone(true);
        }
    }

    private synchronized void summaryPassDone(boolean ready) {
        summaryWarmUpRunning = false;
        summaryPassReady = ready;
        notifyAll();
    }

    /**
     * Waits until a running warm-up of the summary pass has finished (at once when none runs): a run whose results
     * must not depend on timing (a checkpointed one) then feeds every tile through one pass (the vector one after a
     * warm-up, else the scalar one), where the two would round the sums differently.
     */
    public synchronized void awaitSummaryPass() {
        while (summaryWarmUpRunning) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted");
            }
        }
    }
}
