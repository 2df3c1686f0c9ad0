package dev.cossim.source;

import dev.cossim.vocab.Vocabulary;

import java.nio.file.Path;
import java.util.List;

/** An opened tensor container (safetensors, .npy, ONNX, ...): its tensor list, and each tensor on demand. */
public interface TensorFile extends AutoCloseable {
    /** Where the tensors come from (a file, a directory, a jar resource). */
    String origin();

    List<TensorInfo> tensors();

    /** The named tensor, memory-mapped where the format allows; a one-line error naming the file when absent. */
    Tensor tensor(String name);

    /** Directory the file sits in, where a vocabulary may sit beside it; null when the source is not a file. */
    default Path directory() {
        return null;
    }

    /** The vocabulary the file itself holds (a GGUF file's tokens), or null: then one is looked for beside it. */
    default Vocabulary vocabulary() {
        return null;
    }

    /** The mapped file the tensors are slices of, for positional reads of them; null when there is none. */
    default MappedFile mappedFile() {
        return null;
    }

    @Override
    void close();
}
