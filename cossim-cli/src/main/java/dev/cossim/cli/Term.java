package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.text.HfTokenizer;
import dev.cossim.text.WordPieces;
import dev.cossim.vocab.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What the user named on the command line — a row id, a vocabulary token, or a word the tokenizer splits — and the
 * row ids it stands for. A word of several tokens stands for the mean of their embeddings.
 */
record Term(String text, List<Integer> ids, List<String> tokens) {

    boolean single() {
        return ids.size() == 1;
    }

    int id() {
        return ids.getFirst();
    }

    String describe() {
        if (single()) {
            return "\"" + tokens.getFirst() + "\" (id " + id() + ")";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            parts.add(tokens.get(i) + " (" + ids.get(i) + ")");
        }
        return "\"" + text + "\" = " + ids.size() + " tokens: " + String.join(" + ", parts) + "; using the mean of their embeddings";
    }

    /** Double-precision mean of the rows (the raw values, as the model stores them). */
    double[] meanVector(EmbeddingModel m) {
        double[] v = new double[m.dim()];
        for (int id : ids) {
            double[] row = m.matrix().rowAsDoubles(id);
            for (int i = 0; i < v.length; i++) {
                v[i] += row[i] / ids.size();
            }
        }
        return v;
    }

    static Term resolve(String arg, EmbeddingModel m, HfTokenizer tokenizer, String argName) {
        Vocabulary vocab = m.vocabulary();
        if (arg.matches("\\d+")) {
            long id = Long.parseLong(arg);
            if (id >= m.rows()) {
                throw new CossimException(argName + " " + arg + ": id out of range, the matrix has " + m.rows() + " rows");
            }
            return new Term(arg, List.of((int) id), List.of(vocab.display((int) id)));
        }
        OptionalInt exact = vocab.id(arg);
        if (exact.isPresent() && exact.getAsInt() < m.rows()) {
            return new Term(arg, List.of(exact.getAsInt()), List.of(vocab.display(exact.getAsInt())));
        }
        if (tokenizer != null) {
            WordPieces p = tokenizer.pieces(arg);
            if (p.ids().isEmpty()) {
                throw new CossimException(argName + " '" + arg + "': the tokenizer gives no tokens for it");
            }
            for (int i = 0; i < p.ids().size(); i++) {
                String t = p.tokens().get(i);
                if (t.equals("[UNK]") || t.equals("<unk>") || t.equals("<UNK>")) {
                    throw new CossimException(argName + " '" + arg + "': not in the vocabulary (the tokenizer maps it to " + t + ")");
                }
                if (p.ids().get(i) >= m.rows()) {
                    throw new CossimException(argName + " '" + arg + "': token id " + p.ids().get(i) + " is past the matrix's " + m.rows() + " rows");
                }
            }
            List<String> shown = p.ids().stream().map(vocab::display).toList();
            return new Term(arg, p.ids(), shown);
        }
        throw new CossimException(argName + " '" + arg + "': not a token of the vocabulary"
                + (vocab.size() == Integer.MAX_VALUE ? " (this model has no vocabulary: give a row id, or --vocab FILE)" : ""));
    }
}
