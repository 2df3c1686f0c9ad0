package dev.cossim.cli;

import dev.cossim.ParameterException;
import dev.cossim.source.DType;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.source.GgufWriter;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A model's token embeddings and vocabulary as a GGUF file, the way llama.cpp's converter lays them out
 * ({@code token_embd.weight}, {@code tokenizer.ggml.tokens}; a WordPiece vocabulary in its '▁' spelling), for
 * examples and tests of the GGUF reader.
 */
@Command(name = "write-gguf", hidden = true,
        description = "Writes a model's token embeddings (F32, F16 or Q8_0) and vocabulary as a GGUF file, for examples and tests.")
final class WriteGgufCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
    List<String> args = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE")
    Path out;

    @Option(names = "--type", defaultValue = "q8_0", description = "f32, f16 or q8_0 (default: ${DEFAULT-VALUE}).")
    String type;

    @Override
    public Integer call() {
        DType t = switch (type.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "q8_0" -> DType.Q8_0;
            default -> throw new ParameterException("type", type, "choose f32, f16 or q8_0");
        };
        try (EmbeddingModel m = openModel(modelOf(args, 0, "[MODEL]"))) {
            Map<String, Object> meta = new LinkedHashMap<>();
            Vocabulary v = m.vocabulary();
            boolean hasVocabulary = v.size() != Integer.MAX_VALUE;
            String[] tokens = hasVocabulary ? new String[v.size()] : null;
            boolean wordPiece = false, byteLevel = false;
            for (int i = 0; hasVocabulary && i < tokens.length; i++) {
                String raw = v.rawToken(i);
                wordPiece |= raw != null && raw.startsWith("##");
                byteLevel |= raw != null && !raw.equals(v.token(i));
            }
            if (wordPiece) {
                meta.put("general.architecture", "bert");
            }
            meta.put("general.name", m.description());
            if (hasVocabulary) {
                for (int i = 0; i < tokens.length; i++) {
                    String raw = v.rawToken(i);
                    tokens[i] = raw == null ? "" : wordPiece ? phantomSpace(raw) : raw;
                }
                meta.put("tokenizer.ggml.model", wordPiece ? "bert" : byteLevel ? "gpt2" : "llama");
                meta.put("tokenizer.ggml.tokens", tokens);
            }
            GgufWriter.write(out, "token_embd.weight", m.matrix(), t, meta);
            out().printf(Locale.ROOT, "wrote %s: token_embd.weight %s [%d, %d]%s%n", out, t, m.rows(), m.dim(),
                    hasVocabulary ? ", " + tokens.length + " tokens" : "");
        }
        return 0;
    }

    /** llama.cpp's BERT vocabulary: '▁' before a word start, a continuation without its '##', [CLS]-style as is. */
    static String phantomSpace(String token) {
        if (token.startsWith("[") && token.endsWith("]")) {
            return token;
        }
        return token.startsWith("##") ? token.substring(2) : "\u2581" + token;
    }
}
