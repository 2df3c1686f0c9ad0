package dev.cossim.source;

import dev.cossim.vocab.Vocabulary;

/**
 * A token-embedding matrix ready for analysis: the 2-D tensor, the file it came from, and its vocabulary
 * ({@link Vocabulary#none()} when the source has none).
 */
public record EmbeddingModel(String description, TensorFile file, Tensor matrix, Vocabulary vocabulary) implements AutoCloseable {
    public int rows() {
        return Math.toIntExact(matrix.rows());
    }

    public int dim() {
        return (int) matrix.rowLength();
    }

    @Override
    public void close() {
        file.close();
    }
}
