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

    /** A matrix held in memory (row-major float32, {@code rows x dim}), with no file and no vocabulary. */
    public static EmbeddingModel ofRows(float[] data, int rows, int dim) {
        if (rows < 0 || dim < 1 || (long) rows * dim != data.length) {
            throw new IllegalArgumentException(data.length + " floats are not " + rows + " rows of " + dim);
        }
        Tensor t = new Tensor("memory", "matrix", DType.F32, new long[]{rows, dim},
                java.lang.foreign.MemorySegment.ofArray(data.clone()), java.nio.ByteOrder.nativeOrder());
        return new EmbeddingModel("in-memory matrix", null, t, Vocabulary.none());
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }
}
