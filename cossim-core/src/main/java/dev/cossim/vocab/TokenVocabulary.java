package dev.cossim.vocab;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
    private String origin;

    /** Raw tokens, decoded from GPT-2's byte-level alphabet when {@code byteLevel}; a lookup finds raw spellings first. */
    public TokenVocabulary(String[] rawTokens, boolean byteLevel) {
        this(rawTokens, byteLevel ? ByteLevel::decode : UnaryOperator.identity(), false);
    }

    /**
     * Raw tokens, each shown as {@code readableSpelling} spells it; a lookup finds readable spellings first, so a
     * readable token that is also another token's raw spelling means the readable one (a GGUF BERT vocabulary spells
     * '##king' as 'king' and 'king' as '▁king').
     */
    public TokenVocabulary(String[] rawTokens, UnaryOperator<String> readableSpelling) {
        this(rawTokens, readableSpelling, true);
    }

    private TokenVocabulary(String[] rawTokens, UnaryOperator<String> readableSpelling, boolean readableFirst) {
        this.raw = rawTokens.clone();
        this.readable = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != null) {
                readable[i] = readableSpelling.apply(raw[i]);
            }
        }
        String[] first = readableFirst ? readable : raw;
        String[] second = readableFirst ? raw : readable;
        for (String[] spelling : List.of(first, second)) {
            for (int i = 0; i < raw.length; i++) {
                if (spelling[i] != null) {
                    ids.putIfAbsent(spelling[i], i);
                }
            }
        }
    }

    /** Names the file the tokens were read from (for messages); set by the reader, before the vocabulary is shared. */
    public TokenVocabulary withOrigin(String file) {
        this.origin = file;
        return this;
    }

    @Override
    public String origin() {
        return origin;
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
