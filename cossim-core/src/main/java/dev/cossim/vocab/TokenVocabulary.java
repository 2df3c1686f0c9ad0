package dev.cossim.vocab;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A vocabulary held as an id-indexed array of raw tokens, with each token's readable spelling: byte-level decoding for
 * GPT-2 style models, or any other spelling rule (a GGUF file's SentencePiece '▁' as a space).
 */
public final class TokenVocabulary implements Vocabulary {
    private final String[] raw;
    private final String[] readable;
    private final Map<String, Integer> ids = new HashMap<>();

    public TokenVocabulary(String[] rawTokens, boolean byteLevel) {
        this(rawTokens, byteLevel ? ByteLevel::decode : UnaryOperator.identity());
    }

    /** Raw tokens, each shown as {@code readableSpelling} spells it. */
    public TokenVocabulary(String[] rawTokens, UnaryOperator<String> readableSpelling) {
        this.raw = rawTokens.clone();
        this.readable = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == null) {
                continue;
            }
            readable[i] = readableSpelling.apply(raw[i]);
            ids.putIfAbsent(raw[i], i);
        }
        for (int i = 0; i < raw.length; i++) {
            if (readable[i] != null) {
                ids.putIfAbsent(readable[i], i);
            }
        }
    }

    @Override
    public int size() {
        return raw.length;
    }

    @Override
    public String rawToken(int id) {
        return id >= 0 && id < raw.length ? raw[id] : null;
    }

    @Override
    public String token(int id) {
        return id >= 0 && id < readable.length ? readable[id] : null;
    }

    @Override
    public OptionalInt id(String token) {
        Integer i = ids.get(token);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    @Override
    public String toString() {
        return "TokenVocabulary" + Arrays.asList(raw).subList(0, Math.min(5, raw.length)) + "... (" + raw.length + ")";
    }
}
