package dev.cossim.vocab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads a vocabulary from tokenizer.json (WordPiece, BPE, WordLevel, Unigram) or vocab.txt (one token a line). */
public final class VocabularyFiles {
    /** Made on the first tokenizer.json read: looking for a vocabulary beside a model that has none needs no mapper. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private VocabularyFiles() {
    }

    /** A tokenizer.json or vocab.txt file, chosen by its name (.json vs anything else). */
    public static Vocabulary read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw CossimException.inFile(path, "no such vocabulary file");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return path.getFileName().toString().endsWith(".json") ? fromTokenizerJson(path.toString(), in) : fromVocabTxt(path.toString(), in);
        } catch (IOException e) {
            throw CossimException.inFile(path, "cannot read: " + e.getMessage());
        }
    }

    /** The vocabulary beside a model file: tokenizer.json, else vocab.txt, else none. */
    public static Vocabulary besides(Path dir) {
        if (dir == null) {
            return null;
        }
        for (String name : List.of("tokenizer.json", "vocab.txt")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return read(p);
            }
        }
        return null;
    }

    public static Vocabulary fromVocabTxt(String origin, InputStream in) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        String[] tokens = new String[lines.size()];
        for (int i = 0; i < tokens.length; i++) {
            String t = lines.get(i);
            tokens[i] = t.endsWith("\r") ? t.substring(0, t.length() - 1) : t;
        }
        if (tokens.length == 0) {
            throw CossimException.inFile(origin, "vocabulary file is empty");
        }
        return new TokenVocabulary(tokens, false).withOrigin(origin);
    }

    public static Vocabulary fromTokenizerJson(String origin, InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw CossimException.inFile(origin, "not valid JSON: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || model.get("vocab") == null) {
            throw CossimException.inFile(origin, "tokenizer.json has no model.vocab");
        }
        TokenizerJsonCheck.checkForVocabulary(origin, root);
        JsonNode vocab = model.get("vocab");
        List<Map.Entry<String, Integer>> pairs = new ArrayList<>();
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                var e = it.next();
                pairs.add(Map.entry(e.getKey(), id(origin, e.getKey(), e.getValue())));
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], id = position
            for (int i = 0; i < vocab.size(); i++) {
                JsonNode piece = vocab.get(i).get(0);
                if (piece == null || !piece.isTextual()) {
                    throw CossimException.inFile(origin, "tokenizer.json model.vocab entry " + i + " is not a [piece, score] pair");
                }
                pairs.add(Map.entry(piece.asText(), i));
            }
        } else {
            throw CossimException.inFile(origin, "tokenizer.json model.vocab is neither an object nor an array");
        }
        JsonNode added = root.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode a : added) {
                if (a.has("id") && a.has("content")) {
                    if (!a.get("content").isTextual()) {
                        throw CossimException.inFile(origin, "tokenizer.json has an added token whose content is not a string");
                    }
                    String content = a.get("content").asText();
                    pairs.add(Map.entry(content, id(origin, content, a.get("id"))));
                }
            }
        }
        int max = -1;
        for (var p : pairs) {
            max = Math.max(max, p.getValue());
        }
        // Ids index an array: one past what the file could list (a token takes more than a byte) is a wrong id,
        // refused before the array is made.
        if (max >= bytes.length) {
            throw CossimException.inFile(origin, "tokenizer.json has token id " + max + ", more ids than a file of "
                    + bytes.length + " bytes can list");
        }
        String[] tokens = new String[max + 1];
        for (var p : pairs) {
            tokens[p.getValue()] = p.getKey();
        }
        return new TokenVocabulary(tokens, isByteLevel(root)).withOrigin(origin);
    }

    private static int id(String origin, String token, JsonNode id) {
        if (id == null || !id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
            throw CossimException.inFile(origin, "tokenizer.json gives '" + token + "' the id " + id + ", not a non-negative integer");
        }
        return id.asInt();
    }

    /** GPT-2 style: a ByteLevel pre-tokenizer or decoder anywhere in the pipeline. */
    static boolean isByteLevel(JsonNode root) {
        for (String part : List.of("pre_tokenizer", "decoder")) {
            JsonNode n = root.get(part);
            if (n != null && n.toString().contains("\"ByteLevel\"")) {
                return true;
            }
        }
        return false;
    }
}
