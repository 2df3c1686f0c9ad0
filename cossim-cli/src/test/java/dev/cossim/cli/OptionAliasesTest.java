package dev.cossim.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Old option spellings still set what the new ones set, their defaults hold, and help shows only the new names. */
class OptionAliasesTest {
    static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void oldSpellingsSetTheSameValuesAndDefaultsHold() {
        assertEquals(500, parse(new PlotCommand.CorrCos(), "-o", "x.png", "--samples", "500").samples);
        assertEquals(400, parse(new PlotCommand.CorrCos(), "-o", "x.png", "--sample-pairs", "400").samples);
        assertEquals(20_000, parse(new PlotCommand.CorrCos(), "-o", "x.png").samples);
        assertEquals("^x", parse(new PlotCommand.Unused(), "-o", "x.png", "--pattern", "^x").pattern);
        assertEquals("^y", parse(new PlotCommand.Unused(), "-o", "x.png", "--unused", "^y").pattern);
        assertEquals("^\\[unused", parse(new PlotCommand.Unused(), "-o", "x.png").pattern);
        assertEquals(7, parse(new ReportCommand(), "-o", "r.html", "--samples", "7").samples);
        assertEquals(20_000, parse(new ReportCommand(), "-o", "r.html").samples);
        assertEquals(5, parse(new TopPairsCommand(), "-k", "5").count);
        assertEquals(6, parse(new TopPairsCommand(), "--count", "6").count);
        assertEquals(20, parse(new TopPairsCommand()).count);
        assertEquals(9, parse(new EmbedCommand(), "t.txt", "-o", "d", "--positions", "9").positions);
        assertEquals(8, parse(new EmbedCommand(), "t.txt", "-o", "d", "--token-slots", "8").positions);
        assertEquals(0, parse(new EmbedCommand(), "t.txt", "-o", "d").positions);
    }

    @Test
    void helpShowsTheNewNamesWithTheirDefaults() {
        String corrCos = new CommandLine(new PlotCommand.CorrCos()).getUsageMessage();
        assertTrue(corrCos.contains("--sample-pairs=N") && corrCos.contains("(default: 20000)"), corrCos);
        assertFalse(corrCos.contains("--samples"), corrCos);
        String top = new CommandLine(new TopPairsCommand()).getUsageMessage();
        assertTrue(top.contains("Default: 20."), top);
        assertFalse(top.contains("--top-k"), top);
    }

    /** I/O failures (a full disk, a read-only output) are one line naming the file, not an internal error. */
    @Test
    void ioFailuresAreOneLineNamingTheFile() {
        assertEquals("/ro/out/summary.json: permission denied",
                Main.describe(new java.nio.file.AccessDeniedException("/ro/out/summary.json")));
        assertEquals("/x/y: Read-only file system",
                Main.describe(new java.nio.file.FileSystemException("/x/y", null, "Read-only file system")));
        assertEquals("cannot write or read the output: No space left on device",
                Main.describe(new java.io.IOException("No space left on device")));
    }
}
