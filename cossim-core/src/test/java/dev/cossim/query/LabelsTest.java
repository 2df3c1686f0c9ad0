package dev.cossim.query;

import dev.cossim.CossimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LabelsTest {
    @TempDir
    Path dir;

    @Test
    void linesWithCrLfEmptyLinesAndNoFinalNewline() throws Exception {
        Path p = dir.resolve("l.txt");
        Files.writeString(p, "first\r\n\nthird ünïcode\nlast");
        try (Labels l = Labels.open(p)) {
            assertEquals(4, l.size());
            assertEquals("first", l.get(0));
            assertEquals("", l.get(1));
            assertEquals("third ünïcode", l.get(2));
            assertEquals("last", l.get(3));
        }
        Path empty = dir.resolve("e.txt");
        Files.writeString(empty, "");
        try (Labels l = Labels.open(empty)) {
            assertEquals(0, l.size());
        }
    }

    @Test
    void jsonLinesAreStringsOrObjects() throws Exception {
        Path p = dir.resolve("l.jsonl");
        Files.writeString(p, "\"a\\tb\\nc\"\n{\"text\": \"t\"}\n{\"label\": \"l\", \"text\": \"ignored\"}\n[1]\n");
        try (Labels l = Labels.open(p)) {
            assertEquals(4, l.size());
            assertEquals("a\tb\nc", l.get(0));
            assertEquals("t", l.get(1));
            assertEquals("l", l.get(2));
            CossimException e = assertThrows(CossimException.class, () -> l.get(3));
            assertEquals(p + ": line 4 is neither a JSON string nor an object with a \"label\" or \"text\" string", e.getMessage());
        }
    }

    @Test
    void invalidUtf8NamesTheLine() throws Exception {
        Path p = dir.resolve("l.txt");
        Files.write(p, new byte[]{'o', 'k', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
        try (Labels l = Labels.open(p)) {
            assertEquals("ok", l.get(0));
            CossimException e = assertThrows(CossimException.class, () -> l.get(1));
            assertEquals(p + ": line 2 is not valid UTF-8", e.getMessage());
        }
    }
}
