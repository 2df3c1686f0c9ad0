package dev.cossim.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The terminal progress line fits 80 columns with human numbers, a real bar, the rate and the time left. */
class ConsoleProgressTest {
    @Test
    void lineFitsEightyColumnsAtEveryStage() {
        long total = 1_249_975_000L;
        for (long done : new long[]{0, 1, 487_876_608L, total - 1, total}) {
            for (double el : new double[]{0, 0.001, 5, 3_600 * 30}) {
                String l = ConsoleProgress.line("correlation-vs-cosine", done, total, el, 80);
                assertTrue(l.length() <= 80, l.length() + ": " + l);
                assertFalse(l.contains("\r") || l.contains("\n"), l);
            }
        }
        String l = ConsoleProgress.line("all-pairs", 487_876_608L, total, 5, 80);
        assertTrue(l.startsWith("all-pairs     39% ["), l);
        assertTrue(l.contains("487.9M/1.2G pairs"), l);
        assertTrue(l.contains("97.6M/s"), l);
        assertTrue(l.contains("ETA 0:08"), l);
        int bar = l.indexOf(']') - l.indexOf('[') - 1;
        assertTrue(bar >= 10, "a bar of at least 10 cells: " + l);
        assertEquals(Math.round(0.39 * bar), l.chars().filter(c -> c == '#').count(), l);
    }

    @Test
    void humanNumbersAndClock() {
        assertEquals("999", ConsoleProgress.human(999));
        assertEquals("1.0k", ConsoleProgress.human(999.96));
        assertEquals("465.8M", ConsoleProgress.human(465_780_981));
        assertEquals("1.2G", ConsoleProgress.human(1_249_975_000L));
        assertEquals("?", ConsoleProgress.human(Double.NaN));
        assertEquals("0:08", ConsoleProgress.clock(7.6));
        assertEquals("1:01:01", ConsoleProgress.clock(3661));
        assertEquals("?", ConsoleProgress.clock(Double.NaN));
    }

    @Test
    void aTerminalGetsOneRedrawnLineAndANewlineAtTheEnd() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 5);
        p.begin("all-pairs", 1000);
        for (int i = 0; i < 10; i++) {
            Thread.sleep(210);
            p.advance(100);
        }
        p.end();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r"), out);
        assertTrue(out.endsWith("\n"), out);
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one line, redrawn in place");
        for (String frame : out.strip().split("\r")) {
            assertTrue(frame.length() <= 80, frame.length() + ": " + frame);
        }
        assertTrue(out.contains("100% ["), out);
    }
}
