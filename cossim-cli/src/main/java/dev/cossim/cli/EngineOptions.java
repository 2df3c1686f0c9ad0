package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.Analysis;
import dev.cossim.kernel.TileKernel;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** How similarity work runs, shared by every command that computes it: the tile kernel and the worker threads. */
final class EngineOptions {
    @Option(names = "--kernel", paramLabel = "KIND", defaultValue = "auto",
            description = "Tile kernel: auto, blas, vector, scalar. Default: ${DEFAULT-VALUE} (blas where OpenBLAS loads, else vector, else scalar).")
    String kernelName;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new CossimException("--threads " + t + ": must be at least 1");
        }
        return t;
    }

    /** The chosen kernel; the one line saying which runs and why goes to {@code log}. */
    TileKernel kernel(PrintWriter log) {
        return Analysis.chooseKernel(kernelName, log::println);
    }
}
