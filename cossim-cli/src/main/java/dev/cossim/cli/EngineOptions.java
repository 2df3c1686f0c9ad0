package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.Analysis;
import dev.cossim.kernel.TileKernel;
import dev.cossim.options.KernelOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** How similarity work runs, shared by every command that computes it: the tile kernel and the worker threads. */
final class EngineOptions {
    @Mixin
    KernelOption kernel = new KernelOption();

    /** The --kernel name: auto, blas, vector, scalar. */
    String kernelName() {
        return kernel.kernel;
    }

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new CossimException("--threads " + t + ": must be at least 1");
        }
        return t;
    }

    /** The chosen kernel; with --verbose, the one line saying which runs and why goes to {@code log}. */
    TileKernel kernel(PrintWriter log) {
        return Analysis.chooseKernel(kernelName(), kernelLog(log));
    }

    /** Where the kernel line goes: {@code log} with --verbose, else nowhere. */
    static java.util.function.Consumer<String> kernelLog(PrintWriter log) {
        return Main.verbose ? log::println : line -> {
        };
    }
}
