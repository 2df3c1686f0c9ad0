package dev.cossim.text;

import dev.cossim.CossimException;
import dev.cossim.fuzz.TokenizerSeeds;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tokenizer.json files that are valid JSON but that the native tokenizer (tokenizers 0.21.4 in DJL 0.38) panics on,
 * aborting the JVM with exit 134, or fails on only at the first encoding: each is refused by {@link HfTokenizer#open}
 * with a one-line error naming the file, before the native library sees it.
 */
class OddTokenizerFilesTest {
    @TempDir
    Path dir;

    static final String WP = TokenizerSeeds.WORDPIECE;
    static final String BERT_NORMALIZER = "{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
            + "\"strip_accents\":null,\"lowercase\":true}";

    /** A [CLS] $A [SEP] template whose first piece names [MASK], which special_tokens lacks (native: panic at encode). */
    static final String TEMPLATE_MISSING_TOKEN = WP.replace("{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\"",
            "{\"SpecialToken\":{\"id\":\"[MASK]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\"");
    /** A precompiled normalizer whose charsmap is 3 zero bytes (native: panic while loading). */
    static final String BAD_PRECOMPILED = WP.replace(BERT_NORMALIZER, "{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"AAAA\"}");

    static Path write(Path dir, String name, String json) {
        return TestFiles.write(dir.resolve(name), json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "template|post_processor template names special token '[MASK]', which special_tokens does not define",
            "precompiled|normalizer Precompiled has a precompiled_charsmap that does not parse",
            "no-unk|model.unk_token '[UNK]' is not in the WordPiece vocabulary",
            "decoder-array|decoder is not an object of a known type (BPEDecoder, ByteFallback, ByteLevel, CTC, Fuse, Metaspace, Replace, Sequence, Strip, WordPiece)",
            "decoder-sequence|decoder of type Sequence has no decoders array",
            "special-ids|post_processor special token '[CLS]' is not {id, ids, tokens} with as many ids as tokens",
            "unigram-unk|model.unk_id 99 is not an index into the Unigram vocabulary of 8",
            "model-type|model.type 'Wordpiece' is not WordPiece, BPE, WordLevel or Unigram",
            // Found by fuzzing, each a panic of the native library:
            "bpe-prefix|BPE merge 0 has a second token 'e' that does not start with the continuing_subword_prefix 'pre'",
            "single-b|post_processor single template names Sequence B; a single sequence is A",
            "decoder-number|has a number out of range: Infinity"})
    void refusedBeforeTheNativeLibrary(String kind, String message) {
        String json = switch (kind) {
            case "template" -> TEMPLATE_MISSING_TOKEN;
            case "precompiled" -> BAD_PRECOMPILED;
            case "no-unk" -> WP.replace("\"[UNK]\":1,", "\"[UNKNOWN]\":1,");
            case "decoder-array" -> WP.replace("{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true}", "[]");
            case "decoder-sequence" -> WP.replace("{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true}",
                    "{\"type\":\"Sequence\",\"decoders\":{}}");
            case "special-ids" -> WP.replace("\"ids\":[2]", "\"ids\":[2,3]");
            case "unigram-unk" -> TokenizerSeeds.UNIGRAM.replace("\"unk_id\":0", "\"unk_id\":99");
            case "model-type" -> WP.replace("\"type\":\"WordPiece\",\"unk_token\"", "\"type\":\"Wordpiece\",\"unk_token\"");
            case "bpe-prefix" -> TokenizerSeeds.BPE.replace("\"continuing_subword_prefix\":\"\"", "\"continuing_subword_prefix\":\"pre\"");
            case "single-b" -> WP.replaceFirst("\\{\"Sequence\":\\{\"id\":\"A\"", "{\"Sequence\":{\"id\":\"B\"");
            case "decoder-number" -> TokenizerSeeds.UNIGRAM.replace("\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"\\u2581\",\"prepend_scheme\":\"always\"",
                    "\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"\\u2581\",\"prepend_scheme\":1e309");
            default -> throw new IllegalArgumentException(kind);
        };
        Path f = write(dir, kind + ".json", json);
        CossimException e = assertThrows(CossimException.class, () -> HfTokenizer.open(f));
        assertEquals(f + ": tokenizer.json " + message, e.getMessage());
    }

    @Test
    void theSeedsLoadAndTokenize() {
        List<String> seeds = TokenizerSeeds.all();
        for (int i = 0; i < seeds.size(); i++) {
            Path f = write(dir, "seed" + i + ".json", seeds.get(i));
            try (HfTokenizer t = HfTokenizer.open(f)) {
                assertTrue(t.modelInput("hello world").length >= 2, f.toString());
            }
        }
        try (HfTokenizer t = HfTokenizer.open(write(dir, "bert.json", WP))) {
            assertEquals(List.of(2L, 4L, 5L, 3L), java.util.Arrays.stream(t.modelInput("Hello world")).boxed().toList());
            assertEquals(List.of(7, 8), t.pieces("sunshine").ids());
        }
    }

    /** A WordLevel tokenizer whose unknown token is not in its vocabulary: refused when opened, not when encoding. */
    @Test
    void wordLevelWithoutItsUnknownToken() {
        Path f = write(dir, "wl.json", TokenizerSeeds.WORDLEVEL.replace("\"unk_token\":\"<unk>\"", "\"unk_token\":\"<zz>\""));
        CossimException e = assertThrows(CossimException.class, () -> HfTokenizer.open(f));
        assertEquals(f + ": tokenizer.json model.unk_token '<zz>' is not in the WordLevel vocabulary", e.getMessage());
    }

    /**
     * The proof that the panic is avoided, in a child JVM (a panic would abort this one): without the check the same
     * files end the child with exit 134; through {@link HfTokenizer#open} it prints the one-line error and exits 0.
     */
    @Test
    void aChildJvmSurvivesThePanickingFiles() throws Exception {
        Path template = write(dir, "template.json", TEMPLATE_MISSING_TOKEN);
        Path precompiled = write(dir, "precompiled.json", BAD_PRECOMPILED);
        for (Path f : List.of(template, precompiled)) {
            ProcessResult checked = child(OddTokenizerChild.class.getName(), "checked", f.toString());
            assertEquals(0, checked.exit(), checked.output());
            assertTrue(checked.output().contains("refused: " + f + ": tokenizer.json "), checked.output());
            ProcessResult raw = child(OddTokenizerChild.class.getName(), "raw", f.toString());
            assertEquals(134, raw.exit(), "the native library alone aborts on " + f + ":\n" + raw.output());
            assertFalse(raw.output().contains("survived"), raw.output());
        }
    }

    record ProcessResult(int exit, String output) {
    }

    static ProcessResult child(String main, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new ProcessResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
