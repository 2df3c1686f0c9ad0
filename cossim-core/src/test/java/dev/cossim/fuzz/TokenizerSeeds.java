package dev.cossim.fuzz;

import java.util.List;

/**
 * Small valid tokenizer.json files of the four model types, written from the Hugging Face tokenizers serialisation
 * (the shapes its own {@code tokenizer.save} writes): seeds for the vocabulary reader and for the native tokenizer.
 */
public final class TokenizerSeeds {
    private TokenizerSeeds() {
    }

    private static String added(int id, String content) {
        return "{\"id\":" + id + ",\"content\":\"" + content + "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                + "\"normalized\":false,\"special\":true}";
    }

    /** BERT: WordPiece with [UNK], BertNormalizer, BertPreTokenizer, a [CLS] $A [SEP] template, WordPiece decoder. */
    public static final String WORDPIECE = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
            + added(0, "[PAD]") + "," + added(1, "[UNK]") + "," + added(2, "[CLS]") + "," + added(3, "[SEP]") + "],"
            + "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true},"
            + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
            + "\"post_processor\":{\"type\":\"TemplateProcessing\","
            + "\"single\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}}],"
            + "\"pair\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}},"
            + "{\"Sequence\":{\"id\":\"B\",\"type_id\":1}},{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":1}}],"
            + "\"special_tokens\":{\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],\"tokens\":[\"[CLS]\"]},\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[3],\"tokens\":[\"[SEP]\"]}}},"
            + "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
            + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,"
            + "\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3,\"hello\":4,\"world\":5,\"##s\":6,\"sun\":7,\"##shine\":8,\"caf\\u00e9\":9}}}";

    /** GPT-2: byte-level BPE with merges, ByteLevel pre-tokenizer, post-processor and decoder, one added token. */
    public static final String BPE = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
            + "{\"id\":9,\"content\":\"<|endoftext|>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":true,\"special\":true}],"
            + "\"normalizer\":null,"
            + "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true},"
            + "\"post_processor\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":false,\"use_regex\":true},"
            + "\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},"
            + "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,\"continuing_subword_prefix\":\"\",\"end_of_word_suffix\":\"\","
            + "\"fuse_unk\":false,\"byte_fallback\":false,"
            + "\"vocab\":{\"h\":0,\"e\":1,\"l\":2,\"o\":3,\"he\":4,\"ll\":5,\"hell\":6,\"\\u0120\":7,\"\\u0120w\":8,\"<|endoftext|>\":9,\"w\":10},"
            + "\"merges\":[\"h e\",\"l l\",\"he ll\",\"\\u0120 w\"]}}";

    /** T5 style: Unigram with scores and unk_id, Metaspace pre-tokenizer and decoder. */
    public static final String UNIGRAM = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
            + "\"normalizer\":null,"
            + "\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"\\u2581\",\"prepend_scheme\":\"always\",\"split\":true},"
            + "\"post_processor\":null,"
            + "\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"\\u2581\",\"prepend_scheme\":\"always\",\"split\":true},"
            + "\"model\":{\"type\":\"Unigram\",\"unk_id\":0,\"vocab\":[[\"<unk>\",0.0],[\"\\u2581hello\",-1.0],[\"\\u2581world\",-1.5],"
            + "[\"\\u2581\",-2.0],[\"h\",-3.0],[\"e\",-3.0],[\"l\",-3.0],[\"o\",-3.0]],\"byte_fallback\":false}}";

    /** A word-level tokenizer with a Sequence normalizer and a Whitespace pre-tokenizer. */
    public static final String WORDLEVEL = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
            + "\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFD\"},{\"type\":\"Lowercase\"},{\"type\":\"StripAccents\"}]},"
            + "\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\":null,\"decoder\":null,"
            + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"<unk>\":0,\"hello\":1,\"world\":2,\"\\ud83d\\ude00\":3},\"unk_token\":\"<unk>\"}}";

    public static List<String> all() {
        return List.of(WORDPIECE, BPE, UNIGRAM, WORDLEVEL);
    }

    /** Keys and type names of the format, for the text mutations. */
    public static final List<String> DICTIONARY = List.of("\"type\"", "\"vocab\"", "\"model\"", "\"merges\"", "\"unk_token\"",
            "\"unk_id\"", "\"id\"", "\"ids\"", "\"tokens\"", "\"content\"", "\"added_tokens\"", "\"special_tokens\"",
            "\"SpecialToken\"", "\"Sequence\"", "\"WordPiece\"", "\"BPE\"", "\"Unigram\"", "\"WordLevel\"", "\"ByteLevel\"",
            "\"Metaspace\"", "\"TemplateProcessing\"", "\"BertProcessing\"", "\"RobertaProcessing\"", "\"decoder\"",
            "\"normalizer\"", "\"pre_tokenizer\"", "\"post_processor\"", "\"single\"", "\"pair\"", "\"[UNK]\"", "\"[CLS]\"",
            "\"replacement\"", "\"prefix\"", "\"sep\"", "\"cls\"", "\"pattern\"", "\"Regex\"", "\"String\"", "\"Replace\"",
            "\"Split\"", "\"behavior\"", "\"invert\"", "\"decoders\"", "\"normalizers\"", "\"pretokenizers\"",
            "\"processors\"", "\"continuing_subword_prefix\"", "\"max_input_chars_per_word\"", "\"byte_fallback\"",
            "\"dropout\"", "\"type_id\"", "\"prepend_scheme\"", "2147483647", "-1", "[\"x\",-1.0]");
}
