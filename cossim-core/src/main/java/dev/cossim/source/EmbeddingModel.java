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

    /**
     * What about this model is accepted but may not be what was meant, one line each, naming the file: a vocabulary
     * with fewer tokens than the matrix has rows (models often pad their embedding rows to a multiple of 64 or 128;
     * the rows past the vocabulary are kept and shown as {@code <id N>}), or with more (ids past the rows have no
     * vector). Whoever opens a model tells its user (the CLI prints each as a warning; {@code Analysis} tells its
     * warnings consumer when it opens the model itself).
     */
    public java.util.List<String> warnings() {
        int tokens = vocabulary == null ? Integer.MAX_VALUE : vocabulary.size();
        long rows = matrix.rows();
        if (vocabulary == Vocabulary.none() || tokens == Integer.MAX_VALUE || tokens == rows) {
            return java.util.List.of();
        }
        String where = vocabulary.origin() != null ? vocabulary.origin() : description;
        String what = tokens < rows
                ? String.format(java.util.Locale.ROOT, "%,d tokens for the %,d rows of tensor '%s': rows %,d to %,d have no token "
                + "and are shown as <id N> (models often pad their embedding rows)", tokens, rows, matrix.name(), tokens, rows - 1)
                : String.format(java.util.Locale.ROOT, "%,d tokens for the %,d rows of tensor '%s': ids %,d to %,d have no vector",
                tokens, rows, matrix.name(), rows, tokens - 1);
        return java.util.List.of(where + ": " + what);
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
