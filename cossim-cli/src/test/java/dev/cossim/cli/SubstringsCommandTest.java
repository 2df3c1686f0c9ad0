package dev.cossim.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubstringsCommandTest {
    @TempDir
    Path dir;

    @Test
    void distinctSubstringsInFirstAppearanceOrderAsJsonLines() throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "abcab\nab");
        CliRun r = CliRun.of("substrings", f.toString(), "--length", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("\"ab\"", "\"bc\"", "\"ca\"", "\"b\\n\"", "\"\\na\""), r.out().lines().toList());
        assertTrue(r.err().contains("5 distinct substrings of length 2 in 8 characters"), r.err());
    }

    @Test
    void countsCodePointsNotUtf16Units() {
        assertEquals(List.of("a\uD83D\uDE00", "\uD83D\uDE00b"), List.copyOf(SubstringsCommand.unique("a\uD83D\uDE00b", 2)));
    }

    @Test
    void lengthMustBePositive() throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "abc");
        CliRun r = CliRun.of("substrings", f.toString(), "--length", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--length 0: must be at least 1"), r.err());
    }
}
