package dev.cossim.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbedCommandTest {
    @TempDir
    Path dir;

    @Test
    void embedRefusesADirectoryThatHoldsBatches() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("batch_00000.npy"), "old");
        Path f = dir.resolve("s.txt");
        Files.writeString(f, "a\n");
        CliRun r = CliRun.of("embed", f.toString(), "-o", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(out + ": already holds batch files"), r.err());
        assertEquals(List.of(out.resolve("batch_00000.npy")), Files.list(out).toList());
    }
}
