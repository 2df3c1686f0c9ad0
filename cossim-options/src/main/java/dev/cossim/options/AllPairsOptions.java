package dev.cossim.options;

import picocli.CommandLine.Option;

/** What an all-pairs run computes by default, declared alike by {@code cossim all-pairs} and {@code cossim-spark all-pairs}. */
public final class AllPairsOptions {
    @Option(names = "--bins", paramLabel = "N", defaultValue = "2000", description = "Histogram bins over [-1, 1] (or over --range where the command has it). Default: ${DEFAULT-VALUE}.")
    public int bins = 2000;

    @Option(names = {"-k", "--top-k"}, paramLabel = "K", defaultValue = "10", description = "Neighbours per row; 0 for none. Default: ${DEFAULT-VALUE}.")
    public int topK = 10;
}
