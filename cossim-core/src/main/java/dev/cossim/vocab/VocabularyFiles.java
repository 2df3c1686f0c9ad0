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
    private static final ObjectMapper JSON = new ObjectMapper();

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
        return new TokenVocabulary(tokens, false);
    }

    public static Vocabulary fromTokenizerJson(String origin, InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw CossimException.inFile(origin, "not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || model.get("vocab") == null) {
            throw CossimException.inFile(origin, "tokenizer.json has no model.vocab");
        }
        JsonNode vocab = model.get("vocab");
        int max = -1;
        List<Map.Entry<String, Integer>> pairs = new ArrayList<>();
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                var e = it.next();
                pairs.add(Map.entry(e.getKey(), e.getValue().asInt()));
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], id = position
            for (int i = 0; i < vocab.size(); i++) {
                pairs.add(Map.entry(vocab.get(i).get(0).asText(), i));
            }
        } else {
            throw CossimException.inFile(origin, "tokenizer.json model.vocab is neither an object nor an array");
        }
        JsonNode added = root.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode a : added) {
                if (a.has("id") && a.has("content")) {
                    pairs.add(Map.entry(a.get("content").asText(), a.get("id").asInt()));
                }
            }
        }
        for (var p : pairs) {
            if (p.getValue() < 0) {
                throw CossimException.inFile(origin, "tokenizer.json has a negative id for '" + p.getKey() + "'");
            }
            max = Math.max(max, p.getValue());
        }
        String[] tokens = new String[max + 1];
        for (var p : pairs) {
            tokens[p.getValue()] = p.getKey();
        }
        return new TokenVocabulary(tokens, isByteLevel(root));
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
