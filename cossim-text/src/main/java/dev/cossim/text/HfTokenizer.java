package dev.cossim.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;
import dev.cossim.source.DefaultModel;
import dev.cossim.vocab.TokenizerJsonCheck;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text to token ids with the real Hugging Face tokenizer (the Rust library, through DJL's JNI binding, whose native
 * code ships inside its Maven jar). Set to offline before DJL loads: it never contacts a network service.
 */
public final class HfTokenizer implements AutoCloseable {
    static {
        // DJL reads these as environment variables or system properties; without them it phones a metadata service.
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }

    private static final Map<String, String> OPTIONS = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final String origin;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, String origin) {
        this.tokenizer = tokenizer;
        this.origin = origin;
    }

    /**
     * The tokenizer of a tokenizer.json file. The file is checked in Java first ({@link TokenizerJsonCheck}): the
     * native library aborts the whole JVM on some valid-JSON files, so those never reach it.
     */
    public static HfTokenizer open(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw CossimException.inFile(tokenizerJson, "no such tokenizer file");
        }
        byte[] bytes;
        JsonNode root;
        try {
            bytes = Files.readAllBytes(tokenizerJson);
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw CossimException.inFile(tokenizerJson, "cannot read the tokenizer: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
        TokenizerJsonCheck.checkForTokenizing(tokenizerJson, root);
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), OPTIONS), tokenizerJson.toString());
        } catch (IOException | RuntimeException e) {
            throw CossimException.inFile(tokenizerJson, "cannot load the tokenizer: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
    }

    /** The tokenizer of the embedded default model (all-MiniLM-L6-v2's WordPiece). */
    public static HfTokenizer defaultModel() {
        try (InputStream in = DefaultModel.resource(DefaultModel.TOKENIZER_RESOURCE)) {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(in, OPTIONS), "classpath:" + DefaultModel.TOKENIZER_RESOURCE);
        } catch (IOException e) {
            throw new CossimException("cannot load the default tokenizer: " + e.getMessage(), e);
        }
    }

    public String origin() {
        return origin;
    }

    /** The tokens of {@code word} without special tokens ([CLS], [SEP], <s>...). */
    public WordPieces pieces(String word) {
        Encoding e = encode(word, false);
        List<Integer> ids = new ArrayList<>();
        for (long id : e.getIds()) {
            ids.add(Math.toIntExact(id));
        }
        return new WordPieces(word, ids, List.of(e.getTokens()));
    }

    /** Token ids of each text, without special tokens. */
    public long[] ids(String text) {
        return encode(text, false).getIds();
    }

    /** Token ids of a text as a model reads it: with the special tokens ([CLS] ... [SEP] for BERT models). */
    public long[] modelInput(String text) {
        return encode(text, true).getIds();
    }

    /** An error the native library reports while encoding (it checks some of a file only then) names the file. */
    private Encoding encode(String text, boolean special) {
        try {
            return tokenizer.encode(text, special, false);
        } catch (RuntimeException e) {
            throw CossimException.inFile(origin, "the tokenizer failed: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
