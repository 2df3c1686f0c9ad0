package dev.cossim.vocab;

import java.util.OptionalInt;

/** The stand-in vocabulary of a matrix without one (a plain .npy): token i is "#i". */
final class NumericVocabulary implements Vocabulary {
    static final NumericVocabulary INSTANCE = new NumericVocabulary();

    @Override
    public int size() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String rawToken(int id) {
        return "#" + id;
    }

    @Override
    public String token(int id) {
        return "#" + id;
    }

    @Override
    public OptionalInt id(String token) {
        String t = token.startsWith("#") ? token.substring(1) : token;
        try {
            return OptionalInt.of(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
