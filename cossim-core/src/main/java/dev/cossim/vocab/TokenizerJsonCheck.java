package dev.cossim.vocab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cossim.CossimException;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * A structural check of a tokenizer.json (the Hugging Face tokenizers serialisation) before anything uses it: the
 * model is one of the four types with the fields it needs, its unknown token is in its vocabulary, the
 * post-processor's templates name only special tokens it defines, and every normalizer, pre-tokenizer, post-processor
 * and decoder is an object of a known type (sequences checked through). The native tokenizer panics and aborts the
 * JVM on some files that are valid JSON (a template naming a missing special token, a precompiled normalizer whose
 * character map does not parse) or fails only at the first encoding (a WordPiece vocabulary without its [UNK]):
 * such files are refused here with a one-line error naming the file.
 */
public final class TokenizerJsonCheck {
    private static final Set<String> NORMALIZERS = Set.of("BertNormalizer", "Strip", "StripAccents", "NFC", "NFD", "NFKC",
            "NFKD", "Sequence", "Lowercase", "Nmt", "Precompiled", "Replace", "Prepend", "ByteLevel");
    private static final Set<String> PRE_TOKENIZERS = Set.of("BertPreTokenizer", "ByteLevel", "Delimiter", "Metaspace",
            "Whitespace", "Sequence", "Split", "Punctuation", "WhitespaceSplit", "Digits", "UnicodeScripts", "FixedLength");
    private static final Set<String> PROCESSORS = Set.of("TemplateProcessing", "BertProcessing", "RobertaProcessing",
            "ByteLevel", "Sequence");
    private static final Set<String> DECODERS = Set.of("BPEDecoder", "ByteLevel", "WordPiece", "Metaspace", "CTC", "Sequence",
            "Replace", "Fuse", "Strip", "ByteFallback");
    /** Deeper nesting of sequences than any real tokenizer has. */
    private static final int MAX_DEPTH = 16;

    private final Object origin;
    private final boolean tokenizing;

    private TokenizerJsonCheck(Object origin, boolean tokenizing) {
        this.origin = origin;
        this.tokenizing = tokenizing;
    }

    /**
     * Throws a one-line {@link CossimException} naming {@code origin} when {@code root} is not a tokenizer the native
     * library can load and run: everything above.
     */
    public static void checkForTokenizing(Object origin, JsonNode root) {
        new TokenizerJsonCheck(origin, true).root(root);
    }

    /**
     * The same for a file read only for its vocabulary ({@link VocabularyFiles}): the pipeline's parts are checked
     * alike, the model only for what the vocabulary needs (its unknown token and merges are not used).
     */
    public static void checkForVocabulary(Object origin, JsonNode root) {
        new TokenizerJsonCheck(origin, false).root(root);
    }

    private CossimException bad(String what) {
        return CossimException.inFile(origin, "tokenizer.json " + what);
    }

