package dev.cossim.options;

import picocli.CommandLine.Option;

/** {@code --kernel}: the tile kernel, as the CLI and every Spark executor choose it. */
public final class KernelOption {
    @Option(names = "--kernel", paramLabel = "KIND", defaultValue = "auto",
            description = "Tile kernel: auto, blas, vector, scalar. Default: ${DEFAULT-VALUE} (blas where OpenBLAS loads, else vector, else scalar).")
    public String kernel = "auto";
}
