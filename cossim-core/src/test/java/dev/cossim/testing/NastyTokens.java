package dev.cossim.testing;

import java.util.List;

/**
 * Tokens that break naive TSV: BERT's {@code "} and {@code ##"}, quotes, tabs, line breaks and backslashes (byte-level
 * vocabularies decode to them), strings readers take for missing values, surrounding spaces, non-ASCII. All distinct;
 * no NUL (pandas' C parser cuts a field at NUL however it is quoted).
 */
public final class NastyTokens {
    public static final List<String> ALL = List.of("\"", "##\"", "\"\"", "a\"b", "\"quoted\"", "\t", "a\tb", "\n", "a\nb", "\r",
            "\r\n", "a\rb", "\\", "\\t", "\\n", "a\\", "nan", "NaN", "null", "NULL", "NA", "N/A", "None", "", " ", "  ", " lead",
            "trail ", " both ", "\u00a0nbsp", "#", "#comment", "'", "é", "日本", "😀", "▁hello", "Ġworld", "ĉ", "Ċ", "\u2028", "\u0085",
            "\ufeffbom", "[PAD]", "##s", "1e5", "007", "-", "true");

    private NastyTokens() {
    }
}
