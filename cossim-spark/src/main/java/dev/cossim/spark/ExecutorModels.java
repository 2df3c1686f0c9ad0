package dev.cossim.spark;

import dev.cossim.source.EmbeddingModel;
import dev.cossim.query.CorpusModel;
import dev.cossim.source.Tensor;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Model files opened on an executor, once per JVM: the tensor is memory-mapped, so every task of the executor reads
 * its panels through the same mapping and the OS page cache. They stay open until the executor exits.
 */
final class ExecutorModels {
    private static final ConcurrentHashMap<String, EmbeddingModel> OPEN = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    static Tensor matrix(String path, String tensor) {
        return OPEN.computeIfAbsent(path + "\u0000" + tensor, k -> CorpusModel.open(path, tensor, null, null, null)).matrix();
    }
}
