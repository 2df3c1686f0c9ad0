package dev.cossim.output;

import dev.cossim.testing.TsvReader;

import dev.cossim.testing.NastyTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TsvTest {
    static final List<String> NASTY = NastyTokens.ALL;

    @TempDir
    Path dir;

    /** RFC 4180 on a tab: quoted fields may hold anything, "" is a quote inside them; rows end at a bare \n. */
    static List<List<String>> read(String text) {
        return TsvReader.read(text);
    }

    @Test
    void everyNastyTokenComesBackExactly() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < NASTY.size(); i++) {
            rows.add(List.of(Integer.toString(i), NASTY.get(i), NASTY.get((i + 1) % NASTY.size()), "0.5"));
        }
        Path f = dir.resolve("t.tsv");
        Tsv.write(f, List.of("id", "token", "next", "value"), rows);
        List<List<String>> back = read(Files.readString(f, StandardCharsets.UTF_8));
        assertEquals(List.of("id", "token", "next", "value"), back.getFirst());
        assertEquals(rows, back.subList(1, back.size()));
    }

    @Test
    void eachTokenAloneAndAsTheLastFieldComesBack() {
        for (String t : NASTY) {
            assertEquals(List.of(List.of(t)), read(Tsv.line(t)), t);
            assertEquals(List.of(List.of("x", t)), read(Tsv.line("x", t)), t);
            assertEquals(List.of(List.of(t, t, t)), read(Tsv.line(t, t, t)), t);
        }
    }

    @Test
    void onlyTabsQuotesAndLineBreaksAreQuoted() {
        assertEquals("\"\"\"\"", Tsv.field("\""));
        assertEquals("\"##\"\"\"", Tsv.field("##\""));
        assertEquals("\"a\tb\"", Tsv.field("a\tb"));
        assertEquals("\"a\nb\"", Tsv.field("a\nb"));
        assertEquals("\"\r\"", Tsv.field("\r"));
        for (String bare : List.of("", "nan", "null", "NA", " lead", "trail ", "\\", "\\t", "é", "日本", "😀", "▁", "Ġ", "#", "'")) {
            assertFalse(Tsv.needsQuotes(bare), bare);
            assertEquals(bare, Tsv.field(bare));
        }
        assertTrue(Tsv.needsQuotes("x\"y"));
    }

    @Test
    void ordinaryRowsAreWrittenAsBefore() throws Exception {
        // The byte form of files of ordinary tokens is unchanged: fields joined by tabs, \n after each row.
        assertEquals("id\ttoken\tsimilarity\n", Tsv.line("id", "token", "similarity"));
        assertEquals("7\t##s\t0.8125\n", Tsv.line(List.of("7", "##s", "0.8125")));
        assertEquals("\t\tnan\n", Tsv.line("", "", "nan"));
        StringWriter w = new StringWriter();
        try (Tsv t = new Tsv(w)) {
            t.row("a", "b").row(List.of("c", "d\"e"));
        }
        assertEquals("a\tb\nc\t\"d\"\"e\"\n", w.toString());
        Path f = dir.resolve("u.tsv");
        Tsv.write(f, List.of("é", "日本"), List.of(List.of("😀", "▁")));
        assertArrayEquals("é\t日本\n😀\t▁\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
    }

    @Test
    void aRowOfOneEmptyFieldIsNotABlankLine() {
        assertEquals("\"\"\n", Tsv.line(""));
        assertEquals("\n", Tsv.line(List.of()));
        assertThrows(NullPointerException.class, () -> Tsv.line("a", null));
    }
}
