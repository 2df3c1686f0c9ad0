package dev.cossim.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ./cossim launcher as a user runs it (with the test class path instead of a build): help and info write nothing
 * on stderr (no incubator-module or sun.misc.Unsafe warning), commands that load the Vector API keep only their own
 * lines there, and --kernel vector still gets the Vector API.
 */
class LauncherTest {
    record Run(int code, String out, String err) {
    }

    static Run launch(String... args) throws IOException, InterruptedException {
        return launchWith(null, args);
    }

    /** The same with JAVA_OPTS set to {@code javaOpts} (null: unset). */
    static Run launchWith(String javaOpts, String... args) throws IOException, InterruptedException {
        Path root = ReadmeSnippetTest.repoRoot();
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("cossim").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("COSSIM_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        if (javaOpts != null) {
            pb.environment().put("JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher finished");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpAndInfoAreQuietOnStderr() throws Exception {
        Run help = launch("--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("all-pairs"), help.out());
        assertEquals("", help.err());
        Run info = launch("info");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("30522 tokens"), info.out());
        assertEquals("", info.err());
        Run version = launch("--version");
        assertEquals(0, version.code(), version.err());
        assertEquals("", version.err());
    }

    @Test
    void theVectorKernelStillGetsTheVectorApi() throws Exception {
        Run r = launch("pair", "sunshine", "pineapple", "--kernel", "vector", "--verbose");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("kernel: vector (requested"), r.err());
        assertFalse(r.err().contains("WARNING"), r.err());
    }

    /** A command that loads the Vector API: the JVM's one warning line is dropped, everything else comes through. */
    @Test
    void computeCommandsKeepTheirOwnLinesOnly() throws Exception {
        Run r = launch("all-pairs", "--rows", "0-199", "-k", "3", "--bins", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pairs:     19,900 (every unordered pair, exact)"), r.out());
        assertEquals("", r.err(), "nothing but the command's own lines; the kernel is named in the time line");
        assertTrue(r.out().contains(" kernel ("), r.out());
        Run verbose = launch("all-pairs", "--rows", "0-199", "-k", "3", "--bins", "10", "--verbose");
        assertTrue(verbose.err().startsWith("kernel: "), verbose.err());
        assertFalse(verbose.err().contains("WARNING"), verbose.err());
        Run bad = launch("all-pairs", "--bins", "0");
        assertEquals(2, bad.code());
        assertEquals("cossim: error: --bins 0: must be at least 1\n", bad.err());
    }

    /**
     * compare runs on the serial collector with a 64 MiB young generation (its memory bound, docs/compare.md), as the
     * JVM itself reports in the verbose log; a JAVA_OPTS that names a collector keeps it.
     */
    @Test
    void compareGetsTheSerialCollectorUnlessJavaOptsPicksOne() throws Exception {
        Run r = launch("compare", "default", "--rows", "0-199", "-k", "3", "--sample-pairs", "100", "--verbose");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("compare: JVM collectors Copy, MarkSweepCompact,"), r.err());
        Run g1 = launchWith("-XX:+UseG1GC", "compare", "default", "--rows", "0-199", "-k", "3", "--sample-pairs", "100", "--verbose");
        assertEquals(0, g1.code(), g1.err());
        assertTrue(g1.err().contains("compare: JVM collectors G1 "), g1.err());
        assertFalse(g1.err().contains("MarkSweepCompact"), g1.err());
    }
}
