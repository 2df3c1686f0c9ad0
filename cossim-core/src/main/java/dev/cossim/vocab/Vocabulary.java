package dev.cossim.vocab;

import java.util.OptionalInt;

/** id -> token for a model's vocabulary, and the exact reverse lookup of a token string. */
public interface Vocabulary {
    int size();

    /** The token as the tokenizer file spells it (GPT-2's byte-level form keeps its 'Ġ'), or null when unknown. */
    String rawToken(int id);

    /** The token as a person reads it: byte-level tokens decoded to text ('Ġhello' -> ' hello'). */
    String token(int id);

    /** The id of a token, spelled raw or readable, if the vocabulary has it. */
    OptionalInt id(String token);

    /** {@link #token(int)}, or a placeholder like {@code <id 50300>} for ids past the vocabulary (padded matrices). */
    default String display(int id) {
        String t = id >= 0 && id < size() ? token(id) : null;
        return t == null ? "<id " + id + ">" : t;
    }

    /** The file this vocabulary was read from (a tokenizer.json, vocab.txt or GGUF file), or null when unknown. */
    default String origin() {
        return null;
    }

    /** A vocabulary for a matrix that has none: every id reads as its number. */
    static Vocabulary none() {
        return NumericVocabulary.INSTANCE;
    }
}