    private void root(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw bad("is not a JSON object");
        }
        numbersInRange(root);
        JsonNode model = root.get("model");
        if (model == null || !model.isObject()) {
            throw bad("has no model object");
        }
        if (tokenizing) {
            model(model);
        }
        JsonNode added = root.get("added_tokens");
        if (added != null && !added.isNull()) {
            if (!added.isArray()) {
                throw bad("added_tokens is not an array");
            }
            for (JsonNode a : added) {
                if (!a.isObject() || !a.path("content").isTextual() || !a.path("id").canConvertToInt() || !a.path("id").isIntegralNumber()
                        || a.path("id").asInt() < 0) {
                    throw bad("has an added token that is not {id: a non-negative integer, content: a string}");
                }
            }
        }
        component(root.get("normalizer"), "normalizer", NORMALIZERS, "normalizers", 0);
        component(root.get("pre_tokenizer"), "pre_tokenizer", PRE_TOKENIZERS, "pretokenizers", 0);
        component(root.get("post_processor"), "post_processor", PROCESSORS, "processors", 0);
        component(root.get("decoder"), "decoder", DECODERS, "decoders", 0);
    }

    private void model(JsonNode model) {
        String type = model.path("type").asText("");
        JsonNode vocab = model.get("vocab");
        switch (type) {
            case "WordPiece", "WordLevel", "BPE" -> {
                if (vocab == null || !vocab.isObject()) {
                    throw bad("model.vocab of a " + type + " model is not an object");
                }
                for (var it = vocab.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!tokenId(e.getValue())) {
                        throw bad("model.vocab gives '" + e.getKey() + "' the id " + e.getValue() + ", not a token id (0 to 2^31 - 1)");
                    }
                }
                JsonNode unk = model.get("unk_token");
                boolean optional = type.equals("BPE");
                if (unk == null || unk.isNull()) {
                    if (!optional) {
                        throw bad("has a " + type + " model without model.unk_token");
                    }
                } else if (!unk.isTextual()) {
                    throw bad("model.unk_token is not a string");
                } else if (!vocab.has(unk.asText())) {
                    throw bad("model.unk_token '" + unk.asText() + "' is not in the " + type + " vocabulary");
                }
                if (type.equals("BPE")) {
                    merges(model);
                }
            }
            case "Unigram" -> {
                if (vocab == null || !vocab.isArray() || vocab.isEmpty()) {
                    throw bad("model.vocab of a Unigram model is not a non-empty array");
                }
                for (JsonNode e : vocab) {
                    if (!e.isArray() || e.size() != 2 || !e.get(0).isTextual() || !e.get(1).isNumber()) {
                        throw bad("model.vocab of a Unigram model has an entry that is not a [piece, score] pair");
                    }
                }
                JsonNode unk = model.get("unk_id");
                if (unk != null && !unk.isNull() && (!unk.isIntegralNumber() || !unk.canConvertToInt()
                        || unk.asInt() < 0 || unk.asInt() >= vocab.size())) {
                    throw bad("model.unk_id " + unk + " is not an index into the Unigram vocabulary of " + vocab.size());
                }
            }
            default -> throw bad("model.type '" + type + "' is not WordPiece, BPE, WordLevel or Unigram");
        }
    }

    private void component(JsonNode node, String what, Set<String> types, String children, int depth) {
        if (node == null || node.isNull()) {
            return;
        }
        if (depth > MAX_DEPTH) {
            throw bad(what + " nests sequences deeper than " + MAX_DEPTH);
        }
        if (!node.isObject() || !node.path("type").isTextual() || !types.contains(node.get("type").asText())) {
            throw bad(what + " is not an object of a known type (" + String.join(", ", types.stream().sorted().toList()) + ")");
        }
        String type = node.get("type").asText();
        switch (type) {
            case "Sequence" -> {
                JsonNode list = node.get(children);
                if (list == null || !list.isArray()) {
                    throw bad(what + " of type Sequence has no " + children + " array");
                }
                for (JsonNode c : list) {
                    component(c, what, types, children, depth + 1);
                }
            }
            case "TemplateProcessing" -> template(node);
            case "BertProcessing", "RobertaProcessing" -> {
                for (String f : new String[]{"sep", "cls"}) {
                    JsonNode t = node.get(f);
                    if (t == null || !t.isArray() || t.size() != 2 || !t.get(0).isTextual() || !t.get(1).canConvertToInt()) {
                        throw bad("post_processor " + type + "." + f + " is not a [token, id] pair");
                    }
                }
            }
            case "Precompiled" -> precompiled(node);
            default -> {
            }
        }
    }

    /** Every SpecialToken a template names must be defined in special_tokens, with as many ids as tokens. */
    private void template(JsonNode node) {
        JsonNode specials = node.get("special_tokens");
        if (specials == null || !specials.isObject()) {
            throw bad("post_processor TemplateProcessing has no special_tokens object");
        }
        Set<String> defined = new HashSet<>();
        for (var it = specials.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode s = e.getValue();
            JsonNode ids = s.get("ids");
            JsonNode tokens = s.get("tokens");
            if (!s.isObject() || !s.path("id").isTextual() || ids == null || !ids.isArray() || tokens == null || !tokens.isArray()
                    || ids.size() != tokens.size()) {
                throw bad("post_processor special token '" + e.getKey() + "' is not {id, ids, tokens} with as many ids as tokens");
            }
            for (JsonNode id : ids) {
                if (!tokenId(id)) {
                    throw bad("post_processor special token '" + e.getKey() + "' has an id " + id + " that is not a token id");
                }
            }
            defined.add(e.getKey());
        }
        for (String part : new String[]{"single", "pair"}) {
            JsonNode t = node.get(part);
            if (t == null || !t.isArray()) {
                throw bad("post_processor TemplateProcessing has no " + part + " template");
            }
            for (JsonNode piece : t) {
                JsonNode special = piece.get("SpecialToken");
                JsonNode seq = piece.get("Sequence");
                if (special != null && special.path("id").isTextual()) {
                    if (!defined.contains(special.get("id").asText())) {
                        throw bad("post_processor template names special token '" + special.get("id").asText()
                                + "', which special_tokens does not define");
                    }
                } else if (seq == null || !(seq.path("id").asText().equals("A") || seq.path("id").asText().equals("B"))) {
                    throw bad("post_processor " + part + " template has a piece that is neither a SpecialToken nor Sequence A or B");
                } else if (part.equals("single") && !seq.path("id").asText().equals("A")) {
                    // The native library indexes the one sequence it has by B's position and panics.
                    throw bad("post_processor single template names Sequence B; a single sequence is A");
                }
            }
        }
    }

    /**
     * A BPE model's merges: pairs of tokens, as "a b" strings or [a, b] arrays. With a continuing_subword_prefix the
     * native library cuts that many bytes off each pair's second token: a token shorter than the prefix, or a cut inside
     * a character, panics (tokenizers 0.21.4, models/bpe/model.rs:186), so it is refused here.
     */
    private void merges(JsonNode model) {
        JsonNode merges = model.get("merges");
        if (merges == null || !merges.isArray()) {
            throw bad("has a BPE model without a merges array");
        }
        JsonNode prefixNode = model.get("continuing_subword_prefix");
        byte[] prefix = prefixNode == null || !prefixNode.isTextual() ? new byte[0]
                : prefixNode.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < merges.size(); i++) {
            JsonNode m = merges.get(i);
            String second;
            if (m.isTextual()) {
                String[] parts = m.asText().split(" ", -1);
                second = parts.length == 2 ? parts[1] : null;
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                second = m.get(1).asText();
            } else {
                second = null;
            }
            if (second == null) {
                throw bad("BPE merge " + i + " is not a pair of tokens (\"a b\" or [\"a\", \"b\"])");
            }
            byte[] b = second.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (b.length < prefix.length || (b.length > prefix.length && (b[prefix.length] & 0xc0) == 0x80)) {
                throw bad("BPE merge " + i + " has a second token '" + second + "' that does not start with the continuing_subword_prefix '"
                        + prefixNode.asText() + "'");
            }
        }
    }

    /**
     * Every number of the document within double range: Jackson reads 1e309 as infinity, the native library's JSON
     * parser refuses it, and inside a decoder that refusal is a panic (tokenizers 0.21.4, decoders/mod.rs:90).
     */
    private void numbersInRange(JsonNode root) {
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            if (n.isNumber() && !Double.isFinite(n.doubleValue())) {
                throw bad("has a number out of range: " + n.asText());
            }
            if (n.isContainerNode()) {
                n.forEach(todo::push);
            }
        }
    }

    /** A token id as cossim uses them: a row of an embedding matrix, an int. */
    private static boolean tokenId(JsonNode id) {
        return id.isIntegralNumber() && id.canConvertToInt() && id.asInt() >= 0;
    }

    /**
     * A precompiled normalizer's charsmap (SentencePiece's): base64 of a little-endian u32 trie size in bytes, the
     * trie (u32 units), then the normalized strings; the native library panics when it does not parse.
     */
    private void precompiled(JsonNode node) {
        JsonNode map = node.get("precompiled_charsmap");
        if (map == null || map.isNull()) {
            return;
        }
        byte[] b;
        try {
            b = Base64.getDecoder().decode(map.asText());
        } catch (IllegalArgumentException e) {
            throw bad("normalizer Precompiled has a precompiled_charsmap that is not base64");
        }
        long trie = b.length < 4 ? -1 : (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        if (!map.isTextual() || trie <= 0 || trie > b.length - 4L || trie % 4 != 0) {
            throw bad("normalizer Precompiled has a precompiled_charsmap that does not parse");
        }
    }
}
