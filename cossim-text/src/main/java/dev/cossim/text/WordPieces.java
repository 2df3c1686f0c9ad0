package dev.cossim.text;

import java.util.List;

/** How a tokenizer splits one word: the token ids and their spellings, in order. */
public record WordPieces(String word, List<Integer> ids, List<String> tokens) {
    public boolean single() {
        return ids.size() == 1;
    }
}
