package dev.cossim.options;

import picocli.CommandLine.Option;

/** {@code --tensor}: which tensor of a model file to read. */
public final class TensorOption {
    @Option(names = "--tensor", paramLabel = "NAME", description = "Tensor to read (default: the token embeddings, found by name).")
    public String tensor;
}
